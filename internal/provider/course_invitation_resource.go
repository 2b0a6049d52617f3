package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// courseKind is the course invitation (invitations_course_invitation, its
// data source and list resource): key course_id, an edX course key whose
// org is the edX org, not the platform's; extra argument enrollment_config.
var courseKind = &iblKind{
	kind: ibl.Course, name: "course", key: "course_id",
	description: "An invitation of a user, by email or username, to a single course in the ibl.ai data manager.",
	keyAttribute: iblKeyAttribute("edX key of the course, such as `course-v1:acme+DS101+2027` (sent URL-encoded). The org in the key is the course's edX org, "+
		"not necessarily the platform's: the invitation's org is `org`.", fwvalidators.CourseKey()),
	orgDescription: "Platform organization the invitation belongs to, used to find and delete it. Defaults to the provider's `ibl.org` " +
		"(a course key does not name it: its edX org may differ).",
	itemOrg:    "Platform organization: the `org` the listing asked for, or the provider's `ibl.org` (a course key does not name it).",
	defaultOrg: courseOrg,
	enrollment: true,
	extras:     enrollmentExtras,
	importHint: noImportHint,
}

// courseOrg is the provider's ibl.org: a course key does not name it.
func courseOrg(providerOrg, key string, _ *diag.Diagnostics) (string, string) {
	return providerOrg, fmt.Sprintf("course_id %q does not name the platform's org (the edX org in a course key may differ from it), "+
		"and the provider has no ibl.org (IBLAI_ORG): set org.", key)
}
