package provider

// The model of an ibl.ai invitation and its mapping to and from the API.
// The three kinds (program, course, platform) share one lifecycle: each
// kind's model embeds iblInvitationModel, the attributes they all have, and
// adds its key and its own arguments (program_invitation_resource.go and its
// two siblings). The lifecycle reads and writes a kind's model whole, with
// Get and Set, through iblModel.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// iblInvitationModel holds the attributes every kind of ibl.ai invitation has.
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
}

// iblModel is a kind's model: a pointer to a struct that embeds
// iblInvitationModel, which Get fills and Set writes whole.
type iblModel interface {
	shared() *iblInvitationModel
	// key is the kind's key attribute: program_key, course_id or platform_key.
	key() *types.String
	// enrollment is enrollment_config (programs and courses), else nil.
	enrollment() *jsontypes.Normalized
	// user are the platform invitation's user fields, else nil.
	user() *platformUserModel
	// accessDates are a program's or course's access start and expiration
	// dates (iblKind.accessDates names them), else nil.
	accessDates() (start, expiration *fwtypes.Instant)
}

// Invitation states reported in the status attribute, as the vendor's
// admin UI tells them apart.
const (
	iblPending  = "pending"
	iblAccepted = "accepted"
	iblInactive = "inactive"
)

// iblArguments are the arguments of every kind sent to ibl.ai, by their API
// names: a 400 on one of them is reported on it.
var iblArguments = []string{"email", "username", "active", "source", "redirect_to", "expired", "metadata",
	"enrollment_config", "program_access_start_date", "program_access_expiration_date", "course_access_start_date",
	"course_access_expiration_date", "company_name", "first_name", "last_name", "user_group", "user_group_owner_email"}

// iblRequest builds the POST body of a create or an update. It never
// carries a null: no field of the API's request schema is nullable. Unknown
// values are unset arguments of a new invitation: the server's.
func iblRequest(m iblModel) ibl.Upsert {
	s := m.shared()
	u := ibl.Upsert{Key: m.key().ValueString(), Active: s.Active.ValueBoolPointer(),
		Source: fwtypes.StringPointer(s.Source), RedirectTo: fwtypes.StringPointer(s.RedirectTo), Username: fwtypes.StringPointer(s.Username),
		Email: fwtypes.StringPointer(s.Email.StringValue), Expired: fwtypes.StringPointer(s.Expired.StringValue)}
	if fwtypes.Known(s.Metadata) {
		u.Metadata = json.RawMessage(s.Metadata.ValueString())
	}
	if e := m.enrollment(); e != nil && fwtypes.Known(*e) {
		u.EnrollmentConfig = json.RawMessage(e.ValueString())
	}
	if user := m.user(); user != nil {
		user.addTo(&u)
	}
	if start, expiration := m.accessDates(); start != nil {
		u.AccessStartDate, u.AccessExpirationDate = fwtypes.StringPointer(start.StringValue), fwtypes.StringPointer(expiration.StringValue)
	}
	return u
}

// iblFromAPI fills a model from the server's invitation. Values the server
// spells differently (the email's case, the instant, the JSON) are plain
// assignments: the attribute types' semantic equality keeps the
// configuration's spelling. status, reissue and kept_by_server keep a
// known value, and so do the arguments the server never returns
// (enrollment_config, the user fields), which are null when unset.
func iblFromAPI(m iblModel, inv *ibl.Invitation) diag.Diagnostics {
	var diags diag.Diagnostics
	s := m.shared()
	s.ID = types.StringValue(strconv.FormatInt(inv.ID, 10))
	*m.key() = types.StringValue(inv.Key())
	if !fwtypes.Known(s.Org) && inv.Org() != "" {
		s.Org = types.StringValue(inv.Org())
	}
	s.Email = fwtypes.CaseInsensitivePointer(inv.Email)
	s.Username = types.StringPointerValue(inv.Username)
	s.Active = types.BoolValue(inv.Active)
	s.Source = types.StringPointerValue(inv.Source)
	s.RedirectTo = types.StringPointerValue(inv.RedirectTo)
	s.Expired = fwtypes.InstantPointer(inv.Expired)
	s.Metadata = fwtypes.JSONObject(inv.Metadata)
	s.UserID = types.Int64PointerValue(inv.UserID)
	s.Created = types.StringPointerValue(inv.Created)
	s.Started = types.StringPointerValue(inv.Started)
	if !fwtypes.Known(s.Status) {
		s.Status = types.StringValue(iblStatus(inv, iblInvitationModel{}))
	}
	if !fwtypes.Known(s.Reissue) {
		s.Reissue = types.BoolValue(false)
	}
	if !fwtypes.Known(s.KeptByServer) {
		s.KeptByServer, diags = fwtypes.StringList(nil)
	}
	if e := m.enrollment(); e != nil && e.IsUnknown() {
		*e = jsontypes.NewNormalizedNull()
	}
	if user := m.user(); user != nil {
		user.nullUnknown()
	}
	if start, expiration := m.accessDates(); start != nil {
		for _, d := range []*fwtypes.Instant{start, expiration} {
			if d.IsUnknown() {
				*d = fwtypes.InstantPointer(nil)
			}
		}
	}
	return diags
}

