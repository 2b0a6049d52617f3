package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var (
	_ resource.ResourceWithConfigure        = &stageInvitationResource{}
	_ resource.ResourceWithImportState      = &stageInvitationResource{}
	_ resource.ResourceWithModifyPlan       = &stageInvitationResource{}
	_ resource.ResourceWithConfigValidators = &stageInvitationResource{}
	_ resource.ResourceWithIdentity         = &stageInvitationResource{}
	_ resource.ResourceWithMoveState        = &stageInvitationResource{}
)

// Invitation states reported in the status attribute.
const (
	statusActive  = "active"
	statusUsed    = "used"
	statusExpired = "expired"
)

// stageArguments are the arguments sent to authentik, by their API names.
var stageArguments = []string{"name", "expires", "fixed_data", "single_use", "flow"}

// NewStageInvitationResource returns the invitations_stage_invitation resource.
func NewStageInvitationResource() resource.Resource { return &stageInvitationResource{} }

type stageInvitationResource struct {
	client *authentik.Client
	data   *providerData
}

func (r *stageInvitationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitation"
}

func (r *stageInvitationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data, r.client = data, data.authentikClient("invitations_stage_invitation", &resp.Diagnostics)
	}
}

func (r *stageInvitationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An enrollment invitation of authentik's invitation stage. Anyone holding its link can enrol, " +
			"so its identifier (the invite token) is treated as a secret: it is sensitive in plans, state " +
			"outputs and logs. Every argument is updated in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The invitation's UUID (`pk`), which is also its invite token; sensitive.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the invitation: letters, digits, `-` or `_` (authentik's slug pattern). authentik has no length limit since 2025.12; an older server limits names to 50 characters and answers a longer one with an error on `name` at apply. Names are not unique in authentik.",
				Required:            true,
				Validators:          []validator.String{fwvalidators.AuthentikName()},
			},
			"expires": schema.StringAttribute{
				MarkdownDescription: "When the invitation expires, as an RFC 3339 timestamp (compared as an instant, so `Z` and `+00:00` are the same); must be in the future. " +
					"Required: authentik's cleanup job (every 5 minutes) deletes expired invitations and also those without `expires`, so an invitation without one would be gone within minutes and re-created with a new token on every apply. " +
					"authentik has no invitation that never expires: for a long-lived one, set a far-future time (`\"2099-12-31T23:59:59Z\"`), or a fixed date you move forward on purpose. " +
					"Avoid `timeadd(timestamp(), ...)`: `timestamp()` changes on every run, so every plan would update the invitation.",
				Required:   true,
				CustomType: fwtypes.InstantType{},
			},
			"fixed_data": schema.StringAttribute{
				MarkdownDescription: "Data the invitation fixes in the enrollment flow's context, as a JSON object (`jsonencode({...})`); compared as JSON, so key order and spacing do not matter. Defaults to `{}`.",
				Optional:            true,
				Computed:            true,
				CustomType:          jsontypes.NormalizedType{},
				Default:             stringdefault.StaticString("{}"),
				Validators:          []validator.String{fwvalidators.JSONObject()},
			},
			"single_use": schema.BoolAttribute{
				MarkdownDescription: "Whether authentik deletes the invitation once it has been used. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"flow": schema.StringAttribute{
				MarkdownDescription: "UUID of the enrollment flow that may use this invitation, compared without regard to letter case. Omit to allow any flow with an invitation stage.",
				Optional:            true,
				CustomType:          fwtypes.CaseInsensitiveType{},
				Validators:          []validator.String{fwvalidators.UUID()},
			},
			"flow_slug": schema.StringAttribute{
				MarkdownDescription: "Slug of the flow named by `flow`, as authentik reports it.",
				Computed:            true,
			},
			"created_by": schema.StringAttribute{
				MarkdownDescription: "Username of the user who created the invitation (the token's user).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"invite_url": schema.StringAttribute{
				MarkdownDescription: "The enrollment link, `<authentik url>/if/flow/<flow slug>/?itoken=<id>`, when `flow` is set; sensitive, since it carries the invite token. Expose it with an output and `nonsensitive()` only where that is wanted.",
				Computed:            true,
				Sensitive:           true,
			},
			"reissue": schema.BoolAttribute{
				MarkdownDescription: "What happens when authentik removes the invitation because it was used (single-use) or expired. " +
					"`false` (default): it stays in state with `status` `used` or `expired`, every plan warns about it, and nothing is re-created until " +
					"the configuration changes. `true`: it is dropped from state on refresh, with a warning, and the plan issues a new invitation with a new token.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active` while the invitation exists; `used` or `expired` once authentik has removed it for that reason (see `reissue`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx),
		},
	}
}

