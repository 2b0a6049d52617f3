package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// iblInvitationModel is an ibl.ai invitation of any kind: the attributes
// the three kinds share, and (untagged) the kind's key and extra arguments.
type iblInvitationModel struct {
	ID           types.String            `tfsdk:"id"`
	Org          types.String            `tfsdk:"org"`
	Email        fwtypes.CaseInsensitive `tfsdk:"email"`
	Username     types.String            `tfsdk:"username"`
	Active       types.Bool              `tfsdk:"active"`
	Source       types.String            `tfsdk:"source"`
	RedirectTo   types.String            `tfsdk:"redirect_to"`
	Expired      fwtypes.Instant         `tfsdk:"expired"`
	Metadata     jsontypes.Normalized    `tfsdk:"metadata"`
	UserID       types.Int64             `tfsdk:"user_id"`
	Created      types.String            `tfsdk:"created"`
	Started      types.String            `tfsdk:"started"`
	Status       types.String            `tfsdk:"status"`
	Reissue      types.Bool              `tfsdk:"reissue"`
	KeptByServer types.List              `tfsdk:"kept_by_server"`
	Timeouts     timeouts.Value          `tfsdk:"timeouts"`

	// Key is the kind's key attribute (program_key, course_id, platform_key);
	// it and the kind's extra arguments are read and written by name (get,
	// object), as each kind names its key differently.
	Key types.String `tfsdk:"-"`
	// EnrollmentConfig is enrollment_config (programs and courses).
	EnrollmentConfig jsontypes.Normalized `tfsdk:"-"`
	// User holds the platform invitation's user fields, by API name.
	User map[string]types.String `tfsdk:"-"`
}

// Invitation states reported in the status attribute, as the vendor's
// admin UI tells them apart.
const (
	programPending  = "pending"
	programAccepted = "accepted"
	programInactive = "inactive"
)

// known is true for a value that is neither null nor unknown.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// own tells the kind's own attributes: its key and extra arguments, which
// the model holds untagged.
func (k *iblKind) own(name string) bool {
	return name == k.key || (k.enrollment && name == "enrollment_config") || slices.Contains(k.userFields, name)
}

// get reads a plan, state or config: the shared attributes into the model
// by their tags, the kind's own attributes by name.
func (k *iblKind) get(ctx context.Context, get func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics) iblInvitationModel {
	var obj types.Object
	m := iblInvitationModel{User: map[string]types.String{}}
	if diags.Append(get(ctx, &obj)...); diags.HasError() || obj.IsNull() {
		return m
	}
	all, allTypes := obj.Attributes(), obj.AttributeTypes(ctx)
	shared, sharedTypes := map[string]attr.Value{}, map[string]attr.Type{}
	for name, v := range all {
		if !k.own(name) {
			shared[name], sharedTypes[name] = v, allTypes[name]
		}
	}
	diags.Append(types.ObjectValueMust(sharedTypes, shared).As(ctx, &m, basetypes.ObjectAsOptions{})...)
	m.Key, _ = all[k.key].(types.String)
	m.EnrollmentConfig, _ = all["enrollment_config"].(jsontypes.Normalized)
	m.User = map[string]types.String{}
	for _, name := range k.userFields {
		m.User[name], _ = all[name].(types.String)
	}
	return m
}

// object is m as the object of the kind's schema (typ), for Set.
func (k *iblKind) object(ctx context.Context, typ attr.Type, m iblInvitationModel, diags *diag.Diagnostics) types.Object {
	withTypes, ok := typ.(attr.TypeWithAttributeTypes)
	if !ok {
		diags.AddError("Unexpected schema type", fmt.Sprintf("The %s invitation's schema is a %T, not an object. Please report this issue to the provider developers.", k.name, typ))
		return types.ObjectNull(nil)
	}
	allTypes := withTypes.AttributeTypes()
	sharedTypes := map[string]attr.Type{}
	for name, t := range allTypes {
		if !k.own(name) {
			sharedTypes[name] = t
		}
	}
	shared, d := types.ObjectValueFrom(ctx, sharedTypes, m)
	if diags.Append(d...); diags.HasError() {
		return types.ObjectNull(allTypes)
	}
	all := shared.Attributes()
	all[k.key] = m.Key
	if k.enrollment {
		all["enrollment_config"] = m.EnrollmentConfig
	}
	for _, name := range k.userFields {
		all[name] = m.User[name]
	}
	obj, d := types.ObjectValue(allTypes, all)
	diags.Append(d...)
	return obj
}

// set writes m to a state or a list result's resource.
func (k *iblKind) set(ctx context.Context, target interface {
	Set(context.Context, any) diag.Diagnostics
}, typ attr.Type, m iblInvitationModel, diags *diag.Diagnostics) {
	obj := k.object(ctx, typ, m, diags)
	if !diags.HasError() {
		diags.Append(target.Set(ctx, obj)...)
	}
}

