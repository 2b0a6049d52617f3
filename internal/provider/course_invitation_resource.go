package provider

import (
	"fmt"

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

// NewCourseInvitationResource returns the invitations_course_invitation resource.
func NewCourseInvitationResource() resource.Resource { return newIBLInvitationResource(courseKind) }

// NewCourseInvitationsDataSource returns the invitations_course_invitations data source.
func NewCourseInvitationsDataSource() datasource.DataSource {
	return newIBLInvitationsDataSource(courseKind)
}

// NewCourseInvitationListResource returns the invitations_course_invitation list resource.
func NewCourseInvitationListResource() list.ListResource {
	return newIBLInvitationListResource(courseKind)
}

// courseKind is the course invitation: key course_id, an edX course key
// whose org is the edX org, not the platform's; extra argument
// enrollment_config.
var courseKind = &iblKind{
	kind: ibl.Course, name: "course", key: "course_id",
	description: "An invitation of a user, by email or username, to a single course in the ibl.ai data manager.",
	keyAttribute: schema.StringAttribute{
		MarkdownDescription: "edX key of the course, such as `course-v1:acme+DS101+2027` (sent URL-encoded). The org in the key is the course's edX org, " +
			"not necessarily the platform's: the invitation's org is `org`. Changing it creates a new invitation.",
		Required:      true,
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1), fwvalidators.CourseKey()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	},
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org` " +
		"(a course key does not name it: its edX org may differ).",
	itemOrg:    "Platform organization: the `org` the listing asked for, or the provider's `ibl.org` (a course key does not name it).",
	defaultOrg: courseOrg,
	enrollment: true,
	extras:     map[string]schema.Attribute{"enrollment_config": enrollmentConfigAttribute},
	model:      func() iblKindModel { return &courseInvitationModel{} },
	importHint: func(string, string, string) string { return "" },
}

// courseOrg is the provider's ibl.org: a course key does not name it.
func courseOrg(providerOrg, key string, _ *diag.Diagnostics) (string, string) {
	return providerOrg, fmt.Sprintf("course_id %q does not name the platform's org (the edX org in a course key may differ from it), "+
		"and the provider has no ibl.org (IBLAI_ORG): set org.", key)
}

// courseInvitationModel is the course invitation's state.
type courseInvitationModel struct {
	iblInvitationModel
	CourseID types.String `tfsdk:"course_id"`
	enrollmentModel
}

func (t *courseInvitationModel) load() iblInvitationModel {
	return t.with(t.iblInvitationModel, t.CourseID)
}

func (t *courseInvitationModel) store(m iblInvitationModel) {
	t.iblInvitationModel, t.CourseID, t.enrollmentModel = m, m.Key, enrollmentOf(m)
}
