package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewProgramInvitationResource returns the invitations_program_invitation resource.
func NewProgramInvitationResource() resource.Resource { return newIBLInvitationResource(programKind) }

// programKind is the program invitation: key program_key, "org+program",
// whose org is the part before "+"; extra argument enrollment_config.
var programKind = &iblKind{
	kind: ibl.Program, name: "program", key: "program_key",
	description: "An invitation of a user, by email or username, to a program in the ibl.ai data manager.",
	keyAttribute: schema.StringAttribute{
		MarkdownDescription: "Key of the program, such as `acme+data-science` (the org comes before `+`). Changing it creates a new invitation.",
		Required:            true,
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1), fwvalidators.ProgramKey()},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	},
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org`, else the part of `program_key` before `+`.",
	itemOrg:        "Platform organization (the part of `program_key` before `+`).",
	defaultOrg:     programOrg,
	enrollment:     true,
	extras:         map[string]schema.Attribute{"enrollment_config": enrollmentConfigAttribute},
	model:          func() iblKindModel { return &programInvitationModel{} },
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

// enrollmentConfigAttribute is enrollment_config, of programs and courses.
var enrollmentConfigAttribute = schema.StringAttribute{
	MarkdownDescription: "Enrollment configuration (dates and the like) as a JSON object, for servers that support it. The API accepts it but never returns it, so changes made outside Terraform are not detected and import leaves it unset. " +
		"A server older than the field stores it in `metadata`, as it does any body key it does not know: the apply then fails and says so. " + keptNote,
	Optional:   true,
	Computed:   true,
	CustomType: jsontypes.NormalizedType{},
	Validators: []validator.String{fwvalidators.JSONObject()},
}

// programInvitationModel is the program invitation's state.
type programInvitationModel struct {
	iblInvitationModel
	ProgramKey types.String `tfsdk:"program_key"`
	enrollmentModel
}

func (t *programInvitationModel) load() iblInvitationModel {
	return t.with(t.iblInvitationModel, t.ProgramKey)
}

func (t *programInvitationModel) store(m iblInvitationModel) {
	t.iblInvitationModel, t.ProgramKey, t.enrollmentModel = m, m.Key, enrollmentOf(m)
}

// enrollmentModel is enrollment_config, of programs and courses.
type enrollmentModel struct {
	EnrollmentConfig jsontypes.Normalized `tfsdk:"enrollment_config"`
}

// with is m with the kind model's key and enrollment_config.
func (e enrollmentModel) with(m iblInvitationModel, key types.String) iblInvitationModel {
	m.Key, m.EnrollmentConfig = key, e.EnrollmentConfig
	return m
}

func enrollmentOf(m iblInvitationModel) enrollmentModel { return enrollmentModel{m.EnrollmentConfig} }
