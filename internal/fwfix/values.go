package fwfix

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SetList puts a data source's computed list into its state as Terraform
// values built directly, typed by the schema.
//
// Works around terraform-plugin-framework v1.19.0: its struct reflection
// costs more than all the rest of a read of 10,000 invitations (tags
// parsed again for each item). The elements are Terraform values
// (tftypes.Value), made with the provider's tf* helpers (tfvalues.go):
// elem makes the i-th of n, given the list's element type.
func SetList(ctx context.Context, state *tfsdk.State, name string, n int, elem func(t tftypes.Type, i int) tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	t, d := state.Schema.TypeAtPath(ctx, path.Root(name))
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	listType, ok := t.TerraformType(ctx).(tftypes.List)
	var top map[string]tftypes.Value
	if err := state.Raw.As(&top); err != nil || !ok {
		diags.AddError("Internal error", fmt.Sprintf("setting %s: %v", name, err))
		return diags
	}
	elems := make([]tftypes.Value, n)
	for i := range elems {
		elems[i] = elem(listType.ElementType, i)
	}
	list := tftypes.NewValue(listType, elems)
	if h := handoverFrom(ctx); h != nil {
		// Encoded by the server, past the framework's walk (handover.go).
		if h.lists == nil {
			h.lists = map[string]tftypes.Value{}
		}
		h.typ, h.lists[name] = state.Raw.Type(), list
		list = tftypes.NewValue(listType, []tftypes.Value{})
	}
	top[name] = list
	state.Raw = tftypes.NewValue(state.Raw.Type(), top)
	return diags
}
