package provider

import (
	"context"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// timeoutsAttribute is the timeouts library's attribute with a description,
// and without the library's duration validator on each operation: the
// resources' fwvalidators.PositiveTimeouts reports a bad duration once, in
// words that name timeouts.<operation>, and one of zero or below too. With
// both, one mistake was two errors (TestBadTimeoutIsOneErrorNamingTheAttribute).
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	a := timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "How long each operation may take, retries included, as Go durations: `create`, `read`, `update`, `delete` (defaults 5m, 2m, 5m, 5m)."
		for name, op := range n.Attributes { // a map the library made for this call
			if s, ok := op.(schema.StringAttribute); ok {
				s.Validators = nil
				n.Attributes[name] = s
			}
		}
		return n
	}
	return a
}

// nullTimeouts is an unset timeouts block, for a resource object a list
// result carries.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// dataSourceTimeouts is the timeouts library's data source attribute with a
// description, and its duration validator left to PositiveTimeouts as in
// timeoutsAttribute.
func dataSourceTimeouts(ctx context.Context) dsschema.Attribute {
	a := dstimeouts.Attributes(ctx)
	if n, ok := a.(dsschema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "How long the listing may take, retries included, as a Go duration: `read` (default 5m)."
		if read, ok := n.Attributes["read"].(dsschema.StringAttribute); ok {
			read.Validators = nil
			n.Attributes["read"] = read
		}
		return n
	}
	return a
}
