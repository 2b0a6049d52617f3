package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/actionvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var (
	_ action.ActionWithConfigure        = &stageInvitationSendEmailAction{}
	_ action.ActionWithConfigValidators = &stageInvitationSendEmailAction{}
	_ action.ActionWithModifyPlan       = &stageInvitationSendEmailAction{}
)

// defaultEmailTemplate is the template authentik's send_email view renders
// when the request names none.
const defaultEmailTemplate = "email/invitation.html"

// NewStageInvitationSendEmailAction returns the
// invitations_stage_invitation_send_email action (Terraform 1.14+).
func NewStageInvitationSendEmailAction() action.Action { return &stageInvitationSendEmailAction{} }

type stageInvitationSendEmailAction struct {
	client *authentik.Client
	data   *providerData
}

func (a *stageInvitationSendEmailAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitation_send_email"
}

func (a *stageInvitationSendEmailAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		a.data, a.client = data, data.authentikClient("invitations_stage_invitation_send_email", &resp.Diagnostics)
	}
}

type sendEmailModel struct {
	InvitationID   types.String `tfsdk:"invitation_id"`
	Invitation     types.Object `tfsdk:"invitation"`
	Name           types.String `tfsdk:"name"`
	EmailAddresses types.List   `tfsdk:"email_addresses"`
	CCAddresses    types.List   `tfsdk:"cc_addresses"`
	BCCAddresses   types.List   `tfsdk:"bcc_addresses"`
	Template       types.String `tfsdk:"template"`
}

func (a *stageInvitationSendEmailAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	addresses := []validator.List{listvalidator.ValueStringsAre(fwvalidators.EmailAddress())}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Has authentik email an invitation's enrollment link (its `send_email` endpoint). Run it from a resource's " +
			"`lifecycle { action_trigger { ... } }`, e.g. after create, or with `terraform apply -invoke`. Each invocation sends one " +
			"email to each address; one whose outcome is unknown (a timeout, a `5xx`) is not repeated, so that nobody is mailed twice.\n\n" +
			"authentik answers once the email is **queued**, not delivered: it does not report mail errors back, so check its event log or " +
			"the recipients. It builds the emailed link from the scheme and host of the API request, that is `authentik.url`, not " +
			"`authentik.public_url`; from 2026.8 it trusts `X-Forwarded-Proto` and `X-Forwarded-Host` only from its configured proxy " +
			"ranges. The plan warns when the two URLs differ: recipients would get a link to the API's address.",
		Attributes: map[string]schema.Attribute{
			"invitation_id": schema.StringAttribute{
				MarkdownDescription: "The invitation's `id` (its invite token), e.g. `invitations_stage_invitation.x.id`, which stays sensitive. Exactly one of `invitation_id`, `invitation` and `name`.",
				Optional:            true,
				Validators:          []validator.String{fwvalidators.InviteToken()},
			},
			"invitation": schema.ObjectAttribute{
				MarkdownDescription: "The invitation resource itself, e.g. `invitations_stage_invitation.x` (its `id` and `flow` are used). Unlike `invitation_id`, it shows the plan whether the invitation has a `flow`: " +
					"authentik cannot email an invitation without one, so that is rejected at plan time. Exactly one of `invitation_id`, `invitation` and `name`.",
				Optional:       true,
				AttributeTypes: map[string]attr.Type{"id": types.StringType, "flow": types.StringType},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The invitation's name, when no other invitation has it. Exactly one of `invitation_id`, `invitation` and `name`.",
				Optional:            true,
				Validators:          []validator.String{fwvalidators.AuthentikName()},
			},
			"email_addresses": schema.ListAttribute{
				MarkdownDescription: "Addresses to send the invitation to.",
				Required:            true,
				ElementType:         types.StringType,
				Validators:          append([]validator.List{listvalidator.SizeAtLeast(1)}, addresses...),
			},
			"cc_addresses":  schema.ListAttribute{MarkdownDescription: "Addresses to copy.", Optional: true, ElementType: types.StringType, Validators: addresses},
			"bcc_addresses": schema.ListAttribute{MarkdownDescription: "Addresses to copy blind.", Optional: true, ElementType: types.StringType, Validators: addresses},
			"template": schema.StringAttribute{
				MarkdownDescription: "Path of the authentik email template to render, e.g. `email/setup.html`. When not set, none is sent and authentik renders its default, `" + defaultEmailTemplate + "`. A path the server has no template for fails there (HTTP 500).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func (a *stageInvitationSendEmailAction) ConfigValidators(context.Context) []action.ConfigValidator {
	return []action.ConfigValidator{actionvalidator.ExactlyOneOf(path.MatchRoot("invitation_id"), path.MatchRoot("invitation"), path.MatchRoot("name"))}
}

// ModifyPlan rejects, at plan time, an invitation the configuration shows
// without a flow: authentik answers it with "Invitation has no associated
// flow" and sends nothing.
func (a *stageInvitationSendEmailAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	var inv types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("invitation"), &inv)...)
	resp.Diagnostics.Append(checkEmailFlow(inv)...)
	if a.data != nil && a.data.authentikPublicURL != a.data.authentikURL {
		resp.Diagnostics.AddWarning("The emailed link will point at authentik's API address",
			fmt.Sprintf("authentik builds the link it emails from the scheme and host of the API request (%s), not from authentik.public_url (%s): "+
				"recipients get a link to the first. Let the provider reach authentik at its public address, or have the proxy in front of authentik "+
				"send X-Forwarded-Proto and X-Forwarded-Host from a range authentik trusts (from 2026.8 it trusts them only from its configured proxies).",
				a.data.authentikURL, a.data.authentikPublicURL))
	}
}

