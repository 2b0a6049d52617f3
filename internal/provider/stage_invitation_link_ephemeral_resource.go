package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure        = &stageInvitationLinkEphemeralResource{}
	_ ephemeral.EphemeralResourceWithConfigValidators = &stageInvitationLinkEphemeralResource{}
)

// NewStageInvitationLinkEphemeralResource returns the
// invitations_stage_invitation_link ephemeral resource (Terraform 1.10+).
func NewStageInvitationLinkEphemeralResource() ephemeral.EphemeralResource {
	return &stageInvitationLinkEphemeralResource{}
}

type stageInvitationLinkEphemeralResource struct {
	client *authentik.Client
}

func (e *stageInvitationLinkEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitation_link"
}

func (e *stageInvitationLinkEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		e.client = data.authentikClient("invitations_stage_invitation_link", &resp.Diagnostics)
	}
}

type stageInvitationLinkModel struct {
	InvitationID types.String `tfsdk:"invitation_id"`
	Name         types.String `tfsdk:"name"`
	InviteURL    types.String `tfsdk:"invite_url"`
	FlowSlug     types.String `tfsdk:"flow_slug"`
	Expires      types.String `tfsdk:"expires"`
}

func (e *stageInvitationLinkEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An authentik invitation's enrollment link, read when needed and never written to state or a plan file: " +
			"pass it to another provider's ephemeral or write-only arguments (a secret store, a mail or chat message) without " +
			"the invite token ever landing in state.",
		Attributes: map[string]schema.Attribute{
			"invitation_id": schema.StringAttribute{
				MarkdownDescription: "The invitation's `id` (its invite token), e.g. `invitations_stage_invitation.x.id`. Exactly one of `invitation_id` and `name`.",
				Optional:            true,
				Computed:            true,
				Sensitive:           true,
				Validators:          []validator.String{fwvalidators.InviteToken()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The invitation's name, when no other invitation has it. Exactly one of `invitation_id` and `name`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{fwvalidators.AuthentikName()},
			},
			"invite_url": schema.StringAttribute{
				MarkdownDescription: "The enrollment link, `<authentik url>/if/flow/<flow slug>/?itoken=<token>`; sensitive.",
				Computed:            true,
				Sensitive:           true,
			},
			"flow_slug": schema.StringAttribute{MarkdownDescription: "Slug of the invitation's flow.", Computed: true},
			"expires":   schema.StringAttribute{MarkdownDescription: "When the invitation expires (RFC 3339), or null.", Computed: true},
		},
	}
}

func (e *stageInvitationLinkEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{ephemeralvalidator.ExactlyOneOf(path.MatchRoot("invitation_id"), path.MatchRoot("name"))}
}

func (e *stageInvitationLinkEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m stageInvitationLinkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, e.client, noTimeoutAttribute, defaultReadTimeout)
	defer cancel()
	if !ok {
		return
	}
	var inv *authentik.Invitation
	var err error
	if m.InvitationID.IsNull() {
		inv, err = findStageByName(ctx, e.client, m.Name.ValueString())
	} else {
		inv, err = e.client.Get(ctx, m.InvitationID.ValueString())
		if client.IsNotFound(err) {
			err = fmt.Errorf("the invitation no longer exists: it was used (single-use invitations are deleted), expired or deleted; "+
				"or the token may not view it (authentik_stages_invitation.view_invitation): %w", err)
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the authentik invitation failed", describe(err))
		return
	}
	if inv.FlowObj == nil || inv.FlowObj.Slug == "" {
		resp.Diagnostics.AddError("The invitation has no enrollment link",
			fmt.Sprintf("The authentik invitation %q is bound to no flow, so it has no link of its own: set flow on it.", inv.Name))
		return
	}
	m.InvitationID = types.StringValue(inv.PK)
	m.Name = types.StringValue(inv.Name)
	m.InviteURL = types.StringValue(e.client.InviteURL(inv.FlowObj.Slug, inv.PK))
	m.FlowSlug = types.StringValue(inv.FlowObj.Slug)
	m.Expires = types.StringPointerValue(inv.Expires)
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}