// planned are the attributes ModifyPlan reads (fwfix.GetAttributes).
func (k *iblKind) planned(m *iblInvitationModel) map[string]any {
	out := map[string]any{k.key: &m.Key, "org": &m.Org, "active": &m.Active, "source": &m.Source,
		"redirect_to": &m.RedirectTo, "expired": &m.Expired, "metadata": &m.Metadata,
		"status": &m.Status, "reissue": &m.Reissue, "user_id": &m.UserID}
	if k.enrollment {
		out["enrollment_config"] = &m.EnrollmentConfig
	}
	return out
}

// arguments are the arguments sent to ibl.ai, by their API names.
func (k *iblKind) arguments() []string {
	out := append([]string{k.key}, "email", "username", "active", "source", "redirect_to", "expired", "metadata")
	if k.enrollment {
		out = append(out, "enrollment_config")
	}
	return append(out, k.userFields...)
}

// unclearable are the arguments the API cannot clear once set (a null is
// refused, and a POST without them keeps them), by API name.
func (k *iblKind) unclearable() []string {
	if k.enrollment {
		return programUnclearable
	}
	return programUnclearable[:len(programUnclearable)-1]
}

// programUnclearable are the unclearable arguments of a program invitation.
var programUnclearable = []string{"source", "redirect_to", "expired", "metadata", "enrollment_config"}

// toRequest builds the POST body of a create (state nil) or an update. It
// never carries a null: no field of the API's request schema is nullable.
// Unknown values are unset arguments of a new invitation: the server's.
func (m iblInvitationModel) toRequest(_ *iblInvitationModel) ibl.Upsert {
	u := ibl.Upsert{Key: m.Key.ValueString(), Active: m.Active.ValueBoolPointer()}
	ptr := func(v types.String) *string {
		if known(v) {
			return v.ValueStringPointer()
		}
		return nil
	}
	u.Source, u.RedirectTo, u.Username = ptr(m.Source), ptr(m.RedirectTo), ptr(m.Username)
	u.Email, u.Expired = ptr(m.Email.StringValue), ptr(m.Expired.StringValue)
	if known(m.Metadata) {
		u.Metadata = json.RawMessage(m.Metadata.ValueString())
	}
	if known(m.EnrollmentConfig) {
		u.EnrollmentConfig = json.RawMessage(m.EnrollmentConfig.ValueString())
	}
	u.CompanyName, u.FirstName, u.LastName = ptr(m.User["company_name"]), ptr(m.User["first_name"]), ptr(m.User["last_name"])
	u.UserGroup, u.UserGroupOwnerEmail = ptr(m.User["user_group"]), ptr(m.User["user_group_owner_email"])
	return u
}

