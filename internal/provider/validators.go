package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func uuidString() validator.String {
	return stringvalidator.RegexMatches(uuidRE, "must be a UUID such as 0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10")
}

// urlValidator accepts absolute http(s) URLs only.
type urlValidator struct{}

func httpURL() validator.String { return urlValidator{} }

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
	s := req.ConfigValue.ValueString()
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%s %s, got %q.", req.Path, v.Description(ctx), s))
	}
}

// jsonObjectValidator requires a JSON document whose top level is an object;
// jsontypes.Normalized has already checked that it is JSON.
type jsonObjectValidator struct{}

func jsonObject() validator.String { return jsonObjectValidator{} }

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

// pemValidator requires at least one PEM certificate.
type pemValidator struct{}

func pemCertificates() validator.String { return pemValidator{} }

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
