package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// iblIdentityModel is the resource identity of every kind: the org and the
// id, what the API's DELETE takes.
type iblIdentityModel struct {
	Org types.String `tfsdk:"org"`
	ID  types.String `tfsdk:"id"`
}

func (r *iblInvitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"org": identityschema.StringAttribute{RequiredForImport: true, Description: r.kind.itemOrg},
		"id":  identityschema.StringAttribute{RequiredForImport: true, Description: "The invitation's numeric id, as a string."},
	}}
}

func setIBLIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m iblInvitationModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, iblIdentityModel{Org: m.Org, ID: m.ID})
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

// setAll writes the state, the identity and the server's email spelling.
func (r *iblInvitationResource) setAll(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity,
	private privateKeys, diags *diag.Diagnostics, m iblInvitationModel, inv *ibl.Invitation) {
	r.kind.set(ctx, state, state.Schema.Type(), m, diags)
	diags.Append(setIBLIdentity(ctx, identity, m)...)
	diags.Append(setServerEmail(ctx, private, inv)...)
}

// privateKeys is the private state the resource keeps its keys in.
type privateKeys interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// setServerEmail keeps the server's spelling of the email in private state:
// state keeps the configuration's (emails compare without regard to case),
// but a server that compares them exactly must be sent its own.
func setServerEmail(ctx context.Context, private privateKeys, inv *ibl.Invitation) diag.Diagnostics {
	if private == nil || inv.Email == nil {
		return nil
	}
	b, _ := json.Marshal(*inv.Email)
	return private.SetKey(ctx, "server_email", b)
}

// serverEmail is the server's spelling of the email, else the state's.
func serverEmail(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, m iblInvitationModel) string {
	if private != nil {
		if b, _ := private.GetKey(ctx, "server_email"); len(b) > 0 {
			var e string
			if json.Unmarshal(b, &e) == nil && strings.EqualFold(e, m.Email.ValueString()) {
				return e
			}
		}
	}
	return m.Email.ValueString()
}
