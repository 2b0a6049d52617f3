package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewPlatformInvitationResource returns the invitations_platform_invitation resource.
func NewPlatformInvitationResource() resource.Resource { return newIBLInvitationResource(platformKind) }

// NewPlatformInvitationsDataSource returns the invitations_platform_invitations data source.
func NewPlatformInvitationsDataSource() datasource.DataSource {
	return newIBLInvitationsDataSource(platformKind)
}

// NewPlatformInvitationListResource returns the invitations_platform_invitation list resource.
func NewPlatformInvitationListResource() list.ListResource {
	return newIBLInvitationListResource(platformKind)
}

// platformUserFields are the platform invitation's user fields, which the
// server takes but never returns.
var platformUserFields = map[string]string{
	"company_name":           "Company of the invited user.",
	"first_name":             "First name of the invited user.",
	"last_name":              "Last name of the invited user.",
	"user_group":             "User group the invited user joins.",
	"user_group_owner_email": "Email address of the owner of `user_group`.",
}

// platformKind is the platform (tenant) invitation: key platform_key, the
// org itself; extra arguments the user fields.
var platformKind = &iblKind{
	kind: ibl.Platform, name: "platform", key: "platform_key",
	description: "An invitation of a user, by email or username, to an ibl.ai platform (tenant). " +
		"**Creating one emails the invitee**: the server sends the invitation email when it creates it.",
	keyAttribute: schema.StringAttribute{
		MarkdownDescription: "Key of the platform, such as `acme`: the platform's org. Changing it creates a new invitation.",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1), fwvalidators.PlatformKey()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	},
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it: the `platform_key`, which is the org.",
	itemOrg:        "Platform organization: the `platform_key`.",
	defaultOrg:     func(_, key string, _ *diag.Diagnostics) (string, string) { return key, "" },
	userFields:     []string{"company_name", "first_name", "last_name", "user_group", "user_group_owner_email"},
	extras:         platformExtras(),
	model:          func() iblKindModel { return &platformInvitationModel{} },
	importHint:     func(string, string, string) string { return "" },
}

func platformExtras() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for name, description := range platformUserFields {
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

// platformInvitationModel is the platform invitation's state.
type platformInvitationModel struct {
	iblInvitationModel
	PlatformKey         types.String `tfsdk:"platform_key"`
	CompanyName         types.String `tfsdk:"company_name"`
	FirstName           types.String `tfsdk:"first_name"`
	LastName            types.String `tfsdk:"last_name"`
	UserGroup           types.String `tfsdk:"user_group"`
	UserGroupOwnerEmail types.String `tfsdk:"user_group_owner_email"`
}

func (t *platformInvitationModel) load() iblInvitationModel {
	m := t.iblInvitationModel
	m.Key = t.PlatformKey
	m.User = map[string]types.String{"company_name": t.CompanyName, "first_name": t.FirstName, "last_name": t.LastName,
		"user_group": t.UserGroup, "user_group_owner_email": t.UserGroupOwnerEmail}
	return m
}

func (t *platformInvitationModel) store(m iblInvitationModel) {
	t.iblInvitationModel, t.PlatformKey = m, m.Key
	t.CompanyName, t.FirstName, t.LastName = m.User["company_name"], m.User["first_name"], m.User["last_name"]
	t.UserGroup, t.UserGroupOwnerEmail = m.User["user_group"], m.User["user_group_owner_email"]
}
