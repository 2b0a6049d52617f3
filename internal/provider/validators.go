package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func uuidString() validator.String {
	return stringvalidator.RegexMatches(uuidRE, "must be a UUID such as 0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10")
}

var (
	// headerNameRE is RFC 9110's token: what a header name may be.
	headerNameRE = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")
	// headerValueRE refuses CR, LF and other control characters but tab,
	// which would split or corrupt the request.
	headerValueRE = regexp.MustCompile(`^[^\x00-\x08\x0a-\x1f\x7f]*$`)
)

// programKeyRE is org+program (or a bare key when the org comes from the
// provider): no empty part, no white space.
var programKeyRE = regexp.MustCompile(`^[^\s+]+(\+[^\s+]+)*$`)

func programKey() validator.String {
	return stringvalidator.RegexMatches(programKeyRE, "must be a program key such as acme+data-science: the org, \"+\", the program, with no empty part and no spaces")
}
