package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var (
	_ resource.ResourceWithConfigure        = &programInvitationResource{}
	_ resource.ResourceWithImportState      = &programInvitationResource{}
	_ resource.ResourceWithModifyPlan       = &programInvitationResource{}
	_ resource.ResourceWithConfigValidators = &programInvitationResource{}
	_ resource.ResourceWithIdentity         = &programInvitationResource{}
)

// programArguments are the arguments sent to ibl.ai, by their API names.
var programArguments = []string{"program_key", "email", "username", "active", "source", "redirect_to", "expired", "metadata", "enrollment_config"}

// keptNote ends the description of each argument the API cannot clear.
const keptNote = "The API cannot clear it once set: when unset, the attribute shows the server's value, and removing it from the configuration keeps " +
	"that value on the invitation (listed in `kept_by_server`) instead of clearing it. Set another value to change it."

// NewProgramInvitationResource returns the invitations_program_invitation resource.
func NewProgramInvitationResource() resource.Resource {
	return &programInvitationResource{platform: iblPlatform()}
}

type programInvitationResource struct {
	platform[ibl.Client]
}

type programInvitationModel struct {
	ID               types.String            `tfsdk:"id"`
	ProgramKey       types.String            `tfsdk:"program_key"`
	Org              types.String            `tfsdk:"org"`
	Email            fwtypes.CaseInsensitive `tfsdk:"email"`
	Username         types.String            `tfsdk:"username"`
	Active           types.Bool              `tfsdk:"active"`
	Source           types.String            `tfsdk:"source"`
	RedirectTo       types.String            `tfsdk:"redirect_to"`
	Expired          fwtypes.Instant         `tfsdk:"expired"`
	Metadata         jsontypes.Normalized    `tfsdk:"metadata"`
	EnrollmentConfig jsontypes.Normalized    `tfsdk:"enrollment_config"`
	UserID           types.Int64             `tfsdk:"user_id"`
	Created          types.String            `tfsdk:"created"`
	Started          types.String            `tfsdk:"started"`
	Status           types.String            `tfsdk:"status"`
	Reissue          types.Bool              `tfsdk:"reissue"`
	KeptByServer     types.List              `tfsdk:"kept_by_server"`
	Timeouts         timeouts.Value          `tfsdk:"timeouts"`
}

// Program invitation states reported in the status attribute, as the
// vendor's admin UI tells them apart.
const (
	programPending  = "pending"
	programAccepted = "accepted"
	programInactive = "inactive"
)

// programUnclearable are the arguments the API cannot clear once set (a
// null is refused, and a POST without them keeps them), by API name.
var programUnclearable = []string{"source", "redirect_to", "expired", "metadata", "enrollment_config"}

func (r *programInvitationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_program_invitation"
}

