package fwvalidators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(t *testing.T, v validator.String, s string) (string, bool) {
	var resp validator.StringResponse
	v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("a"), ConfigValue: types.StringValue(s)}, &resp)
	if !resp.Diagnostics.HasError() {
		return "", true
	}
	return resp.Diagnostics[0].Detail(), false
}

func TestEmailAddress(t *testing.T) {
	for s, ok := range map[string]bool{
		"ada@example.com": true, "ada.lovelace+cs@mail.example.co.uk": true,
		"Ada <ada@example.com>": false, "ada@example.com, grace@example.com": false, "ada..l@example.com": false,
		"ada@localhost": false, ".ada@example.com": false, "ada@": false, "": false,
	} {
		if _, got := validate(t, EmailAddress(), s); got != ok {
			t.Errorf("%q: valid=%v, want %v", s, got, ok)
		}
	}
}

func TestCredentialNeverShown(t *testing.T) {
	if _, ok := validate(t, Credential(), "  tok3n-with-newline\n"); !ok {
		t.Error("white space around a token is trimmed, not refused")
	}
	for _, bad := range []string{"tok en-secret", "tok\nen-secret", "", "   "} {
		detail, ok := validate(t, Credential(), bad)
		if ok || strings.Contains(detail, "secret") {
			t.Errorf("%q: valid=%v, diagnostic %q", bad, ok, detail)
		}
	}
}

func TestHTTPURLHidesPassword(t *testing.T) {
	detail, ok := validate(t, HTTPURL(), "ftp://admin:hunter22@example.com")
	if ok || strings.Contains(detail, "hunter22") || !strings.Contains(detail, "admin:xxxxx@") {
		t.Errorf("valid=%v, diagnostic %q", ok, detail)
	}
	if _, ok := validate(t, HTTPURL(), "https://example.com/dm"); !ok {
		t.Error("refused an https URL")
	}
	// A URL that does not parse is no URL to redact: its password is
	// cut out all the same.
	for _, bad := range []string{"https://admin:hunter22@example.com:badport", "https://admin:hunter22@example.com/%zz", "admin:hunter22@example.com",
		" https://admin:hunter22@example.com", "https://admin:hunter22@example.com\n", "https://admin:hun@ter22@example.com:x"} {
		detail, ok := validate(t, HTTPURL(), bad)
		if ok || strings.Contains(detail, "hunter22") || strings.Contains(detail, "ter22") || !strings.Contains(detail, "xxxxx@") {
			t.Errorf("%q: valid=%v, diagnostic %q", bad, ok, detail)
		}
	}
}

// A pattern refuses an empty value once, in the length validator's words,
// and anything else off the pattern in its own; null and unknown pass.
func TestPatternTellsEmptyApart(t *testing.T) {
	for _, v := range []validator.String{UUID(), AuthentikName(), ProgramKey(), CourseKey(), PlatformKey(), HeaderName()} {
		for value, want := range map[types.String]string{
			types.StringValue(""):          "string length must be at least 1",
			types.StringValue("has space"): v.Description(t.Context()),
			types.StringNull():             "",
			types.StringUnknown():          "",
		} {
			var resp validator.StringResponse
			v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("a"), ConfigValue: value}, &resp)
			switch {
			case want == "" && resp.Diagnostics.HasError():
				t.Errorf("%s, %v: %v, want no error", v.Description(t.Context()), value, resp.Diagnostics)
			case want != "" && (resp.Diagnostics.ErrorsCount() != 1 || !strings.Contains(resp.Diagnostics[0].Detail(), want)):
				t.Errorf("%s, %v: %v, want one error saying %q", v.Description(t.Context()), value, resp.Diagnostics, want)
			}
		}
	}
	if _, ok := validate(t, HeaderValue(), ""); !ok {
		t.Error("an empty header value is allowed")
	}
}

// An invitation id is an invite token: refused when it is no UUID, and
// never shown, not even nearly right.
func TestInviteTokenNeverShown(t *testing.T) {
	const token = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	if _, ok := validate(t, InviteToken(), token); !ok {
		t.Error("a UUID is an invitation id")
	}
	for _, bad := range []string{token + " ", token + "\n", "{" + token + "}", "", "x"} {
		detail, ok := validate(t, InviteToken(), bad)
		if ok || strings.Contains(detail, "7c9e6679") || (bad != "" && strings.Contains(detail, bad)) {
			t.Errorf("%q: valid=%v, diagnostic %q", bad, ok, detail)
		}
	}
}

// A header value is refused with a line break or another control
// character but tab, and never shown: header values are secrets.
func TestHeaderValueNeverShown(t *testing.T) {
	for value, ok := range map[string]bool{"Bearer s3cr3t": true, "a\tb": true, "": true, "s3cr3t\r\nX-Evil: 1": false, "s3cr3t\x00": false, "s3cr3t\n": false} {
		detail, got := validate(t, HeaderValue(), value)
		if got != ok || strings.Contains(detail, "s3cr3t") {
			t.Errorf("%q: valid=%v, diagnostic %q; want valid=%v and the value not shown", value, got, detail, ok)
		}
	}
}
