package provider

// The resource of the three kinds of ibl.ai invitation (program, course,
// platform): its schema, plan and lifecycle. What sets a kind apart is its
// iblKind, in the kind's own file.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	_ resource.ResourceWithMoveState        = &iblInvitationResource{}
)

// iblKind is what sets one kind of ibl.ai invitation apart: its name, its
// key attribute and own arguments, its model, where its org comes from.
// Everything else (the lifecycle) is written once for all kinds.
type iblKind struct {
	kind ibl.Kind
	// name is the kind's name in messages ("program"), title with a capital
	// ("Program"); key is its key attribute ("program_key").
	name, title, key string
	// newModel, newListing and newFilters are empty models of the kind's
	// resource, data source and list resource, for Get.
	newModel   func() iblModel
	newListing func() iblListing
	newFilters func() iblFilters
	// description opens the resource's description; keyAttribute is the key's schema.
	description  string
	keyAttribute schema.StringAttribute
	// extras are the schemas of the kind's own arguments; accessDates names
	// its access start and expiration dates among them (programs, courses).
	extras      map[string]schema.Attribute
	accessDates [2]string
	// orgDescription describes org; defaultOrg derives it in ModifyPlan
	// from the provider's ibl.org and the key (warnings in diags), or says
	// why it cannot (missing).
	orgDescription string
	defaultOrg     func(providerOrg, key string, diags *diag.Diagnostics) (org, missing string)
	// itemOrg describes a listed invitation's org.
	itemOrg string
	// importHint is an error for an import ID whose org part is wrong, or "".
	importHint func(id, org, num string) string
}

// typeName is the resource's type name: invitations_<kind>_invitation.
func (k *iblKind) typeName() string { return "invitations_" + k.name + "_invitation" }

// extraNames are the names of the kind's own arguments, sorted.
func (k *iblKind) extraNames() []string { return slices.Sorted(maps.Keys(k.extras)) }

// iblInvitationResource is the resource of one kind of ibl.ai invitation.
type iblInvitationResource struct {
	kind   *iblKind
	client *ibl.Client
	data   *providerData
}

func (r *iblInvitationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.kind.name + "_invitation"
}

func (r *iblInvitationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data, r.client = data, data.iblClient(r.kind.kind, r.kind.typeName(), &resp.Diagnostics)
	}
}

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

func (r *iblInvitationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("email"), path.MatchRoot("username")),
		fwvalidators.PositiveTimeouts{},
	}
}