// iblChanged lists the arguments sent to the API that differ between plan
// and state (timeouts and reissue are not sent).
func iblChanged(k *iblKind, plan, state iblModel) []path.Path {
	p, s := plan.shared(), state.shared()
	var out []path.Path
	for _, c := range []struct {
		name    string
		differs bool
	}{
		{"active", !p.Active.Equal(s.Active)},
		{"source", !p.Source.Equal(s.Source)},
		{"redirect_to", !p.RedirectTo.Equal(s.RedirectTo)},
		{"expired", !p.Expired.SameAs(s.Expired)},
		{"metadata", !fwtypes.SameJSON(p.Metadata, s.Metadata)},
	} {
		if c.differs {
			out = append(out, path.Root(c.name))
		}
	}
	if e := plan.enrollment(); e != nil && !fwtypes.SameJSON(*e, *state.enrollment()) {
		out = append(out, path.Root("enrollment_config"))
	}
	if user := plan.user(); user != nil {
		out = append(out, user.changed(*state.user())...)
	}
	if start, expiration := plan.accessDates(); start != nil {
		stateStart, stateExpiration := state.accessDates()
		if !start.SameAs(*stateStart) {
			out = append(out, path.Root(k.accessDates[0]))
		}
		if !expiration.SameAs(*stateExpiration) {
			out = append(out, path.Root(k.accessDates[1]))
		}
	}
	return out
}

// iblMatches tells whether a server invitation has every argument as
// planned (the finder's test). Unknown values are unset arguments: whatever
// the server holds matches.
func iblMatches(plan iblModel, inv ibl.Invitation) bool {
	p := plan.shared()
	switch {
	case inv.Key() != plan.key().ValueString(),
		fwtypes.Known(p.Email.StringValue) && !fwtypes.CaseInsensitivePointer(inv.Email).SameAs(p.Email),
		fwtypes.Known(p.Username) && deref(inv.Username) != p.Username.ValueString(),
		inv.Active != p.Active.ValueBool(),
		!p.Source.IsUnknown() && deref(inv.Source) != p.Source.ValueString(),
		!p.RedirectTo.IsUnknown() && deref(inv.RedirectTo) != p.RedirectTo.ValueString(),
		!p.Expired.IsUnknown() && !fwtypes.InstantPointer(inv.Expired).SameAs(p.Expired):
		return false
	}
	return !fwtypes.Known(p.Metadata) || fwtypes.SameJSON(p.Metadata, fwtypes.JSONObject(inv.Metadata))
}

// iblKeepUnset gives a plan state's value of each argument the API cannot
// clear (a null is refused, and a POST without it keeps it) that config
// leaves unset: removing one from the configuration keeps it on the server.
func iblKeepUnset(plan, config, state iblModel) {
	p, c, s := plan.shared(), config.shared(), state.shared()
	if c.Source.IsNull() {
		p.Source = s.Source
	}
	if c.RedirectTo.IsNull() {
		p.RedirectTo = s.RedirectTo
	}
	if c.Expired.IsNull() {
		p.Expired = s.Expired
	}
	if c.Metadata.IsNull() {
		p.Metadata = s.Metadata
	}
	if e := plan.enrollment(); e != nil && config.enrollment().IsNull() {
		*e = *state.enrollment()
	}
}

