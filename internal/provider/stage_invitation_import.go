package provider

// Import, identity and moves into invitations_stage_invitation.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

// importByNamePrefix marks an import ID that names the invitation instead
// of giving its UUID, which is the invite token: Terraform prints import IDs
// in its output, so bulk imports use names.
const importByNamePrefix = "name:"

// ImportState resolves every kind of import ID here, where the client is
// configured, so Read has one path and no sentinel value passes through
// state. An ID that is the UUID is the id. A name or an identity is looked
// up, and the UUID found is handed to the Read after the import in private
// state (importedKey), not in id: Terraform prints the id of an imported
// object in its "Refreshing state... [id=...]" line, unmarked, so an id set
// here would put the invite token in Terraform's output (TestAccBulkImport).
func (r *stageInvitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		// An import block with identity = { token_sha256 = ... }.
		var id stageIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		hash := strings.ToLower(id.TokenSHA256.ValueString())
		if !sha256HexRE.MatchString(hash) {
			resp.Diagnostics.AddAttributeError(path.Root("token_sha256"), "Invalid identity",
				"token_sha256 must be the 64 hexadecimal digits of the invite token's SHA-256, as terraform query and the state show it.")
			return
		}
		r.importResolved(ctx, resp, func(ctx context.Context) (*authentik.Invitation, error) { return r.findByTokenHash(ctx, hash) })
		return
	}
	name, byName := strings.CutPrefix(req.ID, importByNamePrefix)
	if !fwvalidators.IsUUID(req.ID) && (!byName || !fwvalidators.IsAuthentikName(name)) {
		resp.Diagnostics.AddError("Invalid import ID",
			"An authentik invitation is imported by its UUID (pk), e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6, or by its name as name:<name>, "+
				"e.g. name:contractors-2027, when no other invitation has that name. Got "+redactImportID(req.ID)+".")
		return
	}
	if !byName {
		resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
		return
	}
	r.importResolved(ctx, resp, func(ctx context.Context) (*authentik.Invitation, error) { return findStageByName(ctx, r.client, name) })
}

// importResolved looks up the invitation an import by name or identity
// names and hands its UUID to the Read after the import (importedID). The
// state gets its name, not its id (see ImportState).
func (r *stageInvitationResource) importResolved(ctx context.Context, resp *resource.ImportStateResponse, find func(context.Context) (*authentik.Invitation, error)) {
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, noTimeoutAttribute, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()
	inv, err := find(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Importing the authentik invitation failed", describe(err))
		return
	}
	pk, _ := json.Marshal(inv.PK)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, pk)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), inv.Name)...)
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, inv.PK)...)
}

// importedKey is the private state key of the UUID an import by name or
// identity resolved, until the Read after the import puts it in id.
const importedKey = "imported_uuid"

// importedID is the id a Read works on: the state's, or, on the Read after
// an import by name or identity (id null), the UUID ImportState resolved,
// which it then drops from private state.
func importedID(ctx context.Context, id types.String, req, resp privateKeys) (types.String, diag.Diagnostics) {
	if !id.IsNull() {
		return id, nil
	}
	raw, diags := req.GetKey(ctx, importedKey)
	var pk string
	if err := json.Unmarshal(raw, &pk); err != nil || pk == "" {
		diags.AddError("Reading the authentik invitation failed", "The state holds no invitation id, and no import resolved one. Please report this issue to the provider developers.")
		return id, diags
	}
	diags.Append(resp.SetKey(ctx, importedKey, nil)...)
	return types.StringValue(pk), diags
}

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

// MoveState takes a restapi_object that managed an authentik invitation (a
// moved block): its id is the invitation's UUID, its data and api_response
// the invitation. Nothing is sent: the Read after the move fills the rest.
func (r *stageInvitationResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveStageFromRestAPI}}
}

func moveStageFromRestAPI(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	obj, diags := readRestAPIObject(req, "invitations_stage_invitation")
	resp.Diagnostics.Append(diags...)
	if obj == nil {
		return
	}
	var inv authentik.Invitation
	if err := json.Unmarshal(obj.bodyJSON(), &inv); err != nil {
		resp.Diagnostics.AddError("Cannot move the restapi_object", "Its JSON is not an authentik invitation: "+err.Error())
		return
	}
	// The id is the invite token: it is not shown.
	if !fwvalidators.IsUUID(obj.id) || (inv.PK != "" && !strings.EqualFold(inv.PK, obj.id)) {
		resp.Diagnostics.AddError("Cannot move the restapi_object",
			"Its id is not the invitation's pk (a UUID): restapi's id_attribute must have been pk. Import the invitation by name instead.")
		return
	}
	inv.PK = obj.id
	state := emptyState(ctx, resp.TargetState)
	var m stageInvitationModel
	resp.Diagnostics.Append(state.Get(ctx, &m)...)
	m.fromAPI(&inv, nil)
	resp.TargetState = state
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.TargetIdentity, inv.PK)...)
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

// tokenLikeRE finds 32 hexadecimal digits in a row: a UUID, once its
// dashes are gone.
var tokenLikeRE = regexp.MustCompile(`(?i)[0-9a-f]{32}`)

// redactImportID is an import ID as a diagnostic may show it: not at all
// when it holds a UUID with something around it (a stray space or line
// break, braces, quotes), which is an invite token all the same.
func redactImportID(id string) string {
	if tokenLikeRE.MatchString(strings.ReplaceAll(id, "-", "")) {
		return "an ID that holds a UUID among other characters (not shown, as it may be an invite token): give the UUID alone"
	}
	return fmt.Sprintf("%q", id)
}

// findByTokenHash resolves an import by identity: the invitation whose
// token hashes to hash. authentik cannot search by it, so every invitation
// is listed, at the largest pages.
func (r *stageInvitationResource) findByTokenHash(ctx context.Context, hash string) (*authentik.Invitation, error) {
	all, _, err := r.client.List(ctx, authentik.ListFilter{})
	if err != nil {
		return nil, err
	}
	for i := range all {
		if tokenSHA256(all[i].PK) == hash {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("no authentik invitation has the token whose SHA-256 is %s", hash)
}

// findStageByName finds the one invitation with the name, for an import by
// name, the link and the email action: the name must be unique.
func findStageByName(ctx context.Context, c *authentik.Client, name string) (*authentik.Invitation, error) {
	found, err := c.FindByName(ctx, name)
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0:
		return nil, fmt.Errorf("no authentik invitation is named %q", name)
	case len(found) > 1:
		return nil, fmt.Errorf("%d authentik invitations are named %q: give the one you mean by its id (UUID)", len(found), name)
	}
	return &found[0], nil
}
