package provider

// Import and identity of the three kinds of ibl.ai invitation.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
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
