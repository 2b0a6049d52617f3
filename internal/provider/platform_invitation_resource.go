package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// platformUserFields are the platform invitation's user fields, which the
// server takes but never returns, in the API's order.
var platformUserFields = []struct{ name, description string }{
	{"company_name", "Company of the invited user."},
	{"first_name", "First name of the invited user."},
	{"last_name", "Last name of the invited user."},
	{"user_group", "User group the invited user joins."},
	{"user_group_owner_email", "Email address of the owner of `user_group`."},
}

// platformKind is the platform (tenant) invitation (invitations_platform_invitation,
// its data source and list resource): key platform_key, the org itself;
// extra arguments the user fields.
var platformKind = &iblKind{
	kind: ibl.Platform, name: "platform", key: "platform_key",
	description: "An invitation of a user, by email or username, to an ibl.ai platform (tenant). " +
		"**Creating one emails the invitee**: the server sends the invitation email when it creates the invitation.",
	keyAttribute:   iblKeyAttribute("Key of the platform, such as `acme`: the platform's org.", fwvalidators.PlatformKey()),
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it: the `platform_key`, which is the org.",
	itemOrg:        "Platform organization: the `platform_key`.",
	defaultOrg:     func(_, key string, _ *diag.Diagnostics) (string, string) { return key, "" },
	userFields:     []string{"company_name", "first_name", "last_name", "user_group", "user_group_owner_email"},
	extras:         platformExtras(),
	importHint:     noImportHint,
}

func platformExtras() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, f := range platformUserFields {
		out[f.name] = schema.StringAttribute{
			MarkdownDescription: f.description + " Sent when the invitation is created or updated; **the server never returns it**, so the attribute is the " +
				"configuration's value, changes made outside Terraform are not detected, import leaves it unset, and removing it does not clear it on the server. " +
				"A server that does not know the field (4.90) stores it in `metadata`: the apply then fails and says so.",
			Optional:   true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	return out
}
