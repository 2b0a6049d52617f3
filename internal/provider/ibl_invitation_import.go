package provider

// Import, identity and moves into the three kinds of ibl.ai invitation.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
)

func (r *iblInvitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"org": identityschema.StringAttribute{RequiredForImport: true, Description: r.kind.itemOrg},
		"id":  identityschema.StringAttribute{RequiredForImport: true, Description: "The invitation's numeric id, as a string."},
	}}
}

// ImportState takes <org>/<id>, <id> alone when the provider sets ibl.org,
// or the identity {org, id}. The invitation itself is looked up by the read
// that follows (the key left null says so), so that an import costs one
// request: resolving it here would cost that read a second one.
func (r *iblInvitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		// An import block with identity = { org = ..., id = ... }.
		var id iblIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		req.ID = id.Org.ValueString() + "/" + id.ID.ValueString()
	}
	org, idStr, hasOrg := strings.Cut(req.ID, "/")
	if !hasOrg {
		org, idStr = r.providerOrg(), req.ID
	}
	if hint := r.kind.importHint(req.ID, org, idStr); hint != "" {
		resp.Diagnostics.AddError("Invalid import ID", hint)
		return
	}
	if _, err := strconv.ParseInt(idStr, 10, 64); err != nil || org == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("A %s invitation is imported as <org>/<id>, e.g. acme/123, or as <id> alone when the provider sets ibl.org. Got: %s", r.kind.name, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), idStr)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org"), org)...)
}

// MoveState takes a restapi_object that managed an invitation of the kind
// (a moved block): its id is the invitation's id, its data the arguments
// and its api_response the server's answer. The org is the key's (programs,
// platforms) or the one restapi's paths name (?org=...). Nothing is sent:
// the Read after the move fills the rest.
func (r *iblInvitationResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: r.moveFromRestAPI}}
}

func (r *iblInvitationResource) moveFromRestAPI(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	k := r.kind
	obj, diags := readRestAPIObject(req, k.typeName())
	resp.Diagnostics.Append(diags...)
	if obj == nil {
		return
	}
	id, err := strconv.ParseInt(obj.id, 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move the restapi_object",
			fmt.Sprintf("Its id %q is not a %s invitation's numeric id: restapi's id_attribute must have been id.", obj.id, k.name))
		return
	}
	obj.body["id"] = id
	inv, err := k.kind.Decode(obj.bodyJSON())
	if err != nil {
		resp.Diagnostics.AddError("Cannot move the restapi_object", err.Error())
		return
	}
	org := inv.Org()
	if org == "" {
		org = obj.org
	}
	if org == "" {
		resp.Diagnostics.AddError("Cannot move the restapi_object",
			fmt.Sprintf("A %s invitation's %s does not name its platform's org, and neither do the restapi_object's paths (?org=...). "+
				"Import it instead: import { to = ..., id = \"<org>/%d\" }.", k.name, k.kind.KeyField(), id))
		return
	}
	state := emptyState(ctx, resp.TargetState)
	m := k.newModel()
	resp.Diagnostics.Append(state.Get(ctx, m)...)
	m.shared().Org = types.StringValue(org)
	resp.Diagnostics.Append(iblFromAPI(m, inv)...)
	moveUnreturned(m, k, obj.data)
	resp.TargetState = state
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
	resp.Diagnostics.Append(setIBLIdentity(ctx, resp.TargetIdentity, m.shared())...)
}

// moveUnreturned takes the arguments the server never returns
// (enrollment_config, the access dates, the platform's user fields) from
// the arguments the moved object was managed with.
func moveUnreturned(m iblModel, k *iblKind, data map[string]any) {
	text := func(name string) *string {
		if v, ok := data[name].(string); ok {
			return &v
		}
		return nil
	}
	if e := m.enrollment(); e != nil {
		if v, ok := data["enrollment_config"].(map[string]any); ok {
			raw, _ := json.Marshal(v)
			*e = jsontypes.NewNormalizedValue(string(raw))
		}
	}
	if start, expiration := m.accessDates(); start != nil {
		*start, *expiration = fwtypes.InstantPointer(text(k.accessDates[0])), fwtypes.InstantPointer(text(k.accessDates[1]))
	}
	if u := m.user(); u != nil {
		for name, v := range map[string]*types.String{"company_name": &u.CompanyName, "first_name": &u.FirstName, "last_name": &u.LastName,
			"user_group": &u.UserGroup, "user_group_owner_email": &u.UserGroupOwnerEmail} {
			*v = types.StringPointerValue(text(name))
		}
	}
}
