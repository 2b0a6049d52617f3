package fwfix

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// GetAttributes reads the named attributes of a plan, state or
// configuration into their targets, one by one.
//
// Works around terraform-plugin-framework v1.19.0: its struct reflection
// (Get, Set) parses every field's tag again and compiles a regular
// expression for it on each call. ModifyPlan runs for every invitation of
// every plan, and that reflection was a tenth of a no-op plan's CPU.
func GetAttributes(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, targets map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, target := range targets {
		diags.Append(get(ctx, path.Root(name), target)...)
	}
	return diags
}