// checkEmailFlow is the plan-time check of the invitation attribute.
func checkEmailFlow(inv types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	if inv.IsNull() || inv.IsUnknown() {
		return diags
	}
	if flow, ok := inv.Attributes()["flow"]; ok && flow.IsNull() {
		diags.AddAttributeError(path.Root("invitation").AtName("flow"), "The invitation has no flow",
			"authentik emails an invitation's enrollment link, and an invitation without a flow has none: the server answers "+
				"\"Invitation has no associated flow\" and sends nothing. Set flow on the invitation.")
	}
	return diags
}

func (a *stageInvitationSendEmailAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m sendEmailModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, a.client, noTimeoutAttribute, defaultWriteTimeout)
	defer cancel()
	if !ok {
		return
	}
	body := authentik.SendEmailRequest{Template: m.Template.ValueString()}
	for list, dst := range map[*types.List]*[]string{&m.EmailAddresses: &body.EmailAddresses, &m.CCAddresses: &body.CCAddresses, &m.BCCAddresses: &body.BCCAddresses} {
		if !list.IsNull() {
			resp.Diagnostics.Append(list.ElementsAs(ctx, dst, false)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	pk, label := m.InvitationID.ValueString(), "the invitation"
	if id, ok := m.Invitation.Attributes()["id"].(types.String); ok && !m.Invitation.IsNull() {
		pk = id.ValueString()
	}
	if pk == "" {
		label = fmt.Sprintf("the invitation %q", m.Name.ValueString())
		inv, err := findStageByName(ctx, a.client, m.Name.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Finding the invitation to email failed", describe(err))
			return
		}
		pk = inv.PK
	}
	if resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Sending %s to %d address(es)", label, len(body.EmailAddresses))})
	}
	resp.Diagnostics.Append(sendInvitationEmail(ctx, a.client, pk, label, body)...)
	if !resp.Diagnostics.HasError() && resp.SendProgress != nil {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("authentik queued %s for %d address(es); it does not report whether mail is delivered",
			label, len(body.EmailAddresses))})
	}
}

// sendInvitationEmail sends one invitation email and explains a failure.
// A 404 is either a server without the endpoint (every release up to
// 2026.2) or an invitation that is gone: a GET by id tells which.
func sendInvitationEmail(ctx context.Context, c *authentik.Client, pk, label string, body authentik.SendEmailRequest) diag.Diagnostics {
	var diags diag.Diagnostics
	err := c.SendEmail(ctx, pk, body)
	switch {
	case err == nil:
	case client.IsNotFound(err):
		_, getErr := c.Get(ctx, pk)
		switch {
		case getErr == nil:
			diags.AddError("The server does not support sending invitation emails",
				fmt.Sprintf("authentik answered 404 for the send_email endpoint of %s, which exists: this authentik server does not support sending invitation emails "+
					"(the endpoint is in releases after 2026.2). Nothing was sent. (%s)", label, describe(err)))
		case client.IsNotFound(getErr):
			diags.AddError("The invitation to email does not exist",
				fmt.Sprintf("authentik has no %s: it was used (single-use invitations are deleted), expired or deleted, or the token may not view it "+
					"(authentik_stages_invitation.view_invitation). Nothing was sent. (%s)", label, describe(err)))
		default:
			diags.AddError("Sending the invitation email failed",
				fmt.Sprintf("authentik answered 404 for the send_email endpoint of %s, and reading the invitation to tell why failed: %s. Nothing was sent. (%s)", label, describe(getErr), describe(err)))
		}
	case client.MayHaveTakenEffect(err):
		diags.AddError("Sending the invitation email may have failed",
			fmt.Sprintf("The request to email %s got no clear answer, so the email may have been sent. It was not sent again, so that nobody is mailed twice: "+
				"check with the recipients or in authentik's event log before invoking again. (%s)", label, describe(err)))
	default:
		addWriteError(&diags, "Sending the invitation email failed", err, "email_addresses", "cc_addresses", "bcc_addresses", "template")
	}
	return diags
}
