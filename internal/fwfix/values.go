package fwfix

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SetList puts a data source's computed list into its state as Terraform
// values, typed by the schema, and hands it over to ProtocolServer's
// ReadDataSource, which encodes it into the state past the framework's
// walk of it (handover.go). elem makes the i-th of n, given the list's
// element type, with String, StringPointer, Bool and Int64Pointer.
//
// Works around terraform-plugin-framework v1.19.0: its conversions and
// walk of a data source's new state take most of the plugin's time in a
// read of 10,000 invitations.
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

// Terraform values for SetList's elements.

// String is a Terraform string.
func String(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// StringPointer is a Terraform string, null for nil.
func StringPointer(p *string) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return String(*p)
}

// Bool is a Terraform bool.
func Bool(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }

// Int64Pointer is a Terraform number, null for nil.
func Int64Pointer(p *int64) tftypes.Value {
	if p == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(*p))
}
