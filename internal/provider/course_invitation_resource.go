package provider

// invitations_course_invitation, its data source and its list resource:
// what sets a course invitation apart. Their lifecycle is the ibl.ai
// core's (ibl_invitation_*.go).

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// NewCourseInvitationResource returns the invitations_course_invitation resource.
func NewCourseInvitationResource() resource.Resource { return &iblInvitationResource{kind: courseKind} }

// NewCourseInvitationsDataSource returns the invitations_course_invitations data source.
func NewCourseInvitationsDataSource() datasource.DataSource {
	return &iblInvitationsDataSource{kind: courseKind}
}

// NewCourseInvitationListResource returns the invitations_course_invitation list resource.
func NewCourseInvitationListResource() list.ListResource {
	return &iblInvitationListResource{kind: courseKind}
}

// courseInvitationModel is an invitations_course_invitation.
type courseInvitationModel struct {
	iblInvitationModel
	CourseID                   types.String         `tfsdk:"course_id"`
	EnrollmentConfig           jsontypes.Normalized `tfsdk:"enrollment_config"`
	CourseAccessStartDate      fwtypes.Instant      `tfsdk:"course_access_start_date"`
	CourseAccessExpirationDate fwtypes.Instant      `tfsdk:"course_access_expiration_date"`
}

func (m *courseInvitationModel) shared() *iblInvitationModel       { return &m.iblInvitationModel }
func (m *courseInvitationModel) key() *types.String                { return &m.CourseID }
func (m *courseInvitationModel) enrollment() *jsontypes.Normalized { return &m.EnrollmentConfig }
func (m *courseInvitationModel) user() *platformUserModel          { return nil }
func (m *courseInvitationModel) accessDates() (start, expiration *fwtypes.Instant) {
	return &m.CourseAccessStartDate, &m.CourseAccessExpirationDate
}

// courseInvitationsModel is the invitations_course_invitations data source.
type courseInvitationsModel struct {
	iblInvitationsModel
	CourseID types.String `tfsdk:"course_id"`
}

func (m *courseInvitationsModel) listing() *iblInvitationsModel { return &m.iblInvitationsModel }
func (m *courseInvitationsModel) key() *types.String            { return &m.CourseID }

// courseFiltersModel is the invitations_course_invitation list resource's configuration.
type courseFiltersModel struct {
	iblFiltersModel
	CourseID types.String `tfsdk:"course_id"`
}

func (m *courseFiltersModel) filters() *iblFiltersModel { return &m.iblFiltersModel }
func (m *courseFiltersModel) key() *types.String        { return &m.CourseID }

// courseKind is the course invitation: key course_id, an edX course key
// whose org is the edX org, not the platform's; its own argument
// enrollment_config.
var courseKind = &iblKind{
	kind: ibl.Course, name: "course", title: "Course", key: "course_id",
	newModel:    func() iblModel { return &courseInvitationModel{} },
	newListing:  func() iblListing { return &courseInvitationsModel{} },
	newFilters:  func() iblFilters { return &courseFiltersModel{} },
	description: "An invitation of a user, by email or username, to a single course in the ibl.ai data manager.",
	keyAttribute: iblKeyAttribute("edX key of the course, such as `course-v1:acme+DS101+2027` (sent URL-encoded). The org in the key is the course's edX org, "+
		"not necessarily the platform's: the invitation's org is `org`.", fwvalidators.CourseKey()),
	extras:      enrollmentExtras("course"),
	accessDates: [2]string{"course_access_start_date", "course_access_expiration_date"},
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org` " +
		"(a course key does not name it: its edX org may differ).",
	defaultOrg: courseOrg,
	itemOrg:    "Platform organization: the `org` the listing asked for, or the provider's `ibl.org` (a course key does not name it).",
	importHint: func(string, string, string) string { return "" },
}

// courseOrg is the provider's ibl.org: a course key does not name it.
func courseOrg(providerOrg, key string, _ *diag.Diagnostics) (string, string) {
	return providerOrg, fmt.Sprintf("course_id %q does not name the platform's org (the edX org in a course key may differ from it), "+
		"and the provider has no ibl.org (IBLAI_ORG): set org.", key)
}
