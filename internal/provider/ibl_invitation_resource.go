package provider

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var (
	_ resource.ResourceWithConfigure        = &iblInvitationResource{}
	_ resource.ResourceWithImportState      = &iblInvitationResource{}
	_ resource.ResourceWithModifyPlan       = &iblInvitationResource{}
	_ resource.ResourceWithConfigValidators = &iblInvitationResource{}
	_ resource.ResourceWithIdentity         = &iblInvitationResource{}
)

// iblKind is what sets one kind of ibl.ai invitation apart: its key
// attribute, its extra arguments, where its org comes from. Everything else
// (the lifecycle) is the core's, written once for all kinds.
type iblKind struct {
	kind ibl.Kind
	// name is the kind's name in messages ("program"); key its key attribute.
	name, key string
	// description opens the resource's description; keyAttribute is the key's schema.
	description  string
	keyAttribute schema.StringAttribute
	// orgDescription describes org; defaultOrg derives it in ModifyPlan
	// from the provider's ibl.org and the key (warnings in diags), or says
	// why it cannot (missing).
	orgDescription string
	// itemOrg describes a listed invitation's org.
	itemOrg    string
	defaultOrg func(providerOrg, key string, diags *diag.Diagnostics) (org, missing string)
	// enrollment: the kind has enrollment_config; userFields are its
	// arguments the server never returns (the platform's user fields).
	enrollment bool
	userFields []string
	extras     map[string]schema.Attribute
	// importHint is an error for an import ID whose org part is wrong, or "".
	importHint func(id, org, num string) string
}

// nullUserFields are the kind's user fields, null.
func (k *iblKind) nullUserFields() map[string]types.String {
	out := map[string]types.String{}
	for _, name := range k.userFields {
		out[name] = types.StringNull()
	}
	return out
}

// title is the kind's name with a capital: "Program".
func (k *iblKind) title() string { return strings.ToUpper(k.name[:1]) + k.name[1:] }

// typeName is the resource's type name: invitations_<kind>_invitation.
func (k *iblKind) typeName() string { return "invitations_" + k.name + "_invitation" }

