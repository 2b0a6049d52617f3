package fwvalidators

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// courseKeyRE is an edX course key: course-v1:ORG+COURSE+RUN, each part
// without "+", ":" or white space.
var courseKeyRE = regexp.MustCompile(`^course-v1:[^\s+:/]+\+[^\s+:/]+\+[^\s+:/]+$`)

// CourseKey requires an edX course key such as course-v1:acme+DS101+2027.
func CourseKey() validator.String {
	return pattern(courseKeyRE, "must be an edX course key such as course-v1:acme+DS101+2027: \"course-v1:\", then the org, the course and the run, joined by \"+\", with no empty part and no spaces")
}

// platformKeyRE is a platform key: the org, without "+", "/" or white space.
var platformKeyRE = regexp.MustCompile(`^[^\s+/]+$`)

// PlatformKey requires an ibl.ai platform key (the platform's org) such as acme.
func PlatformKey() validator.String {
	return pattern(platformKeyRE, "must be a platform key such as acme: the platform's org, with no \"+\", \"/\" or spaces")
}
