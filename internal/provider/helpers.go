package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

func orEmptyObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}")
	}
	return raw
}

// Default operation timeouts, retries included; the timeouts attribute
// overrides them per resource.
const (
	defaultWriteTimeout = 5 * time.Minute
	defaultReadTimeout  = 2 * time.Minute
	// defaultListTimeout bounds a data source's whole listing.
	defaultListTimeout = 5 * time.Minute
)

// timeoutsAttribute is the timeouts library's attribute with a description.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	a := timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "How long each operation may take, retries included, as Go durations: `create`, `read`, `update`, `delete` (defaults 5m, 2m, 5m, 5m)."
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

// noTimeoutAttribute is for operations whose configuration has no timeouts
// attribute (list resources): the default applies.
func noTimeoutAttribute(_ context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
	return def, nil
}

// dataSourceTimeouts is the timeouts library's data source attribute with a
// description.
func dataSourceTimeouts(ctx context.Context) dsschema.Attribute {
	a := dstimeouts.Attributes(ctx)
	if n, ok := a.(dsschema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "How long the listing may take, retries included, as a Go duration: `read` (default 5m)."
		return n
	}
	return a
}

// describe renders an error for a diagnostic: the HTTP status and the
// server's message, with a hint for authentication failures that speaks of
// the platform that answered (told by the request's path).
func describe(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == 403 {
		if isIBLPath(apiErr.Path) {
			return err.Error() + "\n\nibl.ai answers 403 when the API key lacks permission for program invitations: a read-only platform admin's key may only list them, " +
				"and with RBAC on, the key needs the Ibl.Catalog/ProgramInvitations/ permission. Check the key's role (ibl.api_key, IBLAI_API_KEY) and org."
		}
		return err.Error() + "\n\nauthentik answers 403 both to a missing or invalid token and to a token whose user lacks permission on invitations: check the token and its user's permissions."
	}
	return err.Error()
}

// isIBLPath tells a request to ibl.ai's catalog API (the gateway may put a
// prefix before it).
func isIBLPath(p string) bool { return strings.Contains(p, "/api/catalog/") }

// jsonObjectAttribute is an optional JSON object argument compared as JSON,
// defaulting to {} as the APIs do.
func jsonObjectAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		CustomType:          jsontypes.NormalizedType{},
		Default:             stringdefault.StaticString("{}"),
		Validators:          []validator.String{fwvalidators.JSONObject()},
	}
}

// addWriteError reports a failed create or update. A validation answer
// (400) whose fields are the resource's own arguments is reported on those
// arguments, so Terraform points at the line in the configuration.
func addWriteError(diags *diag.Diagnostics, summary string, err error, arguments ...string) {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && len(apiErr.Fields) > 0 {
		onArgument := false
		for _, name := range arguments {
			if msgs, ok := apiErr.Fields[name]; ok {
				diags.AddAttributeError(path.Root(name), summary,
					fmt.Sprintf("The server rejected %s: %s\n\n(%s %s: HTTP 400)", name, strings.Join(msgs, " "), apiErr.Method, apiErr.Path))
				onArgument = true
			}
		}
		if onArgument {
			return
		}
	}
	diags.AddError(summary, describe(err))
}

// setComputedList puts a data source's computed list into its state as
// Terraform values built directly, typed by the schema. The framework's
// struct reflection costs more than all the rest of a read of 10,000
// invitations (tags parsed again for each item); elems are made with the
// tf* helpers below.
func setComputedList(ctx context.Context, state *tfsdk.State, name string, elems func(elem tftypes.Type) []tftypes.Value) diag.Diagnostics {
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
	top[name] = tftypes.NewValue(listType, elems(listType.ElementType))
	state.Raw = tftypes.NewValue(state.Raw.Type(), top)
	return diags
}

// Null and boolean values are made once: tftypes boxes the type of every
// value it makes (48 bytes each), a listing of 10,000 invitations holds
// about 50,000 nulls, and the framework's copies of a value keep the box
// they are given.
var (
	tfNullString = tftypes.NewValue(tftypes.String, nil)
	tfNullNumber = tftypes.NewValue(tftypes.Number, nil)
	tfTrue       = tftypes.NewValue(tftypes.Bool, true)
	tfFalse      = tftypes.NewValue(tftypes.Bool, false)
)

func tfBool(b bool) tftypes.Value {
	if b {
		return tfTrue
	}
	return tfFalse
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfStringPointer(p *string) tftypes.Value {
	if p == nil {
		return tfNullString
	}
	return tfString(*p)
}

func tfInt64Pointer(p *int64) tftypes.Value {
	if p == nil {
		return tfNullNumber
	}
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(*p))
}

// tfShared makes each distinct string once per listing, for attributes
// that repeat from one invitation to the next (organization, program,
// source, flow, creator): 64 bytes a value besides its text.
type tfShared map[string]tftypes.Value

func (s tfShared) string(v string) tftypes.Value {
	out, ok := s[v]
	if !ok {
		out = tfString(v)
		s[v] = out
	}
	return out
}

func (s tfShared) stringPointer(p *string) tftypes.Value {
	if p == nil {
		return tfNullString
	}
	return s.string(*p)
}

// getAttributes reads the named attributes of a plan, state or
// configuration into their targets, one by one. ModifyPlan runs for every
// invitation of every plan, and the framework's struct reflection (Get,
// Set) parses every field's tag again and compiles a regular expression
// for it on each call: a tenth of a no-op plan's CPU.
func getAttributes(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, targets map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, target := range targets {
		diags.Append(get(ctx, path.Root(name), target)...)
	}
	return diags
}