func (r *stageInvitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, state stageInvitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.checkExpiresInFuture(plan, resp)
		if plan.Flow.IsNull() {
			// No flow, no slug and no link: say so in the plan.
			r.planFlow(ctx, plan, types.StringNull(), types.StringNull(), resp)
		}
		return
	}
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	if gone := state.Status.ValueString(); gone == statusUsed || gone == statusExpired {
		// The invitation no longer exists: any change, or asking for a
		// reissue, means a new invitation, with a new token.
		for _, p := range plan.changedArguments(state) {
			resp.RequiresReplace.Append(p)
		}
		if plan.Reissue.ValueBool() && !state.Reissue.ValueBool() {
			resp.RequiresReplace.Append(path.Root("reissue"))
		}
		if len(resp.RequiresReplace) > 0 {
			r.checkExpiresInFuture(plan, resp)
		}
		return
	}

	if len(plan.changedArguments(state)) > 0 {
		r.checkExpiresInFuture(plan, resp)
	}
	// The flow's slug and the link follow the flow; keep them when it stays.
	switch {
	case plan.Flow.SameAs(state.Flow):
		r.planFlow(ctx, plan, state.FlowSlug, state.InviteURL, resp)
	case plan.Flow.IsNull():
		r.planFlow(ctx, plan, types.StringNull(), types.StringNull(), resp)
	default:
		r.planFlow(ctx, plan, types.StringUnknown(), types.StringUnknown(), resp)
	}
}

// planFlow plans flow_slug and invite_url, where they differ from the plan.
func (r *stageInvitationResource) planFlow(ctx context.Context, plan stageInvitationModel, slug, link types.String, resp *resource.ModifyPlanResponse) {
	if !plan.FlowSlug.Equal(slug) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("flow_slug"), slug)...)
	}
	if !plan.InviteURL.Equal(link) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("invite_url"), link)...)
	}
}

// checkExpiresInFuture refuses to issue an invitation that authentik would
// delete at once: it would be re-created on every apply.
func (r *stageInvitationResource) checkExpiresInFuture(plan stageInvitationModel, resp *resource.ModifyPlanResponse) {
	t, ok := plan.Expires.Time()
	if !ok {
		return // null, unknown, or reported by the type's own validation
	}
	if now := r.clock(); !t.After(now) {
		resp.Diagnostics.AddAttributeError(path.Root("expires"), "Invitation would already be expired",
			fmt.Sprintf("expires (%s) is not in the future (now %s); authentik deletes expired invitations, so it would be issued in vain. Set a later time, or remove expires.",
				plan.Expires.ValueString(), now.UTC().Format(time.RFC3339)))
	}
}

// clock is the time for expiry decisions (tests share theirs with the mock).
func (r *stageInvitationResource) clock() time.Time {
	if r.data == nil {
		return time.Now()
	}
	return r.data.now()
}

func (r *stageInvitationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{fwvalidators.PositiveTimeouts{}}
}

func (r *stageInvitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan stageInvitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, plan.Timeouts.Create, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	body := plan.toRequest(nil)
	f := &stageFinder{r: r, plan: plan}
	res, err := createOnce(ctx,
		func(ctx context.Context) (*authentik.Invitation, error) { return r.client.Create(ctx, body) },
		f.find)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Creating the authentik invitation failed", err, stageArguments...)
		return
	}
	inv := res.Value
	name := plan.Name.ValueString()
	switch res.Outcome {
	case createdAgain:
		// An earlier attempt may have committed after the look-up.
		f.sweep(ctx, inv.PK)
		r.data.run.owned.claim(stageOwnerKey(inv.PK))
	case createdFirstTime:
		r.data.run.owned.claim(stageOwnerKey(inv.PK))
	case createInterrupted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("Invitation %q was created as Terraform stopped", name),
			fmt.Sprintf("Terraform stopped while creating the authentik invitation %q, after the server had created it. "+
				"It was found and is recorded in state, so that no live invite token is left untracked.", name))
	case createAdopted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("Invitation %q: the create's outcome was unknown", name),
			fmt.Sprintf("Creating the authentik invitation %q failed without proof that nothing happened (%s). The provider looked before sending it again "+
				"and found an invitation named %q, created by %s, with every argument as configured; it is now managed by this resource. "+
				"If an identical invitation existed before this apply, that is the one now managed.", name, res.Cause, name, createdBy(inv)))
	}
	plan.fromAPI(inv, r.client)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, plan.ID.ValueString())...)
	if !r.ownViews(ctx, inv.PK) {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, unviewableKey, []byte("true"))...)
		resp.Diagnostics.AddWarning("The token may not view the invitations it creates",
			fmt.Sprintf("authentik created the invitation %q, and answers 404 when the provider reads it back: the token's user lacks "+
				"authentik_stages_invitation.view_invitation on the invitations it creates. Refreshes and destroys of this invitation will fail until it "+
				"is granted: the provider cannot tell an invitation it may not view from one that is gone, and never re-creates one because it was not "+
				"allowed to look.", name))
	}
}

