package fwvalidators

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The string patterns the provider's arguments follow. Each rule is
// written once here, as a regular expression for code that must test a
// string (an import ID, a token) and as a validator for schemas.
var (
	uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// authentikNameRE is authentik's slug pattern for invitation names.
	authentikNameRE = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)
	// programKeyRE is org+program (or a bare key when the org comes from
	// the provider): no empty part, no white space.
	programKeyRE = regexp.MustCompile(`^[^\s+]+(\+[^\s+]+)*$`)
	// headerNameRE is RFC 9110's token: what a header name may be.
	headerNameRE = regexp.MustCompile("^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$")
	// headerValueRE refuses CR, LF and other control characters but tab,
	// which would split or corrupt the request.
	headerValueRE = regexp.MustCompile(`^[^\x00-\x08\x0a-\x1f\x7f]*$`)
)

// pattern requires re, and answers an empty value in the length
// validator's words ("string length must be at least 1"): one error that
// says what is wrong, where a length rule beside the pattern made two.
func pattern(re *regexp.Regexp, message string) validator.String {
	return patternValidator{empty: stringvalidator.LengthAtLeast(1), match: stringvalidator.RegexMatches(re, message)}
}

type patternValidator struct{ empty, match validator.String }

func (v patternValidator) Description(ctx context.Context) string { return v.match.Description(ctx) }
func (v patternValidator) MarkdownDescription(ctx context.Context) string {
	return v.match.MarkdownDescription(ctx)
}

func (v patternValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !req.ConfigValue.IsNull() && !req.ConfigValue.IsUnknown() && req.ConfigValue.ValueString() == "" {
		v.empty.ValidateString(ctx, req, resp)
		return
	}
	v.match.ValidateString(ctx, req, resp)
}

// IsUUID tells a UUID in any letter case.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// UUID requires a UUID.
func UUID() validator.String {
	return pattern(uuidRE, "must be a UUID such as 0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10")
}

// InviteToken requires an authentik invitation's id, which is its invite
// token: a UUID, as UUID does, but a diagnostic never shows the value (a
// token with a stray space or line break from file() is still the token).
func InviteToken() validator.String { return tokenValidator{} }

type tokenValidator struct{}

func (tokenValidator) Description(context.Context) string {
	return "must be a UUID such as 0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10 (the invitation's id, its invite token)"
}
func (v tokenValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v tokenValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || IsUUID(req.ConfigValue.ValueString()) {
		return
	}
	// The value may be a token: it is not shown, not even its length.
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid invitation id",
		fmt.Sprintf("%s %s; the value given is not one (it is not shown, as it may be a token). Check for white space around it: trimspace(file(\"...\")) reads one from a file.", req.Path, v.Description(ctx)))
}

// IsAuthentikName tells a name authentik accepts for an invitation.
func IsAuthentikName(s string) bool { return authentikNameRE.MatchString(s) }

// AuthentikName requires an authentik invitation name: letters, digits,
// hyphens and underscores.
func AuthentikName() validator.String {
	return pattern(authentikNameRE, "must contain only letters, digits, hyphens and underscores")
}

// ProgramKey requires an ibl.ai program key such as acme+data-science.
func ProgramKey() validator.String {
	return pattern(programKeyRE, "must be a program key such as acme+data-science: the org, \"+\", the program, with no empty part and no spaces")
}

// HeaderName requires an HTTP header name.
func HeaderName() validator.String {
	return pattern(headerNameRE, "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)")
}

// HeaderValue refuses line breaks and other control characters but tab in
// a header value, which would split or corrupt the request. Header values
// are treated as secrets: a diagnostic never shows one.
func HeaderValue() validator.String { return headerValueValidator{} }

type headerValueValidator struct{}

func (headerValueValidator) Description(context.Context) string {
	return "must not contain line breaks or other control characters"
}
func (v headerValueValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v headerValueValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || headerValueRE.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid header value",
		fmt.Sprintf("%s %s (the value is not shown: header values are treated as secrets). Read one with trimspace(file(\"...\")) if it comes from a file.", req.Path, v.Description(ctx)))
}