// ModifyPlan settles org before apply, so that it is known in the plan and
// a change of it shows as a replacement; keeps the server's value of the
// arguments the API cannot clear; and plans acceptance.
func (r *iblInvitationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	k := r.kind
	plan, config := k.newModel(), k.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, config)...)
	p, c := plan.shared(), config.shared()
	if resp.Diagnostics.HasError() || plan.key().IsUnknown() || c.Org.IsUnknown() {
		return
	}
	if c.Org.IsNull() {
		org, missing := k.defaultOrg(r.providerOrg(), plan.key().ValueString(), &resp.Diagnostics)
		switch {
		case org != "":
			p.Org = types.StringValue(org)
		case r.client == nil:
			return // the provider's settings are not known yet
		default:
			resp.Diagnostics.AddAttributeError(path.Root("org"), "org cannot be derived", missing)
			return
		}
	}
	if req.State.Raw.IsNull() {
		// A new invitation. enrollment_config is never returned, so an unset
		// one stays null; the other arguments left unset come from the
		// server, which may hold values of an earlier invitation of the same
		// item and user.
		if e := plan.enrollment(); e != nil && config.enrollment().IsNull() {
			*e = jsontypes.NewNormalizedNull()
		}
		if p.Active.ValueBool() {
			p.Status = types.StringValue(iblPending)
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	state := k.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	s := state.shared()
	if resp.Diagnostics.HasError() {
		return
	}
	if !s.Org.IsNull() && !s.Org.Equal(p.Org) {
		resp.RequiresReplace.Append(path.Root("org"))
	}
	// A replacement would not clear the arguments the API keeps either: the
	// server keeps one invitation per item and user, and the new one would
	// be the same row. The plan shows what stays.
	iblKeepUnset(plan, config, state)
	var kept diag.Diagnostics
	p.KeptByServer, kept = iblKept(plan, config)
	resp.Diagnostics.Append(kept...)
	if !planAcceptance(&resp.Diagnostics, k, c, p, s) {
		return
	}
	if r.client != nil && !r.data.iblUpsert && len(iblChanged(k, plan, state)) > 0 {
		// The server cannot update in place (ibl.upsert = false).
		for _, name := range append([]string{"active", "source", "redirect_to", "expired", "metadata"}, k.extraNames()...) {
			resp.RequiresReplace.Append(path.Root(name))
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// planAcceptance keeps an accepted invitation inactive unless reissue asks
// for it to be re-opened, and plans status. It is false after an error.
func planAcceptance(diags *diag.Diagnostics, k *iblKind, config, plan, state *iblInvitationModel) bool {
	if config.Active.IsUnknown() || plan.Reissue.IsUnknown() {
		return true
	}
	if state.Status.ValueString() == iblAccepted && plan.Active.ValueBool() {
		switch {
		case plan.Reissue.ValueBool():
			diags.AddAttributeWarning(path.Root("reissue"), "An accepted "+k.name+" invitation will be re-opened",
				fmt.Sprintf("The invitee accepted %s invitation %s; because reissue is true, the apply re-activates it (active = true), so that it can be used again.", k.name, state.ID.ValueString()))
		case config.Active.IsNull():
			// The default (true) does not re-open a consumed invitation.
			plan.Active = types.BoolValue(false)
		default:
			diags.AddAttributeError(path.Root("active"), "The invitee accepted this "+k.name+" invitation",
				fmt.Sprintf("%s invitation %s was accepted: the server reports it inactive since the invitee registered (started %s). "+
					"active = true would re-open it for another registration. Set reissue = true to do that on purpose, or remove active (or set it to false) to keep it as it is.",
					k.title, state.ID.ValueString(), state.Started.ValueString()))
			return false
		}
	}
	switch {
	case plan.Active.ValueBool():
		plan.Status = types.StringValue(iblPending)
	case state.Status.ValueString() == iblAccepted:
		plan.Status = types.StringValue(iblAccepted)
	default:
		plan.Status = types.StringValue(iblInactive)
	}
	return true
}

// providerOrg is the provider's ibl.org, possibly empty.
func (r *iblInvitationResource) providerOrg() string {
	if r.data == nil {
		return ""
	}
	return r.data.iblOrg
}

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

// enrollmentExtras are the own arguments of programs and courses:
// enrollment_config and the access start and expiration dates, which the
// kind's key names (program_access_start_date, course_access_...).
func enrollmentExtras(kind string) map[string]schema.Attribute {
	date := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: "When the invitee's access to the " + kind + " " + what + ", as an RFC 3339 timestamp, for servers that support it (SDK 4.202); " +
				"the server keeps it as `enrollment_config`'s `" + map[string]string{"starts": "started", "expires": "expired"}[what] + "`. " +
				"Sent when the invitation is created or updated; **the server never returns it**, so the attribute is the configuration's value, " +
				"changes made outside Terraform are not detected, import leaves it unset, and removing it does not clear it on the server. " +
				"A server older than the field stores it in `metadata`: the apply then fails and says so.",
			Optional:   true,
			CustomType: fwtypes.InstantType{},
		}
	}
	return map[string]schema.Attribute{
		"enrollment_config": schema.StringAttribute{
			MarkdownDescription: "Enrollment configuration (dates and the like) as a JSON object, for servers that support it. The API accepts it but never returns it, so changes made outside Terraform are not detected and import leaves it unset. " +
				"A server older than the field stores it in `metadata`, as it does any body key it does not know: the apply then fails and says so. " + keptNote,
			Optional:   true,
			Computed:   true,
			CustomType: jsontypes.NormalizedType{},
			Validators: []validator.String{fwvalidators.JSONObject()},
		},
		kind + "_access_start_date":      date("starts"),
		kind + "_access_expiration_date": date("expires"),
	}
}

// keptNote ends the description of each argument the API cannot clear.
const keptNote = "The API cannot clear it once set: when unset, the attribute shows the server's value, and removing it from the configuration keeps " +
	"that value on the invitation (listed in `kept_by_server`) instead of clearing it. Set another value to change it."

// iblInvitationAttributes are the attributes every kind has.
func iblInvitationAttributes(k *iblKind) map[string]schema.Attribute {
	notEmpty := stringvalidator.LengthAtLeast(1)
	kept := "`source`, `redirect_to`, `expired` and `metadata` (when not `{}`)"
	if _, ok := k.extras["enrollment_config"]; ok {
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
