// Package fwvalidators holds every terraform-plugin-framework validator the
// provider adds to the libraries' own: absolute http(s) URLs, JSON objects,
// PEM bundles, credentials (never shown in a diagnostic), single email
// addresses, operation timeouts above zero, and the string patterns of
// patterns.go (UUIDs, authentik names, program keys, HTTP headers).
package fwvalidators

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// HTTPURL accepts absolute http(s) URLs only; a password in one is not shown.
type urlValidator struct{}

func HTTPURL() validator.String { return urlValidator{} }

func (urlValidator) Description(context.Context) string {
	return "must be an absolute http or https URL"
}
func (v urlValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v urlValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if shown, ok := CheckHTTPURL(req.ConfigValue.ValueString()); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), shown))
	}
}

// CheckHTTPURL tells whether s is an absolute http(s) URL, and gives s as a
// diagnostic may show it (without a password).
func CheckHTTPURL(s string) (shown string, ok bool) {
	u, err := url.Parse(s)
	switch {
	case err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
		return s, true
	case err == nil && u.User != nil:
		return u.Redacted(), false
	}
	// No user to redact in a parsed URL: what may be a user and password
	// is cut out by hand (https://user:secret@host:badport does not
	// parse; user:secret@host parses with "user" as its scheme).
	return withoutUserinfo(s), false
}

// withoutUserinfo is s with everything between its scheme (or its start)
// and its last "@" masked: more than a URL's user and password, when an
// "@" stands later, but never less.
func withoutUserinfo(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return s[:start] + "xxxxx" + s[at:]
}

// JSONObject requires a JSON document whose top level is an object;
// jsontypes.Normalized has already checked that it is JSON.
type jsonObjectValidator struct{}

func JSONObject() validator.String { return jsonObjectValidator{} }

func (jsonObjectValidator) Description(context.Context) string {
	return "must be a JSON object, e.g. jsonencode({ key = \"value\" })"
}
func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v jsonObjectValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON object",
			fmt.Sprintf("%s %s.", req.Path, v.Description(ctx)))
	}
}

// PEMCertificates requires at least one PEM certificate.
type pemValidator struct{}

func PEMCertificates() validator.String { return pemValidator{} }

func (pemValidator) Description(context.Context) string {
	return "must hold PEM certificates (-----BEGIN CERTIFICATE-----)"
}
func (v pemValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v pemValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM([]byte(req.ConfigValue.ValueString())) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CA bundle", fmt.Sprintf("%s %s; use file(\"ca.pem\") to read a file.", req.Path, v.Description(ctx)))
	}
}

// ValidCredential tells a token or key that can be sent in a header: no
// white space or control character inside (around it is trimmed).
func ValidCredential(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
}

// Credential accepts a token with white space around it (file()
// keeps the trailing newline; it is trimmed) but none inside.
type credentialValidator struct{}

func Credential() validator.String { return credentialValidator{} }

func (credentialValidator) Description(context.Context) string {
	return "must be a token without white space or control characters inside"
}
func (v credentialValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v credentialValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !ValidCredential(strings.TrimSpace(req.ConfigValue.ValueString())) {
		// The value is a secret: the diagnostic never shows it.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid credential",
			fmt.Sprintf("%s %s (it is empty, or has a space or line break in the middle). Read it with trimspace(file(\"...\")) if it comes from a file.", req.Path, v.Description(ctx)))
	}
}

// EmailAddress requires one bare address (an RFC 5322 addr-spec): no
// display name, no list, no consecutive dots.
type emailValidator struct{}

func EmailAddress() validator.String { return emailValidator{} }

func (emailValidator) Description(context.Context) string {
	return "must be a single email address such as ada@example.com"
}
func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if s := req.ConfigValue.ValueString(); !isEmailAddress(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address",
			fmt.Sprintf("%s %s, without a display name, angle brackets or commas; got %q.", req.Path, v.Description(ctx), s))
	}
}

func isEmailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.Contains(s, "..") {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	return local != "" && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") &&
		!strings.HasPrefix(local, ".") && !strings.HasSuffix(local, ".")
}

// PositiveTimeouts refuses operation timeouts of zero or below (the
// operation would fail before its first request) and ones that are no Go
// duration, at plan time and on the attribute: the timeouts library would
// report the latter only at apply, without naming timeouts.
type PositiveTimeouts struct{}

func (PositiveTimeouts) Description(context.Context) string {
	return "timeouts must be longer than zero"
}
func (v PositiveTimeouts) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (PositiveTimeouts) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var t timeouts.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if !t.IsNull() && !t.IsUnknown() {
		checkTimeouts(t.Attributes(), &resp.Diagnostics)
	}
}

func (PositiveTimeouts) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var t dstimeouts.Value
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	if !t.IsNull() && !t.IsUnknown() {
		checkTimeouts(t.Attributes(), &resp.Diagnostics)
	}
}

// checkTimeouts reports each timeouts attribute that is no Go duration, or
// is not above zero, on the attribute.
func checkTimeouts(attrs map[string]attr.Value, diags *diag.Diagnostics) {
	for name, v := range attrs {
		s, ok := v.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		d, err := time.ParseDuration(s.ValueString())
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s must be a Go duration such as \"30s\" or \"5m\", got %q.", name, s.ValueString()))
		case d <= 0:
			diags.AddAttributeError(path.Root("timeouts").AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s must be longer than zero, got %q.", name, s.ValueString()))
		}
	}
}
