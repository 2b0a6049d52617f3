package provider

// Import and identity of invitations_stage_invitation.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"regexp"
	"strings"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

// importByNamePrefix marks an import ID that names the invitation instead
// of giving its UUID, which is the invite token: Terraform prints import IDs
// in its output, so bulk imports use names.
const importByNamePrefix = "name:"

func (r *stageInvitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		// An import block with identity = { token_sha256 = ... }.
		var id stageIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if hash := strings.ToLower(id.TokenSHA256.ValueString()); !sha256HexRE.MatchString(hash) {
			resp.Diagnostics.AddAttributeError(path.Root("token_sha256"), "Invalid identity",
				"token_sha256 must be the 64 hexadecimal digits of the invite token's SHA-256, as terraform query and the state show it.")
		} else {
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), importByHashPrefix+hash)...)
		}
		return
	}
	name, byName := strings.CutPrefix(req.ID, importByNamePrefix)
	if !fwvalidators.IsUUID(req.ID) && (!byName || !fwvalidators.IsAuthentikName(name)) {
		resp.Diagnostics.AddError("Invalid import ID",
			"An authentik invitation is imported by its UUID (pk), e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6, or by its name as name:<name>, "+
				"e.g. name:contractors-2027, when no other invitation has that name. Got: "+redactImportID(req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// importByHashPrefix marks, in state between import and the read after it,
// an invitation imported by identity.
const importByHashPrefix = "sha256:"

var sha256HexRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// stageIdentityModel is the resource identity. The invitation's pk is its
// invite token, a secret, so the identity is the token's SHA-256: unique,
// stable for the invitation's life (a rename keeps it), and no use to
// anyone who reads it.
type stageIdentityModel struct {
	TokenSHA256 types.String `tfsdk:"token_sha256"`
}

func (r *stageInvitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"token_sha256": identityschema.StringAttribute{
			RequiredForImport: true,
			Description:       "SHA-256 of the invitation's invite token (its pk), as 64 lower-case hexadecimal digits: it identifies the invitation without revealing the token.",
		},
	}}
}

func tokenSHA256(pk string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(pk)))
	return hex.EncodeToString(sum[:])
}

// setStageIdentity records the identity of the invitation whose token is
// pk; nothing while the state holds no token yet, or Terraform keeps no
// identities (before 1.12).
func setStageIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, pk string) diag.Diagnostics {
	if identity == nil || !fwvalidators.IsUUID(pk) {
		return nil
	}
	return identity.Set(ctx, stageIdentityModel{TokenSHA256: types.StringValue(tokenSHA256(pk))})
}

// redactImportID keeps an invite token out of a diagnostic.
func redactImportID(id string) string {
	if fwvalidators.IsUUID(id) {
		return "(a UUID)"
	}
	return id
}