func (r *programInvitationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	notEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = schema.Schema{
		MarkdownDescription: "An invitation of a user, by email or username, to a program in the ibl.ai data manager. " +
			"The program, org and user identify the invitation and force a new one when they change; every other " +
			"argument is updated in place through the API's create-or-update `POST`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The invitation's numeric id, as a string.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"program_key": schema.StringAttribute{
				MarkdownDescription: "Key of the program, such as `acme+data-science` (the org comes before `+`). Changing it creates a new invitation.",
				Required:            true,
				Validators:          []validator.String{notEmpty, fwvalidators.ProgramKey()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"org": schema.StringAttribute{
				MarkdownDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org`, else the part of `program_key` before `+`. Changing it creates a new invitation.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{notEmpty},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address of the invited user, compared without regard to letter case (as the server does). At least one of `email` and `username` is required; the server may fill in the other. Changing it (other than its case) creates a new invitation.",
				Optional:            true,
				Computed:            true,
				CustomType:          fwtypes.CaseInsensitiveType{},
				Validators:          []validator.String{fwvalidators.EmailAddress()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIf(
					func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
						resp.RequiresReplace = !strings.EqualFold(req.StateValue.ValueString(), req.PlanValue.ValueString())
					}, "Changing the email, other than its letter case, creates a new invitation.", "Changing the email, other than its letter case, creates a new invitation.")},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Username of the invited user. At least one of `email` and `username` is required; the server may fill in the other. Changing it creates a new invitation.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{notEmpty},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the invitation can be used. Defaults to `true`. The server also reports an invitation the invitee accepted as inactive " +
					"(`status` `accepted`): then the default keeps it inactive unless `reissue` is `true`, and `active = true` is an error.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"source": schema.StringAttribute{
				MarkdownDescription: "Where the invitation comes from, e.g. `terraform`; data sources can filter on it. " + keptNote,
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{notEmpty},
			},
			"redirect_to": schema.StringAttribute{
				MarkdownDescription: "URL the user is sent to after accepting the invitation. " + keptNote,
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{fwvalidators.HTTPURL()},
			},
			"expired": schema.StringAttribute{
				MarkdownDescription: "When the invitation expires, as an RFC 3339 timestamp, compared as an instant (`Z` and `+00:00` are the same). " + keptNote,
				Optional:            true,
				Computed:            true,
				CustomType:          fwtypes.InstantType{},
			},
			"metadata": schema.StringAttribute{
				MarkdownDescription: "Free-form metadata, as a JSON object (`jsonencode({...})`), compared as JSON. Data sources can filter on its keys. " +
					"The server's value (`{}` for a new invitation) when unset: removing it keeps the metadata the invitation has (see `kept_by_server`); " +
					"`jsonencode({})` empties it.",
				Optional:   true,
				Computed:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{fwvalidators.JSONObject()},
			},
			"enrollment_config": schema.StringAttribute{
				MarkdownDescription: "Enrollment configuration (dates and the like) as a JSON object, for servers that support it. The API accepts it but never returns it, so changes made outside Terraform are not detected and import leaves it unset. " +
					"A server older than the field stores it in `metadata`, as it does any body key it does not know: the apply then fails and says so. " + keptNote,
				Optional:   true,
				Computed:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{fwvalidators.JSONObject()},
			},
			"kept_by_server": schema.ListAttribute{
				MarkdownDescription: "The arguments among `source`, `redirect_to`, `expired`, `metadata` (when not `{}`) and `enrollment_config` that the configuration does not set " +
					"but the invitation still holds: the ibl.ai API cannot clear a value once set (it refuses a null, and a POST without the field keeps it), so removing " +
					"one of them from the configuration leaves the server's value in place, shown in that attribute and listed here. Set another value to change it.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`pending` while the invitation is active; `accepted` once the invitee has registered with it (the server then reports it inactive, " +
					"with `started` set, or with a `user_id` it did not have); `inactive` when it was deactivated otherwise (`active = false`). " +
					"An accepted invitation is never re-activated by a plan (see `reissue`).",
				Computed: true,
			},
			"reissue": schema.BoolAttribute{
				MarkdownDescription: "What happens to an invitation the invitee has accepted (`status` `accepted`). `false` (default): it stays inactive and in state, " +
					"a plan never re-activates it, and a create refuses to reuse an accepted invitation of the same program and user. `true`: the plan re-activates it " +
					"(`active = true`), re-opening the invitation for another registration, and a create reuses an accepted one. The server keeps one invitation per " +
					"program and user, so re-creating an invitation is always re-opening the one the server has.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the platform user the invitation belongs to, when the server knows one.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the invitation was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"started": schema.StringAttribute{
				MarkdownDescription: "When the user started the program through the invitation (RFC 3339), if they have.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeoutsAttribute(ctx),
		},
	}
}

func (r *programInvitationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("email"), path.MatchRoot("username")),
		fwvalidators.PositiveTimeouts{},
	}
}

func (r *programInvitationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure("invitations_program_invitation", req.ProviderData, &resp.Diagnostics)
}

// defaultOrg is the provider's ibl.org, possibly empty.
func (r *programInvitationResource) defaultOrg() string {
	if r.data == nil {
		return ""
	}
	return r.data.IBLOrg
}

// upsert is false for servers whose POST always inserts a new row: then a
// change cannot be made in place.
func (r *programInvitationResource) upsert() bool { return r.data == nil || r.data.IBLUpsert }

// ModifyPlan settles org before apply, so that it is known in the plan
// and a change of it shows as a replacement.
func (r *programInvitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state programInvitationModel
	resp.Diagnostics.Append(fwfix.GetAttributes(ctx, req.Plan.GetAttribute, plan.planned())...)
	var configOrg types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("org"), &configOrg)...)
	if resp.Diagnostics.HasError() || plan.ProgramKey.IsUnknown() || configOrg.IsUnknown() {
		return
	}
	if configOrg.IsNull() {
		var org types.String
		prefix, _, hasPlus := strings.Cut(plan.ProgramKey.ValueString(), "+")
		switch {
		case r.defaultOrg() != "":
			org = types.StringValue(r.defaultOrg())
			if hasPlus && prefix != r.defaultOrg() {
				resp.Diagnostics.AddAttributeWarning(path.Root("org"), "org differs from the program's",
					fmt.Sprintf("org defaults to the provider's ibl.org %q, but program_key %q names org %q. Set org on the resource if the invitation belongs to %q.",
						r.defaultOrg(), plan.ProgramKey.ValueString(), prefix, prefix))
			}
		case hasPlus && prefix != "":
			org = types.StringValue(prefix)
		case r.client == nil:
			return // provider settings unknown yet
		default:
			resp.Diagnostics.AddAttributeError(path.Root("org"), "org cannot be derived",
				fmt.Sprintf("program_key %q has no \"org+\" prefix and the provider has no ibl.org (IBLAI_ORG): set org.", plan.ProgramKey.ValueString()))
			return
		}
		if !org.Equal(plan.Org) {
			plan.Org = org
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("org"), org)...)
		}
	}
	if req.State.Raw.IsNull() {
		// A new invitation: enrollment_config is never returned, so an unset
		// one stays null; the others come from the server, which may hold
		// values of an earlier invitation of the same program and user.
		var cfg jsontypes.Normalized
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("enrollment_config"), &cfg)...)
		if cfg.IsNull() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("enrollment_config"), cfg)...)
		}
		if plan.Active.ValueBool() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), programPending)...)
		}
		return
	}
	resp.Diagnostics.Append(fwfix.GetAttributes(ctx, req.State.GetAttribute, state.planned())...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.Org.IsNull() && !state.Org.Equal(plan.Org) {
		resp.RequiresReplace.Append(path.Root("org"))
	}
	unset, known := programUnset(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The API cannot clear these (null is refused, and a POST without them
	// keeps them): an argument the configuration does not set keeps the
	// server's value, which the plan shows, and is listed in kept_by_server.
	// (A replacement would not help: the server keeps one invitation per
	// program and user, and the new one would be the same row.)
	stateValues := map[string]attr.Value{"source": state.Source, "redirect_to": state.RedirectTo, "expired": state.Expired,
		"metadata": state.Metadata, "enrollment_config": state.EnrollmentConfig}
	planValues := map[string]attr.Value{"source": plan.Source, "redirect_to": plan.RedirectTo, "expired": plan.Expired,
		"metadata": plan.Metadata, "enrollment_config": plan.EnrollmentConfig}
	for _, name := range programUnclearable {
		if unset[name] && !planValues[name].Equal(stateValues[name]) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), stateValues[name])...)
		}
	}
	if known {
		kept := keptByServer(unset, state)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("kept_by_server"), kept)...)
	}
	r.planAcceptance(ctx, req, resp, plan, state)
	if r.client != nil && !r.upsert() && programChanged(plan, state) {
		// The server cannot update in place (ibl.upsert = false).
		resp.RequiresReplace.Append(path.Root("active"), path.Root("source"), path.Root("redirect_to"),
			path.Root("expired"), path.Root("metadata"), path.Root("enrollment_config"))
	}
}

// planned are the attributes ModifyPlan reads (fwfix.GetAttributes).
func (m *programInvitationModel) planned() map[string]any {
	return map[string]any{"program_key": &m.ProgramKey, "org": &m.Org, "active": &m.Active, "source": &m.Source,
		"redirect_to": &m.RedirectTo, "expired": &m.Expired, "metadata": &m.Metadata, "enrollment_config": &m.EnrollmentConfig,
		"status": &m.Status, "reissue": &m.Reissue, "user_id": &m.UserID}
}

// programUnset tells which of the arguments the API cannot clear the
// configuration leaves unset; known is false while any is unknown.
func programUnset(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (unset map[string]bool, known bool) {
	var source, redirect types.String
	var expired fwtypes.Instant
	var metadata, enrollment jsontypes.Normalized
	targets := map[string]any{"source": &source, "redirect_to": &redirect, "expired": &expired, "metadata": &metadata, "enrollment_config": &enrollment}
	diags.Append(fwfix.GetAttributes(ctx, config.GetAttribute, targets)...)
	values := map[string]attr.Value{"source": source, "redirect_to": redirect, "expired": expired, "metadata": metadata, "enrollment_config": enrollment}
	unset, known = map[string]bool{}, true
	for name, v := range values {
		unset[name], known = v.IsNull(), known && !v.IsUnknown()
	}
	return unset, known
}

// keptByServer lists the unset arguments whose value the invitation holds.
func keptByServer(unset map[string]bool, m programInvitationModel) types.List {
	held := map[string]bool{
		"source": !m.Source.IsNull(), "redirect_to": !m.RedirectTo.IsNull(), "expired": !m.Expired.IsNull(),
		"enrollment_config": !m.EnrollmentConfig.IsNull(),
	}
	if !m.Metadata.IsNull() && !m.Metadata.IsUnknown() {
		empty, _ := m.Metadata.StringSemanticEquals(context.Background(), jsontypes.NewNormalizedValue("{}"))
		held["metadata"] = !empty
	}
	out := []attr.Value{}
	for _, name := range programUnclearable {
		if unset[name] && held[name] {
			out = append(out, types.StringValue(name))
		}
	}
	return types.ListValueMust(types.StringType, out)
}

// planAcceptance keeps an accepted invitation inactive unless reissue asks
// for it to be re-opened, and plans status.
func (r *programInvitationResource) planAcceptance(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state programInvitationModel) {
	var configActive types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("active"), &configActive)...)
	if configActive.IsUnknown() || plan.Reissue.IsUnknown() {
		return
	}
	active := plan.Active.ValueBool()
	if state.Status.ValueString() == programAccepted && active {
		switch {
		case plan.Reissue.ValueBool():
			resp.Diagnostics.AddAttributeWarning(path.Root("reissue"), "An accepted program invitation will be re-opened",
				fmt.Sprintf("The invitee accepted program invitation %s; because reissue is true, the apply re-activates it (active = true), so that it can be used again.", state.ID.ValueString()))
		case configActive.IsNull():
			// The default (true) does not re-open a consumed invitation.
			active = false
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active"), false)...)
		default:
			resp.Diagnostics.AddAttributeError(path.Root("active"), "The invitee accepted this program invitation",
				fmt.Sprintf("Program invitation %s was accepted: the server reports it inactive since the invitee registered (started %s). "+
					"active = true would re-open it for another registration. Set reissue = true to do that on purpose, or remove active (or set it to false) to keep it as it is.",
					state.ID.ValueString(), state.Started.ValueString()))
			return
		}
	}
	status := programInactive
	switch {
	case active:
		status = programPending
	case state.Status.ValueString() == programAccepted:
		status = programAccepted
	}
	if !plan.Status.Equal(types.StringValue(status)) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), status)...)
	}
}

func (r *programInvitationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan programInvitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Create, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	org, program, user := plan.Org.ValueString(), plan.ProgramKey.ValueString(), userLabel(plan)
	// The server keeps one invitation per program and user, emails compared
	// without regard to case: two resources for one user would share it.
	if !r.owned().claim(programUserKey(org, program, user)) {
		resp.Diagnostics.AddError("Two resources invite the same user",
			fmt.Sprintf("Another invitations_program_invitation of this configuration already invites %s to %s. The server keeps one invitation per program and user "+
				"and compares emails without regard to case, so both resources would hold, and destroy, the same invitation. Remove one of them.", user, program))
		return
	}
	// Never take over an invitation this resource did not create: the
	// create-or-update POST would silently rewrite it.
	existing, err := r.client.FindUser(ctx, org, program, plan.Email.ValueString(), usernameFilter(plan))
	if err != nil {
		resp.Diagnostics.AddError("Checking for an existing ibl.ai program invitation failed", describe(err))
		return
	}
	f := &programFinder{r: r, plan: plan, before: map[int64]bool{}}
	for _, row := range existing {
		if row.Active {
			resp.Diagnostics.AddError("The program invitation already exists",
				fmt.Sprintf("%s already has an active invitation to %s: program invitation %d, created %s. The provider does not take over an invitation it did not create. "+
					"Bring it under management with an import (ID %s/%d), or delete it on the server, then apply again. "+
					"If another resource of this configuration held it and is being destroyed in this apply (a rename), use a moved block instead, or apply again once it is gone.",
					user, program, row.ID, deref(row.Created), org, row.ID))
			return
		}
		if programWasAccepted(row) && !plan.Reissue.ValueBool() {
			resp.Diagnostics.AddAttributeError(path.Root("reissue"), "The invitee accepted the existing program invitation",
				fmt.Sprintf("%s already has an invitation to %s that the invitee accepted: program invitation %d, started %s. The server keeps one invitation per program and user, "+
					"so creating this one would re-open that accepted invitation. Set reissue = true to re-open it on purpose, or import it (ID %s/%d) to manage it as it is.",
					user, program, row.ID, deref(row.Started), org, row.ID))
			return
		}
		f.before[row.ID] = true
	}

	defer r.reads(org, program).wrote()
	body := upsertBody(plan)
	res, err := createOnce(ctx, func(ctx context.Context) (*ibl.Invitation, error) { return r.client.Create(ctx, body) }, f.find)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Creating the ibl.ai program invitation failed", err, programArguments...)
		return
	}
	inv := res.Value
	switch res.Outcome {
	case createdFirstTime, createdAgain:
		if !r.owned().claim(programOwnerKey(org, inv.ID)) {
			resp.Diagnostics.AddError("The server answered with an invitation another resource holds",
				fmt.Sprintf("Creating the invitation of %s to %s returned program invitation %d, which another resource of this configuration created or holds: "+
					"the server sees both as the same user. Remove one of the two resources.", user, program, inv.ID))
			return
		}
		if res.Outcome == createdAgain {
			f.sweep(ctx, inv.ID)
		}
		if f.before[inv.ID] {
			resp.Diagnostics.AddWarning(fmt.Sprintf("Program invitation %d was reactivated", inv.ID),
				fmt.Sprintf("%s had an inactive invitation to %s (%d), such as one a server kept after a DELETE; the server's create-or-update reused it, and it is now managed by this resource.",
					user, program, inv.ID))
		}
	case createInterrupted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("Program invitation %d was created as Terraform stopped", inv.ID),
			fmt.Sprintf("Terraform stopped while creating the invitation of %s to %s, after the server had created it. It was found and is recorded in state.", user, program))
	case createAdopted:
		resp.Diagnostics.AddWarning(fmt.Sprintf("Program invitation %d: the create's outcome was unknown", inv.ID),
			fmt.Sprintf("Creating the invitation of %s to %s failed without proof that nothing happened (%s). The provider looked before sending it again "+
				"and found program invitation %d with every argument as configured; it is now managed by this resource.", user, program, res.Cause, inv.ID))
	}
	unset, _ := programUnset(ctx, req.Config, &resp.Diagnostics)
	prior := plan
	setProgramState(&plan, inv)
	plan.Status = types.StringValue(programStatus(inv, prior))
	plan.KeptByServer = keptByServer(unset, plan)
	checkEcho(&resp.Diagnostics, body, prior, inv)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setProgramIdentity(ctx, resp.Identity, plan)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

// programWasAccepted tells an invitation the invitee registered with: the
// server reports it inactive with started set. (An inactive one with only a
// user_id may be one a destroy retired, for a user the platform knew.)
func programWasAccepted(inv ibl.Invitation) bool { return !inv.Active && inv.Started != nil }

// programStatus is the status of the server's invitation, given the state
// before (the plan for a create): accepted once inactive with started set,
// or with a user_id it did not have before, and for as long as it stays
// inactive.
func programStatus(inv *ibl.Invitation, prior programInvitationModel) string {
	switch {
	case inv.Active:
		return programPending
	case inv.Started != nil, prior.Status.ValueString() == programAccepted,
		inv.UserID != nil && !prior.ProgramKey.IsNull() && prior.UserID.IsNull() && prior.Active.ValueBool():
		return programAccepted
	}
	return programInactive
}

// checkEcho fails an apply whose arguments the server stored in metadata:
// a server older than a field stores it there, as it does any body key it
// does not know ("Any additional parameters will be added as metadata").
func checkEcho(diags *diag.Diagnostics, sent ibl.Upsert, plan programInvitationModel, inv *ibl.Invitation) {
	var stored map[string]json.RawMessage
	if json.Unmarshal(inv.Metadata, &stored) != nil || len(stored) == 0 {
		return
	}
	var planned map[string]json.RawMessage
	if !plan.Metadata.IsNull() && !plan.Metadata.IsUnknown() {
		_ = json.Unmarshal([]byte(plan.Metadata.ValueString()), &planned)
	}
	sentFields := map[string]bool{"email": sent.Email != nil, "username": sent.Username != nil, "active": sent.Active != nil,
		"source": sent.Source != nil, "redirect_to": sent.RedirectTo != nil, "expired": sent.Expired != nil, "enrollment_config": sent.EnrollmentConfig != nil}
	for _, name := range programArguments {
		_, inMetadata := stored[name]
		_, configured := planned[name]
		if sentFields[name] && inMetadata && !configured {
			diags.AddAttributeError(path.Root(name), "The ibl.ai server does not know the "+name+" field",
				fmt.Sprintf("The server stored %s in the metadata of program invitation %d instead of applying it: servers older than a field store any body key "+
					"they do not know as metadata (\"Any additional parameters will be added as metadata\"). Remove %s from the configuration, or upgrade the server; "+
					"the invitation's metadata now holds a %q key, which setting metadata replaces.", name, inv.ID, name, name))
		}
	}
}

// setServerEmail keeps the server's spelling of the email in private state:
// state keeps the configuration's (emails compare without regard to case),
// but a server that compares them exactly must be sent its own.
func setServerEmail(ctx context.Context, private interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, inv *ibl.Invitation) diag.Diagnostics {
	if private == nil || inv.Email == nil {
		return nil
	}
	b, _ := json.Marshal(*inv.Email)
	return private.SetKey(ctx, "server_email", b)
}

// serverEmail is the server's spelling of the email, else the state's.
func serverEmail(ctx context.Context, private interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, m programInvitationModel) string {
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

// programFinder looks, after a create whose outcome is unknown, for the
// invitation it may have made: a row of this program and user with every
// argument as planned, held by no other resource of this run. On servers
// that update in place, that is the one row of the user; on servers that
// insert on every POST it is a row that did not exist before the create
// (before), and when repeated attempts made several, one is kept and the
// others deleted.
type programFinder struct {
	r      *programInvitationResource
	plan   programInvitationModel
	before map[int64]bool
}

func (f *programFinder) rows(ctx context.Context, exclude int64) ([]ibl.Invitation, error) {
	p := f.plan
	rows, err := f.r.client.FindUser(ctx, p.Org.ValueString(), p.ProgramKey.ValueString(), p.Email.ValueString(), usernameFilter(p))
	if err != nil {
		return nil, err
	}
	var out []ibl.Invitation
	for _, row := range rows {
		switch {
		case row.ID == exclude, !programMatches(p, row), f.r.owned().isClaimed(programOwnerKey(p.Org.ValueString(), row.ID)),
			f.before[row.ID] && !f.r.upsert():
			continue
		}
		out = append(out, row)
	}
	return out, nil
}

func (f *programFinder) find(ctx context.Context) (*ibl.Invitation, bool, error) {
	matches, err := f.rows(ctx, 0)
	if err != nil || len(matches) == 0 {
		return nil, false, err
	}
	for _, extra := range matches[1:] {
		if diags := f.r.remove(ctx, f.withID(extra.ID), deref(extra.Email)); diags.HasError() {
			return nil, false, fmt.Errorf("deleting duplicate program invitation %d that a repeated create made failed: %s", extra.ID, diags[0].Detail())
		}
	}
	if !f.r.owned().claim(programOwnerKey(f.plan.Org.ValueString(), matches[0].ID)) {
		return nil, false, nil
	}
	return &matches[0], true, nil
}

// sweep deletes rows an earlier attempt made after the look-up that found
// none (servers that insert on every POST only: the others update in place).
func (f *programFinder) sweep(ctx context.Context, keep int64) {
	if f.r.upsert() {
		return
	}
	extras, err := f.rows(ctx, keep)
	if err != nil {
		tflog.Warn(ctx, "checking for late duplicates failed", map[string]any{"error": err.Error()})
		return
	}
	for _, extra := range extras {
		f.r.remove(ctx, f.withID(extra.ID), deref(extra.Email))
	}
}

func (f *programFinder) withID(id int64) programInvitationModel {
	m := f.plan
	m.ID = types.StringValue(strconv.FormatInt(id, 10))
	return m
}

// usernameFilter narrows by username only when there is no email to
// narrow by (the server keys invitations on email first).
func usernameFilter(m programInvitationModel) string {
	if !m.Email.IsNull() && !m.Email.IsUnknown() && m.Email.ValueString() != "" {
		return ""
	}
	return m.Username.ValueString()
}

func programMatches(plan programInvitationModel, inv ibl.Invitation) bool {
	// Unknown values are unset arguments: whatever the server holds matches.
	known := func(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
	switch {
	case inv.ProgramKey != plan.ProgramKey.ValueString(),
		known(plan.Email.StringValue) && !fwtypes.CaseInsensitivePointer(inv.Email).SameAs(plan.Email),
		known(plan.Username) && deref(inv.Username) != plan.Username.ValueString(),
		inv.Active != plan.Active.ValueBool(),
		!plan.Source.IsUnknown() && deref(inv.Source) != plan.Source.ValueString(),
		!plan.RedirectTo.IsUnknown() && deref(inv.RedirectTo) != plan.RedirectTo.ValueString(),
		!plan.Expired.IsUnknown() && !fwtypes.InstantPointer(inv.Expired).SameAs(plan.Expired):
		return false
	}
	if !known(plan.Metadata) {
		return true
	}
	eq, _ := plan.Metadata.StringSemanticEquals(context.Background(), jsontypes.NewNormalizedValue(string(orEmptyObject(inv.Metadata))))
	return eq
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (r *programInvitationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state programInvitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Read, defaultReadTimeout)
	if !ok {
		return
	}
	defer cancel()

	id, err := strconv.ParseInt(state.ID.ValueString(), 10, 64)
	if err != nil {
		resp.Diagnostics.AddError("Invalid id in state", fmt.Sprintf("%q is not a program invitation id.", state.ID.ValueString()))
		return
	}
	var inv *ibl.Invitation
	if state.ProgramKey.IsNull() {
		// Just imported: only org and id are known.
		inv, err = r.client.FindInOrg(ctx, state.Org.ValueString(), id)
	} else {
		m := state
		if !state.Email.IsNull() {
			e := serverEmail(ctx, req.Private, state)
			m.Email = fwtypes.CaseInsensitivePointer(&e)
		}
		inv, err = r.find(ctx, m, id)
	}
	if err != nil {
		resp.Diagnostics.AddError("Reading the ibl.ai program invitation failed", describe(err))
		return
	}
	if inv == nil {
		if state.ProgramKey.IsNull() {
			resp.Diagnostics.AddError("Program invitation not found",
				fmt.Sprintf("No program invitation with id %d exists in org %q.", id, state.Org.ValueString()))
			return
		}
		resp.Diagnostics.AddWarning("Program invitation deleted outside Terraform",
			fmt.Sprintf("The program invitation %d (%s in %s) no longer exists. It is removed from state and will be planned for creation again.",
				id, userLabel(state), state.ProgramKey.ValueString()))
		// A read that removes it still returns its identity: a state written
		// before identities existed has none to fall back on.
		resp.Diagnostics.Append(setProgramIdentity(ctx, resp.Identity, state)...)
		resp.State.RemoveResource(ctx)
		return
	}
	prior := state
	setProgramState(&state, inv)
	state.Status = types.StringValue(programStatus(inv, prior))
	if state.Status.ValueString() == programAccepted && prior.Status.ValueString() != programAccepted {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Program invitation %d was accepted", inv.ID),
			fmt.Sprintf("The invitee (%s) registered with program invitation %d to %s (started %s): the server now reports it inactive. It is kept in state with status \"accepted\" "+
				"and no plan re-activates it unless reissue is true.", userLabel(state), inv.ID, inv.ProgramKey, deref(inv.Started)))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setProgramIdentity(ctx, resp.Identity, state)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

// find reads the invitation for a refresh: from the operation's listing of
// its org and program when there is one (read batch), else with the
// narrowest request, org, program and user. Either way an invitation whose
// user no longer matches is not the one in state, as the narrow request
// would not return it.
func (r *programInvitationResource) find(ctx context.Context, m programInvitationModel, id int64) (*ibl.Invitation, error) {
	org, program := m.Org.ValueString(), m.ProgramKey.ValueString()
	inv, found, served := r.reads(org, program).lookup(ctx, strconv.FormatInt(id, 10),
		func(ctx context.Context, worth func(int) bool) (map[string]*ibl.Invitation, bool) {
			rows, _, err := r.client.List(ctx, ibl.Filter{Org: org, ProgramKey: program, Sort: "-id", Worth: worth})
			byID := make(map[string]*ibl.Invitation, len(rows))
			for i := range rows {
				byID[strconv.FormatInt(rows[i].ID, 10)] = &rows[i]
			}
			return byID, err == nil
		})
	if !served || !found {
		// A listing's miss is no proof of absence (rows shift between pages
		// while others change them): the narrow request decides.
		return r.client.Find(ctx, org, program, m.Email.ValueString(), usernameFilter(m), id)
	}
	if (!m.Email.IsNull() && !fwtypes.CaseInsensitivePointer(inv.Email).SameAs(m.Email)) ||
		(m.Email.IsNull() && deref(inv.Username) != m.Username.ValueString()) {
		return nil, nil
	}
	return inv, nil
}

// reads is the read batch of an org and program.
func (r *programInvitationResource) reads(org, program string) *readBatch[ibl.Invitation] {
	return r.data.ProgramReads.scope(org + "|" + program)
}

func userLabel(m programInvitationModel) string {
	if v := m.Email.ValueString(); v != "" {
		return v
	}
	return m.Username.ValueString()
}

func (r *programInvitationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state programInvitationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, plan.Timeouts.Update, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()

	plan.ID = state.ID
	if !programChanged(plan, state) {
		// Only timeouts changed: nothing to send.
		plan.UserID, plan.Created, plan.Started = state.UserID, state.Created, state.Started
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.Append(setProgramIdentity(ctx, resp.Identity, plan)...)
		return
	}
	defer r.reads(plan.Org.ValueString(), plan.ProgramKey.ValueString()).wrote()
	body := upsertBody(plan)
	if body.Email != nil {
		// The server's spelling: a server that compares emails exactly
		// would otherwise make a second invitation.
		e := serverEmail(ctx, req.Private, state)
		if strings.EqualFold(e, *body.Email) {
			body.Email = &e
		}
	}
	inv, err := r.client.Update(ctx, body)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Updating the ibl.ai program invitation failed", err, programArguments...)
		return
	}
	if oldID := state.ID.ValueString(); strconv.FormatInt(inv.ID, 10) != oldID {
		// The server inserted a new row instead of updating: it predates
		// create-or-update. Undo the insert, so that the server holds what
		// state says, and ask for the setting that makes changes replacements.
		extra := state
		extra.ID = types.StringValue(strconv.FormatInt(inv.ID, 10))
		resp.Diagnostics.Append(r.remove(ctx, extra, deref(inv.Email))...)
		resp.Diagnostics.AddError("The ibl.ai server does not update invitations in place",
			fmt.Sprintf("The update of program invitation %s made the server create a new invitation (%d) instead: servers that predate create-or-update do this. "+
				"The new invitation was removed again and nothing changed. Set upsert = false in the provider's ibl block; changes are then planned as replacements.",
				oldID, inv.ID))
		return
	}
	planned := plan
	setProgramState(&plan, inv)
	if planned.Status.IsUnknown() {
		plan.Status = types.StringValue(programStatus(inv, state))
	}
	if planned.KeptByServer.IsUnknown() {
		unset, _ := programUnset(ctx, req.Config, &resp.Diagnostics)
		plan.KeptByServer = keptByServer(unset, plan)
	}
	checkEcho(&resp.Diagnostics, body, planned, inv)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	resp.Diagnostics.Append(setProgramIdentity(ctx, resp.Identity, plan)...)
	resp.Diagnostics.Append(setServerEmail(ctx, resp.Private, inv)...)
}

func programChanged(plan, state programInvitationModel) bool {
	metaEq, _ := plan.Metadata.StringSemanticEquals(context.Background(), state.Metadata)
	cfgEq := plan.EnrollmentConfig.Equal(state.EnrollmentConfig)
	if !cfgEq && !plan.EnrollmentConfig.IsNull() && !state.EnrollmentConfig.IsNull() {
		cfgEq, _ = plan.EnrollmentConfig.StringSemanticEquals(context.Background(), state.EnrollmentConfig)
	}
	return !plan.Active.Equal(state.Active) || !plan.Source.Equal(state.Source) || !plan.RedirectTo.Equal(state.RedirectTo) ||
		!plan.Expired.SameAs(state.Expired) || (!metaEq && !plan.Metadata.Equal(state.Metadata)) || !cfgEq
}

func (r *programInvitationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state programInvitationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.start(ctx, &resp.Diagnostics, state.Timeouts.Delete, defaultWriteTimeout)
	if !ok {
		return
	}
	defer cancel()
	resp.Diagnostics.Append(r.remove(ctx, state, serverEmail(ctx, req.Private, state))...)
}

// How the server answers DELETE, learnt once per provider process (one
// Terraform operation) from the first invitation it destroys.
const (
	deleteUnknown int32 = iota
	deleteKeepsRows
	deleteDeletes
)

// iblRetirement is what one provider process knows about the server's
// DELETE, and whether it has said so.
type iblRetirement struct {
	probe  sync.Mutex
	mode   atomic.Int32
	warned atomic.Bool
}

// iblRetirements holds one iblRetirement per configured provider.
var iblRetirements sync.Map // *providerData -> *iblRetirement

func (r *programInvitationResource) retirement() *iblRetirement {
	if r.data == nil {
		return &iblRetirement{}
	}
	v, _ := iblRetirements.LoadOrStore(r.data, &iblRetirement{})
	ret, ok := v.(*iblRetirement)
	if !ok {
		return &iblRetirement{}
	}
	return ret
}

// remove retires an invitation. Real servers answer 200 to DELETE and keep
// the row (the vendor documents the handler as unimplemented); the only way
// to retire an invitation there is to deactivate it. The first removal of
// an operation sends the DELETE and confirms with the narrow read what the
// server did; the others follow what it learnt: on a server that keeps
// rows, one deactivating POST (the DELETE it ignores is not sent again); on
// one that deletes, the DELETE alone. That is at most 3 requests for the
// first invitation and 1 for each other one, and one warning per operation.
// email is the server's spelling of the invitation's email.
func (r *programInvitationResource) remove(ctx context.Context, m programInvitationModel, email string) diag.Diagnostics {
	var diags diag.Diagnostics
	id, err := strconv.ParseInt(m.ID.ValueString(), 10, 64)
	if err != nil {
		diags.AddError("Invalid id in state", fmt.Sprintf("%q is not a program invitation id.", m.ID.ValueString()))
		return diags
	}
	org := m.Org.ValueString()
	defer r.reads(org, m.ProgramKey.ValueString()).wrote()
	ret := r.retirement()
	if ret.mode.Load() == deleteUnknown {
		ret.probe.Lock()
		if ret.mode.Load() == deleteUnknown {
			defer ret.probe.Unlock()
			return r.deleteAndConfirm(ctx, ret, m, id, email)
		}
		ret.probe.Unlock()
	}
	switch {
	case ret.mode.Load() == deleteDeletes:
		if err := r.client.Delete(ctx, org, id); err != nil {
			diags.AddError("Deleting the ibl.ai program invitation failed", describe(err))
		}
		return diags
	case !r.upsert():
		// A POST would insert a new row rather than deactivate this one.
		return r.deleteAndConfirm(ctx, ret, m, id, email)
	}
	user := ibl.Upsert{ProgramKey: m.ProgramKey.ValueString()}
	if email != "" {
		user.Email = &email
	} else {
		user.Username = m.Username.ValueStringPointer()
	}
	diags.Append(r.deactivate(ctx, ret, m, id, user)...)
	return diags
}

// deleteAndConfirm sends the DELETE, confirms with the narrow read and
// deactivates what the server kept; it records what the server did.
func (r *programInvitationResource) deleteAndConfirm(ctx context.Context, ret *iblRetirement, m programInvitationModel, id int64, email string) diag.Diagnostics {
	var diags diag.Diagnostics
	org := m.Org.ValueString()
	if err := r.client.Delete(ctx, org, id); err != nil {
		diags.AddError("Deleting the ibl.ai program invitation failed", describe(err))
		return diags
	}
	left, err := r.client.Find(ctx, org, m.ProgramKey.ValueString(), email, usernameFilter(m), id)
	if err != nil {
		diags.AddError("Confirming the deletion of the ibl.ai program invitation failed", describe(err))
		return diags
	}
	if left == nil {
		ret.mode.CompareAndSwap(deleteUnknown, deleteDeletes)
		return diags
	}
	ret.mode.CompareAndSwap(deleteUnknown, deleteKeepsRows)
	if !left.Active {
		r.warnRetired(&diags, ret, id)
		return diags
	}
	body := ibl.Upsert{ProgramKey: left.ProgramKey, Email: left.Email}
	if left.Email == nil {
		body.Username = left.Username
	}
	diags.Append(r.deactivate(ctx, ret, m, id, body)...)
	return diags
}

// deactivate retires invitation id with a POST of active = false for its
// program and user.
func (r *programInvitationResource) deactivate(ctx context.Context, ret *iblRetirement, m programInvitationModel, id int64, body ibl.Upsert) diag.Diagnostics {
	var diags diag.Diagnostics
	off := false
	body.Active = &off
	inv, err := r.client.Update(ctx, body)
	if err != nil {
		diags.AddError("The server keeps program invitations after DELETE, and deactivating this one failed",
			fmt.Sprintf("Invitation %d (%s in %s) is still active on the server. %s", id, userLabel(m), m.ProgramKey.ValueString(), describe(err)))
		return diags
	}
	if inv.ID != id {
		diags.AddError("The server keeps program invitations after DELETE and cannot deactivate this one",
			fmt.Sprintf("The deactivating POST for invitation %d (%s in %s) changed invitation %d instead. Deactivate %d by hand, and check %d.",
				id, userLabel(m), m.ProgramKey.ValueString(), inv.ID, id, inv.ID))
		return diags
	}
	r.warnRetired(&diags, ret, id)
	return diags
}

// warnRetired says once per operation that invitations are deactivated,
// not deleted.
func (r *programInvitationResource) warnRetired(diags *diag.Diagnostics, ret *iblRetirement, id int64) {
	if !ret.warned.CompareAndSwap(false, true) {
		return
	}
	diags.AddWarning("ibl.ai keeps program invitations after DELETE: they are deactivated instead",
		fmt.Sprintf("The ibl.ai server answered 200 to the DELETE of program invitation %d but kept it, as the vendor documents (its DELETE is not implemented). "+
			"Every program invitation this operation destroys is retired instead: deactivated (active = false) so that it cannot be used, and removed from state. "+
			"The rows stay on the server; creating an invitation for the same program and user later re-activates the same row. This warning is shown once per operation.", id))
}

// programIdentityModel is the resource identity: the org and the id, what
// the API's DELETE takes.
type programIdentityModel struct {
	Org types.String `tfsdk:"org"`
	ID  types.String `tfsdk:"id"`
}

func (r *programInvitationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"org": identityschema.StringAttribute{RequiredForImport: true, Description: "Platform organization the invitation belongs to (the part of its program key before `+`)."},
		"id":  identityschema.StringAttribute{RequiredForImport: true, Description: "The invitation's numeric id, as a string."},
	}}
}

func setProgramIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m programInvitationModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, programIdentityModel{Org: m.Org, ID: m.ID})
}

func (r *programInvitationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && req.Identity != nil {
		// An import block with identity = { org = ..., id = ... }.
		var id programIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		req.ID = id.Org.ValueString() + "/" + id.ID.ValueString()
	}
	org, idStr, hasOrg := strings.Cut(req.ID, "/")
	if !hasOrg {
		org, idStr = r.defaultOrg(), req.ID
	}
	if prefix, _, isProgramKey := strings.Cut(org, "+"); isProgramKey && prefix != "" {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("%q has a program key where the org belongs: the org is the part of the program key before \"+\". Import it as %s/%s.", req.ID, prefix, idStr))
		return
	}
	if _, err := strconv.ParseInt(idStr, 10, 64); err != nil || org == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			"A program invitation is imported as <org>/<id>, e.g. acme/123, or as <id> alone when the provider sets ibl.org. Got: "+req.ID)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), idStr)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org"), org)...)
}

// upsertBody builds the POST body. It never carries a null: no field of the
// API's request schema is nullable (removing a value replaces the invitation).
func upsertBody(plan programInvitationModel) ibl.Upsert {
	// Unknown values are unset arguments of a new invitation: the server's.
	known := func(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }
	u := ibl.Upsert{ProgramKey: plan.ProgramKey.ValueString(), Active: plan.Active.ValueBoolPointer()}
	if known(plan.Source) {
		u.Source = plan.Source.ValueStringPointer()
	}
	if known(plan.RedirectTo) {
		u.RedirectTo = plan.RedirectTo.ValueStringPointer()
	}
	if known(plan.Expired) {
		u.Expired = plan.Expired.ValueStringPointer()
	}
	if !plan.Email.IsNull() && !plan.Email.IsUnknown() {
		u.Email = plan.Email.ValueStringPointer()
	}
	if !plan.Username.IsNull() && !plan.Username.IsUnknown() {
		u.Username = plan.Username.ValueStringPointer()
	}
	if !plan.Metadata.IsNull() && !plan.Metadata.IsUnknown() {
		u.Metadata = json.RawMessage(plan.Metadata.ValueString())
	}
	if known(plan.EnrollmentConfig) {
		u.EnrollmentConfig = json.RawMessage(plan.EnrollmentConfig.ValueString())
	}
	return u
}

// setProgramState fills the model from the server's invitation. Values the
// server spells differently (the email's case, the instant, the JSON) are
// plain assignments: the attribute types' semantic equality keeps the
// configuration's spelling.
func setProgramState(m *programInvitationModel, inv *ibl.Invitation) {
	m.ID = types.StringValue(strconv.FormatInt(inv.ID, 10))
	m.ProgramKey = types.StringValue(inv.ProgramKey)
	if m.Org.IsNull() || m.Org.IsUnknown() {
		m.Org = types.StringValue(inv.Org())
	}
	m.Email = fwtypes.CaseInsensitivePointer(inv.Email)
	m.Username = types.StringPointerValue(inv.Username)
	m.Active = types.BoolValue(inv.Active)
	m.Source = types.StringPointerValue(inv.Source)
	m.RedirectTo = types.StringPointerValue(inv.RedirectTo)
	m.Expired = fwtypes.InstantPointer(inv.Expired)
	m.Metadata = jsontypes.NewNormalizedValue(string(orEmptyObject(inv.Metadata)))
	m.UserID = types.Int64PointerValue(inv.UserID)
	m.Created = types.StringPointerValue(inv.Created)
	m.Started = types.StringPointerValue(inv.Started)
	if m.Status.IsNull() || m.Status.IsUnknown() {
		m.Status = types.StringValue(programStatus(inv, programInvitationModel{}))
	}
	if m.Reissue.IsNull() || m.Reissue.IsUnknown() {
		m.Reissue = types.BoolValue(false)
	}
	if m.KeptByServer.IsNull() || m.KeptByServer.IsUnknown() {
		m.KeptByServer = types.ListValueMust(types.StringType, []attr.Value{})
	}
	if m.EnrollmentConfig.IsUnknown() {
		m.EnrollmentConfig = jsontypes.NewNormalizedNull()
	}
}
