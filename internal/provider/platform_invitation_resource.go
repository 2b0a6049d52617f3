package provider

// invitations_platform_invitation, its data source and its list resource:
// what sets a platform (tenant) invitation apart. Their lifecycle is the
// ibl.ai core's (ibl_invitation_*.go).

import (
	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewPlatformInvitationResource returns the invitations_platform_invitation resource.
func NewPlatformInvitationResource() resource.Resource {
	return &iblInvitationResource{kind: platformKind}
}

// NewPlatformInvitationsDataSource returns the invitations_platform_invitations data source.
func NewPlatformInvitationsDataSource() datasource.DataSource {
	return &iblInvitationsDataSource{kind: platformKind}
}

// NewPlatformInvitationListResource returns the invitations_platform_invitation list resource.
func NewPlatformInvitationListResource() list.ListResource {
	return &iblInvitationListResource{kind: platformKind}
}

// platformInvitationModel is an invitations_platform_invitation.
type platformInvitationModel struct {
	iblInvitationModel
	platformUserModel
	PlatformKey types.String `tfsdk:"platform_key"`
}

func (m *platformInvitationModel) shared() *iblInvitationModel       { return &m.iblInvitationModel }
func (m *platformInvitationModel) key() *types.String                { return &m.PlatformKey }
func (m *platformInvitationModel) enrollment() *jsontypes.Normalized { return nil }
func (m *platformInvitationModel) user() *platformUserModel          { return &m.platformUserModel }
func (m *platformInvitationModel) accessDates() (start, expiration *fwtypes.Instant) {
	return nil, nil
}

// platformUserModel are the platform invitation's user fields, which the
// server takes but never returns.
type platformUserModel struct {
	CompanyName         types.String `tfsdk:"company_name"`
	FirstName           types.String `tfsdk:"first_name"`
	LastName            types.String `tfsdk:"last_name"`
	UserGroup           types.String `tfsdk:"user_group"`
	UserGroupOwnerEmail types.String `tfsdk:"user_group_owner_email"`
}

// addTo puts the user fields that are set into a POST body.
func (m *platformUserModel) addTo(u *ibl.Upsert) {
	u.CompanyName, u.FirstName, u.LastName = fwtypes.StringPointer(m.CompanyName), fwtypes.StringPointer(m.FirstName), fwtypes.StringPointer(m.LastName)
	u.UserGroup, u.UserGroupOwnerEmail = fwtypes.StringPointer(m.UserGroup), fwtypes.StringPointer(m.UserGroupOwnerEmail)
}

// changed lists the user fields that differ from state's.
func (m *platformUserModel) changed(state platformUserModel) []path.Path {
	var out []path.Path
	add := func(name string, plan, state types.String) {
		if !plan.Equal(state) {
			out = append(out, path.Root(name))
		}
	}
	add("company_name", m.CompanyName, state.CompanyName)
	add("first_name", m.FirstName, state.FirstName)
	add("last_name", m.LastName, state.LastName)
	add("user_group", m.UserGroup, state.UserGroup)
	add("user_group_owner_email", m.UserGroupOwnerEmail, state.UserGroupOwnerEmail)
	return out
}

// nullUnknown makes the unset user fields null after an apply.
func (m *platformUserModel) nullUnknown() {
	for _, v := range []*types.String{&m.CompanyName, &m.FirstName, &m.LastName, &m.UserGroup, &m.UserGroupOwnerEmail} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

// platformInvitationsModel is the invitations_platform_invitations data source.
type platformInvitationsModel struct {
	iblInvitationsModel
	PlatformKey types.String `tfsdk:"platform_key"`
}

func (m *platformInvitationsModel) listing() *iblInvitationsModel { return &m.iblInvitationsModel }
func (m *platformInvitationsModel) key() *types.String            { return &m.PlatformKey }

// platformFiltersModel is the invitations_platform_invitation list resource's configuration.
type platformFiltersModel struct {
	iblFiltersModel
	PlatformKey types.String `tfsdk:"platform_key"`
}

func (m *platformFiltersModel) filters() *iblFiltersModel { return &m.iblFiltersModel }
func (m *platformFiltersModel) key() *types.String        { return &m.PlatformKey }

// platformKind is the platform (tenant) invitation: key platform_key, the
// org itself; its own arguments the user fields.
var platformKind = &iblKind{
	kind: ibl.Platform, name: "platform", title: "Platform", key: "platform_key",
	newModel:   func() iblModel { return &platformInvitationModel{} },
	newListing: func() iblListing { return &platformInvitationsModel{} },
	newFilters: func() iblFilters { return &platformFiltersModel{} },
	description: "An invitation of a user, by email or username, to an ibl.ai platform (tenant). " +
		"**Creating one emails the invitee**: the server sends the invitation email when it creates the invitation.",
	keyAttribute:   iblKeyAttribute("Key of the platform, such as `acme`: the platform's org.", fwvalidators.PlatformKey()),
	extras:         platformUserAttributes(),
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it: the `platform_key`, which is the org.",
	defaultOrg:     func(_, key string, _ *diag.Diagnostics) (string, string) { return key, "" },
	itemOrg:        "Platform organization: the `platform_key`.",
	importHint:     func(string, string, string) string { return "" },
}

// platformUserAttributes are the schemas of the user fields.
func platformUserAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for name, description := range map[string]string{
		"company_name":           "Company of the invited user.",
		"first_name":             "First name of the invited user.",
		"last_name":              "Last name of the invited user.",
		"user_group":             "User group the invited user joins.",
		"user_group_owner_email": "Email address of the owner of `user_group`.",
	} {
		out[name] = schema.StringAttribute{
			MarkdownDescription: description + " Sent when the invitation is created or updated; **the server never returns it**, so the attribute is the " +
				"configuration's value, changes made outside Terraform are not detected, import leaves it unset, and removing it does not clear it on the server. " +
				"A server that does not know the field (4.90) stores it in `metadata`: the apply then fails and says so.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return out
}