// iblKeyAttribute is a kind's key attribute: required, checked by rule
// (which refuses an empty key too), and a new invitation when it changes.
func iblKeyAttribute(description string, rule validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description + " Changing it creates a new invitation.",
		Required:            true,
		Validators:          []validator.String{rule},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// enrollmentExtras is enrollment_config, the extra argument of programs
// and courses.
var enrollmentExtras = map[string]schema.Attribute{"enrollment_config": schema.StringAttribute{
	MarkdownDescription: "Enrollment configuration (dates and the like) as a JSON object, for servers that support it. The API accepts it but never returns it, so changes made outside Terraform are not detected and import leaves it unset. " +
		"A server older than the field stores it in `metadata`, as it does any body key it does not know: the apply then fails and says so. " + keptNote,
	Optional:   true,
	Computed:   true,
	CustomType: jsontypes.NormalizedType{},
	Validators: []validator.String{fwvalidators.JSONObject()},
}}

// noImportHint is the importHint of kinds whose org cannot be mistaken.
func noImportHint(string, string, string) string { return "" }

// keptNote ends the description of each argument the API cannot clear.
const keptNote = "The API cannot clear it once set: when unset, the attribute shows the server's value, and removing it from the configuration keeps " +
	"that value on the invitation (listed in `kept_by_server`) instead of clearing it. Set another value to change it."

// iblInvitationResource is a resource of one kind of ibl.ai invitation.
type iblInvitationResource struct {
	resourceScaffold[ibl.Client]
	kind *iblKind
}

// newResource is the kind's resource, for the provider's Resources.
func (k *iblKind) newResource() resource.Resource {
	return &iblInvitationResource{resourceScaffold[ibl.Client]{iblPlatform().named("_"+k.name+"_invitation", "")}, k}
}

// api is the client of the resource's kind.
func (r *iblInvitationResource) api() *ibl.Client { return r.client.For(r.kind.kind) }

func (r *iblInvitationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	k := r.kind
	attrs := iblInvitationAttributes(k)
	attrs[k.key] = k.keyAttribute
	attrs["timeouts"] = timeoutsAttribute(ctx)
	maps.Copy(attrs, k.extras)
	resp.Schema = schema.Schema{
		MarkdownDescription: k.description + " The " + k.name + ", org and user identify the invitation and force a new one when they change; every other " +
			"argument is updated in place through the API's create-or-update `POST`.",
		Attributes: attrs,
	}
}

// iblInvitationAttributes are the attributes every kind has.
func iblInvitationAttributes(k *iblKind) map[string]schema.Attribute {
	notEmpty := stringvalidator.LengthAtLeast(1)
	kept := "`source`, `redirect_to`, `expired` and `metadata` (when not `{}`)"
	if k.enrollment {
		kept = "`source`, `redirect_to`, `expired`, `metadata` (when not `{}`) and `enrollment_config`"
	}
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The invitation's numeric id, as a string.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"org": schema.StringAttribute{
			MarkdownDescription: k.orgDescription + " Changing it creates a new invitation.",
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
		"kept_by_server": schema.ListAttribute{
			MarkdownDescription: "The arguments among " + kept + " that the configuration does not set " +
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
				"a plan never re-activates it, and a create refuses to reuse an accepted invitation of the same " + k.name + " and user. `true`: the plan re-activates it " +
				"(`active = true`), re-opening the invitation for another registration, and a create reuses an accepted one. The server keeps one invitation per " +
				k.name + " and user, so re-creating an invitation is always re-opening the one the server has.",
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
		},
		"user_id": schema.Int64Attribute{
			MarkdownDescription: "Id of the platform user the invitation belongs to, when the server knows one (null when its answer has none).",
			Computed:            true,
			PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"created": schema.StringAttribute{
			MarkdownDescription: "When the invitation was created (RFC 3339); null when the server's answer has none.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"started": schema.StringAttribute{
			MarkdownDescription: "When the user started the " + k.name + " through the invitation (RFC 3339), if they have.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
}

func (r *iblInvitationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("email"), path.MatchRoot("username")),
		fwvalidators.PositiveTimeouts{},
	}
}

// providerOrg is the provider's ibl.org, possibly empty.
func (r *iblInvitationResource) providerOrg() string {
	if r.data == nil {
		return ""
	}
	return r.data.IBLOrg
}

// upsert is false for servers whose POST always inserts a new row: then a
// change cannot be made in place.
func (r *iblInvitationResource) upsert() bool { return r.data == nil || r.data.IBLUpsert }

// ModifyPlan settles org before apply, so that it is known in the plan
// and a change of it shows as a replacement, keeps the server's value of
// the arguments the API cannot clear, and plans acceptance.
func (r *iblInvitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	k := r.kind
	var plan, state iblInvitationModel
	resp.Diagnostics.Append(fwfix.GetAttributes(ctx, req.Plan.GetAttribute, k.planned(&plan))...)
	var configOrg types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("org"), &configOrg)...)
	if resp.Diagnostics.HasError() || plan.Key.IsUnknown() || configOrg.IsUnknown() {
		return
	}
	if configOrg.IsNull() {
		org, missing := k.defaultOrg(r.providerOrg(), plan.Key.ValueString(), &resp.Diagnostics)
		switch {
		case org != "":
		case r.client == nil:
			return // provider settings unknown yet
		default:
			resp.Diagnostics.AddAttributeError(path.Root("org"), "org cannot be derived", missing)
			return
		}
		if !types.StringValue(org).Equal(plan.Org) {
			plan.Org = types.StringValue(org)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("org"), org)...)
		}
	}
	if req.State.Raw.IsNull() {
		// A new invitation: enrollment_config is never returned, so an unset
		// one stays null; the others come from the server, which may hold
		// values of an earlier invitation of the same item and user.
		if k.enrollment {
			var cfg jsontypes.Normalized
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("enrollment_config"), &cfg)...)
			if cfg.IsNull() {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("enrollment_config"), cfg)...)
			}
		}
		if plan.Active.ValueBool() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), programPending)...)
		}
		return
	}
	resp.Diagnostics.Append(fwfix.GetAttributes(ctx, req.State.GetAttribute, k.planned(&state))...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !state.Org.IsNull() && !state.Org.Equal(plan.Org) {
		resp.RequiresReplace.Append(path.Root("org"))
	}
	unset, allKnown := k.unset(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The API cannot clear these (null is refused, and a POST without them
	// keeps them): an argument the configuration does not set keeps the
	// server's value, which the plan shows, and is listed in kept_by_server.
	// (A replacement would not help: the server keeps one invitation per
	// item and user, and the new one would be the same row.)
	stateValues := map[string]attr.Value{"source": state.Source, "redirect_to": state.RedirectTo, "expired": state.Expired,
		"metadata": state.Metadata, "enrollment_config": state.EnrollmentConfig}
	planValues := map[string]attr.Value{"source": plan.Source, "redirect_to": plan.RedirectTo, "expired": plan.Expired,
		"metadata": plan.Metadata, "enrollment_config": plan.EnrollmentConfig}
	for _, name := range k.unclearable() {
		if unset[name] && !planValues[name].Equal(stateValues[name]) {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(name), stateValues[name])...)
		}
	}
	if allKnown {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("kept_by_server"), k.keptByServer(unset, state))...)
	}
	r.planAcceptance(ctx, req, resp, plan, state)
	if r.client != nil && !r.upsert() && len(plan.changedArguments(state)) > 0 {
		// The server cannot update in place (ibl.upsert = false).
		resp.RequiresReplace.Append(path.Root("active"), path.Root("source"), path.Root("redirect_to"),
			path.Root("expired"), path.Root("metadata"))
		if k.enrollment {
			resp.RequiresReplace.Append(path.Root("enrollment_config"))
		}
	}
}

