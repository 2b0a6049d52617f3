package provider

// invitations_program_invitation, its data source and its list resource:
// what sets a program invitation apart. Their lifecycle is the ibl.ai
// core's (ibl_invitation_*.go).

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewProgramInvitationResource returns the invitations_program_invitation resource.
func NewProgramInvitationResource() resource.Resource {
	return &iblInvitationResource{kind: programKind}
}

// NewProgramInvitationsDataSource returns the invitations_program_invitations data source.
func NewProgramInvitationsDataSource() datasource.DataSource {
	return &iblInvitationsDataSource{kind: programKind}
}

// NewProgramInvitationListResource returns the invitations_program_invitation list resource.
func NewProgramInvitationListResource() list.ListResource {
	return &iblInvitationListResource{kind: programKind}
}

// programInvitationModel is an invitations_program_invitation.
type programInvitationModel struct {
	iblInvitationModel
	ProgramKey                  types.String         `tfsdk:"program_key"`
	EnrollmentConfig            jsontypes.Normalized `tfsdk:"enrollment_config"`
	ProgramAccessStartDate      fwtypes.Instant      `tfsdk:"program_access_start_date"`
	ProgramAccessExpirationDate fwtypes.Instant      `tfsdk:"program_access_expiration_date"`
}

func (m *programInvitationModel) shared() *iblInvitationModel       { return &m.iblInvitationModel }
func (m *programInvitationModel) key() *types.String                { return &m.ProgramKey }
func (m *programInvitationModel) enrollment() *jsontypes.Normalized { return &m.EnrollmentConfig }
func (m *programInvitationModel) user() *platformUserModel          { return nil }
func (m *programInvitationModel) accessDates() (start, expiration *fwtypes.Instant) {
	return &m.ProgramAccessStartDate, &m.ProgramAccessExpirationDate
}

// programInvitationsModel is the invitations_program_invitations data source.
type programInvitationsModel struct {
	iblInvitationsModel
	ProgramKey types.String `tfsdk:"program_key"`
}

func (m *programInvitationsModel) listing() *iblInvitationsModel { return &m.iblInvitationsModel }
func (m *programInvitationsModel) key() *types.String            { return &m.ProgramKey }

// programFiltersModel is the invitations_program_invitation list resource's configuration.
type programFiltersModel struct {
	iblFiltersModel
	ProgramKey types.String `tfsdk:"program_key"`
}

func (m *programFiltersModel) filters() *iblFiltersModel { return &m.iblFiltersModel }
func (m *programFiltersModel) key() *types.String        { return &m.ProgramKey }

// programKind is the program invitation: key program_key, "org+program",
// whose org is the part before "+"; its own argument enrollment_config.
var programKind = &iblKind{
	kind: ibl.Program, name: "program", title: "Program", key: "program_key",
	newModel:    func() iblModel { return &programInvitationModel{} },
	newListing:  func() iblListing { return &programInvitationsModel{} },
	newFilters:  func() iblFilters { return &programFiltersModel{} },
	description: "An invitation of a user, by email or username, to a program in the ibl.ai data manager.",
	keyAttribute: iblKeyAttribute("Key of the program, such as `acme+data-science` (the org comes before `+`).",
		fwvalidators.ProgramKey()),
	extras:         enrollmentExtras("program"),
	accessDates:    [2]string{"program_access_start_date", "program_access_expiration_date"},
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org`, else the part of `program_key` before `+`.",
	defaultOrg:     programOrg,
	itemOrg:        "Platform organization (the part of `program_key` before `+`).",
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