// unclearable is an argument the API cannot clear once set: the
// configuration's value, and whether the invitation holds one.
type unclearable struct {
	name       string
	configured attr.Value
	held       bool
}

// iblKept is kept_by_server: the unclearable arguments config leaves unset
// and m holds. It is unknown while config is.
func iblKept(m, config iblModel) (types.List, diag.Diagnostics) {
	s, c := m.shared(), config.shared()
	args := []unclearable{
		{"source", c.Source, !s.Source.IsNull()},
		{"redirect_to", c.RedirectTo, !s.RedirectTo.IsNull()},
		{"expired", c.Expired, !s.Expired.IsNull()},
		{"metadata", c.Metadata, fwtypes.Known(s.Metadata) && !fwtypes.SameJSON(s.Metadata, jsontypes.NewNormalizedValue("{}"))},
	}
	if e := m.enrollment(); e != nil {
		args = append(args, unclearable{"enrollment_config", *config.enrollment(), fwtypes.Known(*e)})
	}
	var kept []string
	for _, a := range args {
		if a.configured.IsUnknown() {
			return types.ListUnknown(types.StringType), nil
		}
		if a.configured.IsNull() && a.held {
			kept = append(kept, a.name)
		}
	}
	return fwtypes.StringList(kept)
}

// iblStatus is the status of the server's invitation, given the state
// before (the plan for a create): accepted once inactive with started set,
// or with a user_id it did not have before, and for as long as it stays
// inactive.
func iblStatus(inv *ibl.Invitation, prior iblInvitationModel) string {
	switch {
	case inv.Active:
		return iblPending
	case inv.Started != nil, prior.Status.ValueString() == iblAccepted,
		inv.UserID != nil && !prior.ID.IsNull() && prior.UserID.IsNull() && prior.Active.ValueBool():
		return iblAccepted
	}
	return iblInactive
}

// iblWasAccepted tells an invitation the invitee registered with: the
// server reports it inactive with started set. (An inactive one with only a
// user_id may be one a destroy retired, for a user the platform knew.)
func iblWasAccepted(inv ibl.Invitation) bool { return !inv.Active && inv.Started != nil }

// checkEcho fails an apply whose arguments the server stored in metadata
// instead of applying them: a server older than the field.
func checkEcho(diags *diag.Diagnostics, k *iblKind, sent ibl.Upsert, inv *ibl.Invitation) {
	for _, name := range sent.StoredAsMetadata(k.kind, inv) {
		diags.AddAttributeError(path.Root(name), "The ibl.ai server does not know the "+name+" field",
			fmt.Sprintf("The server stored %s in the metadata of %s invitation %d instead of applying it: servers older than a field store any body key "+
				"they do not know as metadata (\"Any additional parameters will be added as metadata\"). Remove %s from the configuration, or upgrade the server; "+
				"the invitation's metadata now holds a %q key, which setting metadata replaces.", name, k.name, inv.ID, name, name))
	}
}

// iblIdentityModel is the resource identity of every kind: the org and the
// id, what the API's DELETE takes.
type iblIdentityModel struct {
	Org types.String `tfsdk:"org"`
	ID  types.String `tfsdk:"id"`
}

// setIBLIdentity records the identity of the invitation in m; nothing
// where Terraform keeps no identities (before 1.12).
func setIBLIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, m *iblInvitationModel) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, iblIdentityModel{Org: m.Org, ID: m.ID})
}

// userLabel names the invitee: the email, else the username.
func userLabel(m *iblInvitationModel) string {
	if v := m.Email.ValueString(); v != "" {
		return v
	}
	return m.Username.ValueString()
}

// usernameFilter narrows by username only when there is no email to
// narrow by (the server keys invitations on email first).
func usernameFilter(m *iblInvitationModel) string {
	if fwtypes.Known(m.Email.StringValue) && m.Email.ValueString() != "" {
		return ""
	}
	return m.Username.ValueString()
}

// deref is a string the server may leave out, "" when it does.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