func (r *stageInvitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state stageInvitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	id, diags := importedID(ctx, state.ID, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	state.ID = id
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, state.Timeouts.Read, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()

	inv, err := r.data.run.stageReads.scope("", r.listAll).read(ctx, strings.ToLower(state.ID.ValueString()),
		func(ctx context.Context) (*authentik.Invitation, error) {
			return r.client.Get(ctx, state.ID.ValueString())
		})
	if client.IsNotFound(err) {
		// Only a GET by id answering 404 tells that the invitation is gone,
		// and only to a token that may view it.
		if inv, err = r.confirmGone(ctx, state, req.Private); err == nil && inv == nil {
			r.gone(ctx, &state, resp)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the authentik invitation failed", describe(err))
		return
	}
	if r.expired(inv) {
		// Expired but not yet deleted by the cleanup job: it can no longer
		// be used, so it reads as expired, as it will once gone.
		state.fromAPI(inv, r.client)
		r.gone(ctx, &state, resp)
		return
	}
	state.fromAPI(inv, r.client)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, unviewableKey, nil)...)
}

// listAll lists the instance's invitations for the read batch, by token.
func (r *stageInvitationResource) listAll(ctx context.Context, maxPages int) (map[string]*authentik.Invitation, bool, error) {
	all, _, err := r.client.List(ctx, authentik.ListFilter{MaxPages: maxPages})
	partial := errors.Is(err, client.ErrTooManyPages)
	if err != nil && !partial {
		return nil, false, err
	}
	byPK := make(map[string]*authentik.Invitation, len(all))
	for i := range all {
		byPK[strings.ToLower(all[i].PK)] = &all[i]
	}
	return byPK, partial, nil
}

// expired tells whether the invitation's expires has passed.
func (r *stageInvitationResource) expired(inv *authentik.Invitation) bool {
	t, ok := fwtypes.InstantPointer(inv.Expires).Time()
	return ok && !t.After(r.clock())
}

// gone handles an invitation authentik no longer has, or has only until
// its cleanup job runs (expired). One that was used or
// expired is authentik's own doing and follows reissue; any other was
// deleted outside Terraform and is planned again.
func (r *stageInvitationResource) gone(ctx context.Context, state *stageInvitationModel, resp *resource.ReadResponse) {
	name := state.Name.ValueString()
	reason := ""
	if t, ok := state.Expires.Time(); ok && !t.After(r.clock()) {
		reason = statusExpired
	}
	if reason == "" && state.SingleUse.ValueBool() {
		reason = statusUsed
	}
	if prior := state.Status.ValueString(); prior == statusUsed || prior == statusExpired {
		reason = prior
	}
	// Even a read that removes the invitation returns its identity: a state
	// written before identities existed has none to fall back on.
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, state.ID.ValueString())...)
	why := map[string]string{
		statusUsed:    "was used: it is single-use, and authentik deletes such invitations once used",
		statusExpired: fmt.Sprintf("expired at %s; authentik's cleanup job deletes expired invitations", state.Expires.ValueString()),
	}[reason]

	switch {
	case reason == "":
		resp.Diagnostics.AddWarning("Invitation deleted outside Terraform",
			fmt.Sprintf("The authentik invitation %q no longer exists: it was deleted outside Terraform, or the user who created it was deleted "+
				"(authentik deletes a user's invitations with the user; a dedicated service account for the provider's token avoids that). "+
				"It is removed from state and will be planned for creation again.", name))
		resp.State.RemoveResource(ctx)
	case state.Reissue.ValueBool():
		resp.Diagnostics.AddWarning(fmt.Sprintf("Invitation %q %s", name, reason),
			fmt.Sprintf("The authentik invitation %q %s. Because reissue is true, it is removed from state and the plan issues a new invitation, with a new token.", name, why))
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.AddWarning(fmt.Sprintf("Invitation %q %s", name, reason),
			fmt.Sprintf("The authentik invitation %q %s. It is kept in state with status %q and is not re-created (reissue is false). "+
				"Remove it from the configuration, or set reissue = true (or change it) to issue a new invitation.", name, why, reason))
		state.Status = types.StringValue(reason)
		state.InviteURL = types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

func (r *stageInvitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state stageInvitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, plan.Timeouts.Update, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	plan.ID = state.ID
	if len(plan.changedArguments(state)) == 0 {
		// Only provider-side settings (reissue, timeouts) changed.
		plan.FlowSlug, plan.CreatedBy, plan.InviteURL, plan.Status = state.FlowSlug, state.CreatedBy, state.InviteURL, state.Status
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, plan.ID.ValueString())...)
		return
	}
	inv, err := r.client.Patch(ctx, state.ID.ValueString(), plan.toRequest(&state))
	if err != nil {
		addWriteError(&resp.Diagnostics, "Updating the authentik invitation failed", err, stageArguments...)
		return
	}
	plan.fromAPI(inv, r.client)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setStageIdentity(ctx, resp.Identity, plan.ID.ValueString())...)
}

func (r *stageInvitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state stageInvitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, r.client, state.Timeouts.Delete, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	err := r.client.Delete(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		// Gone already, or not visible to the token: only the latter is an
		// error.
		var left *authentik.Invitation
		if left, err = r.confirmGone(ctx, state, req.Private); left != nil {
			err = fmt.Errorf("authentik answered 404 to deleting the invitation %q, which it still lists", state.Name.ValueString())
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Deleting the authentik invitation failed", describe(err))
	}
}