// planAcceptance keeps an accepted invitation inactive unless reissue asks
// for it to be re-opened, and plans status.
func (r *iblInvitationResource) planAcceptance(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, plan, state iblInvitationModel) {
	var configActive types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("active"), &configActive)...)
	if configActive.IsUnknown() || plan.Reissue.IsUnknown() {
		return
	}
	k := r.kind
	active := plan.Active.ValueBool()
	if state.Status.ValueString() == programAccepted && active {
		switch {
		case plan.Reissue.ValueBool():
			resp.Diagnostics.AddAttributeWarning(path.Root("reissue"), "An accepted "+k.name+" invitation will be re-opened",
				fmt.Sprintf("The invitee accepted %s invitation %s; because reissue is true, the apply re-activates it (active = true), so that it can be used again.", k.name, state.ID.ValueString()))
		case configActive.IsNull():
			// The default (true) does not re-open a consumed invitation.
			active = false
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active"), false)...)
		default:
			resp.Diagnostics.AddAttributeError(path.Root("active"), "The invitee accepted this "+k.name+" invitation",
				fmt.Sprintf("%s invitation %s was accepted: the server reports it inactive since the invitee registered (started %s). "+
					"active = true would re-open it for another registration. Set reissue = true to do that on purpose, or remove active (or set it to false) to keep it as it is.",
					k.title(), state.ID.ValueString(), state.Started.ValueString()))
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

// parseID is the numeric id in state.
func (r *iblInvitationResource) parseID(m iblInvitationModel, diags *diag.Diagnostics) (int64, bool) {
	id, err := strconv.ParseInt(m.ID.ValueString(), 10, 64)
	if err != nil {
		diags.AddError("Invalid id in state", fmt.Sprintf("%q is not a %s invitation id.", m.ID.ValueString(), r.kind.name))
	}
	return id, err == nil
}