// fromAPI fills the model from the server's invitation. Values the server
// spells differently (the email's case, the instant, the JSON) are plain
// assignments: the attribute types' semantic equality keeps the
// configuration's spelling. The arguments the server never returns
// (enrollment_config, the platform user fields) keep the model's values.
func (m *iblInvitationModel) fromAPI(inv *ibl.Invitation) {
	m.ID = types.StringValue(strconv.FormatInt(inv.ID, 10))
	m.Key = types.StringValue(inv.Key())
	if !known(m.Org) && inv.Org() != "" {
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
	if !known(m.Status) {
		m.Status = types.StringValue(iblStatus(inv, iblInvitationModel{}))
	}
	if !known(m.Reissue) {
		m.Reissue = types.BoolValue(false)
	}
	if !known(m.KeptByServer) {
		m.KeptByServer = types.ListValueMust(types.StringType, []attr.Value{})
	}
	if m.EnrollmentConfig.IsUnknown() {
		m.EnrollmentConfig = jsontypes.NewNormalizedNull()
	}
	for name, v := range m.User {
		if v.IsUnknown() {
			m.User[name] = types.StringNull()
		}
	}
}

// changedArguments are the API-backed arguments that differ between plan
// and state (timeouts and reissue are not sent).
func (plan iblInvitationModel) changedArguments(state iblInvitationModel) []path.Path {
	var out []path.Path
	add := func(name string, differs bool) {
		if differs {
			out = append(out, path.Root(name))
		}
	}
	metaEq, _ := plan.Metadata.StringSemanticEquals(context.Background(), state.Metadata)
	cfgEq := plan.EnrollmentConfig.Equal(state.EnrollmentConfig)
	if !cfgEq && !plan.EnrollmentConfig.IsNull() && !state.EnrollmentConfig.IsNull() {
		cfgEq, _ = plan.EnrollmentConfig.StringSemanticEquals(context.Background(), state.EnrollmentConfig)
	}
	add("active", !plan.Active.Equal(state.Active))
	add("source", !plan.Source.Equal(state.Source))
	add("redirect_to", !plan.RedirectTo.Equal(state.RedirectTo))
	add("expired", !plan.Expired.SameAs(state.Expired))
	add("metadata", !metaEq && !plan.Metadata.Equal(state.Metadata))
	add("enrollment_config", !cfgEq)
	for name, v := range plan.User {
		add(name, !v.Equal(state.User[name]))
	}
	return out
}

// matchesPlan tells whether a server invitation has every argument as
// planned (the finder). Unknown values are unset arguments: whatever the
// server holds matches.
func (plan iblInvitationModel) matchesPlan(inv ibl.Invitation) bool {
	switch {
	case inv.Key() != plan.Key.ValueString(),
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

// iblWasAccepted tells an invitation the invitee registered with: the
// server reports it inactive with started set. (An inactive one with only a
// user_id may be one a destroy retired, for a user the platform knew.)
func iblWasAccepted(inv ibl.Invitation) bool { return !inv.Active && inv.Started != nil }

// iblStatus is the status of the server's invitation, given the state
// before (the plan for a create): accepted once inactive with started set,
// or with a user_id it did not have before, and for as long as it stays
// inactive.
func iblStatus(inv *ibl.Invitation, prior iblInvitationModel) string {
	switch {
	case inv.Active:
		return programPending
	case inv.Started != nil, prior.Status.ValueString() == programAccepted,
		inv.UserID != nil && !prior.Key.IsNull() && prior.UserID.IsNull() && prior.Active.ValueBool():
		return programAccepted
	}
	return programInactive
}

// unset tells which of the arguments the API cannot clear the
// configuration leaves unset; known is false while any is unknown.
func (k *iblKind) unset(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) (unset map[string]bool, allKnown bool) {
	var m iblInvitationModel
	targets := k.planned(&m)
	diags.Append(fwfix.GetAttributes(ctx, config.GetAttribute, targets)...)
	values := map[string]attr.Value{"source": m.Source, "redirect_to": m.RedirectTo, "expired": m.Expired, "metadata": m.Metadata, "enrollment_config": m.EnrollmentConfig}
	unset, allKnown = map[string]bool{}, true
	for _, name := range k.unclearable() {
		unset[name], allKnown = values[name].IsNull(), allKnown && !values[name].IsUnknown()
	}
	return unset, allKnown
}

// keptByServer lists the unset arguments whose value the invitation holds.
func (k *iblKind) keptByServer(unset map[string]bool, m iblInvitationModel) types.List {
	held := map[string]bool{
		"source": !m.Source.IsNull(), "redirect_to": !m.RedirectTo.IsNull(), "expired": !m.Expired.IsNull(),
		"enrollment_config": !m.EnrollmentConfig.IsNull(),
	}
	if known(m.Metadata) {
		empty, _ := m.Metadata.StringSemanticEquals(context.Background(), jsontypes.NewNormalizedValue("{}"))
		held["metadata"] = !empty
	}
	out := []attr.Value{}
	for _, name := range k.unclearable() {
		if unset[name] && held[name] {
			out = append(out, types.StringValue(name))
		}
	}
	return types.ListValueMust(types.StringType, out)
}

// checkEcho fails an apply whose arguments the server stored in metadata:
// a server older than a field stores it there, as it does any body key it
// does not know ("Any additional parameters will be added as metadata").
func (k *iblKind) checkEcho(diags *diag.Diagnostics, sent ibl.Upsert, plan iblInvitationModel, inv *ibl.Invitation) {
	var stored map[string]json.RawMessage
	if json.Unmarshal(inv.Metadata, &stored) != nil || len(stored) == 0 {
		return
	}
	var planned map[string]json.RawMessage
	if known(plan.Metadata) {
		_ = json.Unmarshal([]byte(plan.Metadata.ValueString()), &planned)
	}
	sentFields := map[string]bool{"email": sent.Email != nil, "username": sent.Username != nil, "active": sent.Active != nil,
		"source": sent.Source != nil, "redirect_to": sent.RedirectTo != nil, "expired": sent.Expired != nil, "enrollment_config": sent.EnrollmentConfig != nil,
		"company_name": sent.CompanyName != nil, "first_name": sent.FirstName != nil, "last_name": sent.LastName != nil,
		"user_group": sent.UserGroup != nil, "user_group_owner_email": sent.UserGroupOwnerEmail != nil}
	for _, name := range k.arguments() {
		_, inMetadata := stored[name]
		_, configured := planned[name]
		if sentFields[name] && inMetadata && !configured {
			diags.AddAttributeError(path.Root(name), "The ibl.ai server does not know the "+name+" field",
				fmt.Sprintf("The server stored %s in the metadata of %s invitation %d instead of applying it: servers older than a field store any body key "+
					"they do not know as metadata (\"Any additional parameters will be added as metadata\"). Remove %s from the configuration, or upgrade the server; "+
					"the invitation's metadata now holds a %q key, which setting metadata replaces.", name, k.name, inv.ID, name, name))
		}
	}
}

func userLabel(m iblInvitationModel) string {
	if v := m.Email.ValueString(); v != "" {
		return v
	}
	return m.Username.ValueString()
}

// usernameFilter narrows by username only when there is no email to
// narrow by (the server keys invitations on email first).
func usernameFilter(m iblInvitationModel) string {
	if known(m.Email.StringValue) && m.Email.ValueString() != "" {
		return ""
	}
	return m.Username.ValueString()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
