package provider

// The invitations_stage_invitation model and its mapping to and from
// authentik: toRequest, fromAPI, what changed (changedArguments) and
// whether a server object is the plan's (matchesPlan).

import (
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
)

type stageInvitationModel struct {
	ID        types.String            `tfsdk:"id"`
	Name      types.String            `tfsdk:"name"`
	Expires   fwtypes.Instant         `tfsdk:"expires"`
	FixedData jsontypes.Normalized    `tfsdk:"fixed_data"`
	SingleUse types.Bool              `tfsdk:"single_use"`
	Flow      fwtypes.CaseInsensitive `tfsdk:"flow"`
	FlowSlug  types.String            `tfsdk:"flow_slug"`
	CreatedBy types.String            `tfsdk:"created_by"`
	InviteURL types.String            `tfsdk:"invite_url"`
	Reissue   types.Bool              `tfsdk:"reissue"`
	Status    types.String            `tfsdk:"status"`
	Timeouts  timeouts.Value          `tfsdk:"timeouts"`
}

// changedArguments lists the API-backed arguments whose planned value
// differs from state.
func (plan stageInvitationModel) changedArguments(state stageInvitationModel) []path.Path {
	var out []path.Path
	if !plan.Name.Equal(state.Name) {
		out = append(out, path.Root("name"))
	}
	if !plan.Expires.SameAs(state.Expires) {
		out = append(out, path.Root("expires"))
	}
	if !fwtypes.SameJSON(plan.FixedData, state.FixedData) {
		out = append(out, path.Root("fixed_data"))
	}
	if !plan.SingleUse.Equal(state.SingleUse) {
		out = append(out, path.Root("single_use"))
	}
	if !plan.Flow.SameAs(state.Flow) {
		out = append(out, path.Root("flow"))
	}
	return out
}

// toRequest builds the request body. For an update (state given) it
// carries only the arguments that changed, as a PATCH should.
func (plan stageInvitationModel) toRequest(state *stageInvitationModel) authentik.InvitationRequest {
	var req authentik.InvitationRequest
	changed := map[string]bool{"name": true, "expires": true, "fixed_data": true, "single_use": true, "flow": true}
	if state != nil {
		changed = map[string]bool{}
		for _, p := range plan.changedArguments(*state) {
			changed[p.String()] = true
		}
	}
	if changed["name"] {
		req.Name = plan.Name.ValueStringPointer()
	}
	if changed["expires"] {
		if plan.Expires.IsNull() {
			req.NullExpires = state != nil
		} else {
			req.Expires = plan.Expires.ValueStringPointer()
		}
	}
	if changed["fixed_data"] && !plan.FixedData.IsNull() {
		req.FixedData = json.RawMessage(plan.FixedData.ValueString())
	}
	if changed["single_use"] {
		req.SingleUse = plan.SingleUse.ValueBoolPointer()
	}
	if changed["flow"] {
		if plan.Flow.IsNull() {
			req.NullFlow = state != nil
		} else {
			req.Flow = plan.Flow.ValueStringPointer()
		}
	}
	return req
}

// fromAPI fills the model's API-backed attributes from what authentik
// returned; links builds invite_url (none without links: a moved state's
// Read fills it). Values the server spells differently
// (the instant, the JSON, the UUID's case) are plain assignments: the
// attribute types' semantic equality keeps the configuration's spelling.
func (m *stageInvitationModel) fromAPI(inv *authentik.Invitation, links *authentik.Client) {
	m.ID = types.StringValue(inv.PK)
	m.Name = types.StringValue(inv.Name)
	m.Expires = fwtypes.InstantPointer(inv.Expires)
	m.FixedData = fwtypes.JSONObject(inv.FixedData)
	m.SingleUse = types.BoolValue(inv.SingleUse)
	m.Flow = fwtypes.CaseInsensitivePointer(inv.Flow)
	m.FlowSlug = types.StringNull()
	m.InviteURL = types.StringNull()
	if inv.FlowObj != nil && inv.FlowObj.Slug != "" {
		m.FlowSlug = types.StringValue(inv.FlowObj.Slug)
		if links != nil {
			m.InviteURL = types.StringValue(links.InviteURL(inv.FlowObj.Slug, inv.PK))
		}
	}
	m.CreatedBy = types.StringNull()
	if inv.CreatedBy != nil {
		m.CreatedBy = types.StringValue(inv.CreatedBy.Username)
	}
	m.Status = types.StringValue(statusActive)
	if m.Reissue.IsNull() || m.Reissue.IsUnknown() {
		m.Reissue = types.BoolValue(false)
	}
}

// matchesPlan tells whether a server object has every argument as planned
// (the finder's test).
func (plan stageInvitationModel) matchesPlan(inv authentik.Invitation) bool {
	if inv.Name != plan.Name.ValueString() || inv.SingleUse != plan.SingleUse.ValueBool() {
		return false
	}
	if !fwtypes.CaseInsensitivePointer(inv.Flow).SameAs(plan.Flow) || !fwtypes.InstantPointer(inv.Expires).SameAs(plan.Expires) {
		return false
	}
	return fwtypes.SameJSON(plan.FixedData, fwtypes.JSONObject(inv.FixedData))
}
