package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewProgramInvitationResource returns the invitations_program_invitation resource.
func NewProgramInvitationResource() resource.Resource { return programKind.newResource() }

// NewProgramInvitationsDataSource returns the invitations_program_invitations data source.
func NewProgramInvitationsDataSource() datasource.DataSource { return programKind.newDataSource() }

// NewProgramInvitationListResource returns the invitations_program_invitation list resource.
func NewProgramInvitationListResource() list.ListResource { return programKind.newListResource() }

// programKind is the program invitation: key program_key, "org+program",
// whose org is the part before "+"; extra argument enrollment_config.
var programKind = &iblKind{
	kind: ibl.Program, name: "program", key: "program_key",
	description: "An invitation of a user, by email or username, to a program in the ibl.ai data manager.",
	keyAttribute: iblKeyAttribute("Key of the program, such as `acme+data-science` (the org comes before `+`).",
		fwvalidators.ProgramKey()),
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org`, else the part of `program_key` before `+`.",
	itemOrg:        "Platform organization (the part of `program_key` before `+`).",
	defaultOrg:     programOrg,
	enrollment:     true,
	extras:         enrollmentExtras,
	importHint: func(id, org, num string) string {
		if prefix, _, isProgramKey := strings.Cut(org, "+"); isProgramKey && prefix != "" {
			return fmt.Sprintf("%q has a program key where the org belongs: the org is the part of the program key before \"+\". Import it as %s/%s.", id, prefix, num)
		}
		return ""
	},
}

// programOrg is the provider's ibl.org, else the program key's prefix.
func programOrg(providerOrg, key string, diags *diag.Diagnostics) (string, string) {
	prefix, _, hasPlus := strings.Cut(key, "+")
	switch {
	case providerOrg != "":
		if hasPlus && prefix != providerOrg {
			diags.AddAttributeWarning(path.Root("org"), "org differs from the program's",
				fmt.Sprintf("org defaults to the provider's ibl.org %q, but program_key %q names org %q. Set org on the resource if the invitation belongs to %q.",
					providerOrg, key, prefix, prefix))
		}
		return providerOrg, ""
	case hasPlus && prefix != "":
		return prefix, ""
	}
	return "", fmt.Sprintf("program_key %q has no \"org+\" prefix and the provider has no ibl.org (IBLAI_ORG): set org.", key)
}
