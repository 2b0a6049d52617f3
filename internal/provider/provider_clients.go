package provider

// Building the platform clients from the provider's settings: the settings
// every client shares, then authentik's and ibl.ai's, each falling back to
// its environment variables.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// configureAuthentik sets up the authentik client, or says why there is none.
// A whole block may be unknown until apply (built from another resource's
// attributes): then the platform waits, like a single unknown setting.
func (p *invitationsProvider) configureAuthentik(ctx context.Context, block types.Object, shared client.Config, data *providerData, resp *provider.ConfigureResponse) bool {
	ak, ok := blockAs[authentikConfigModel](ctx, block, resp)
	if !ok {
		return false
	}
	insecure, err := boolOrEnv(ak.Insecure, EnvAuthentikInsecure)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("insecure"), "Invalid "+EnvAuthentikInsecure, err.Error())
		return false
	}
	unknown := block.IsUnknown() || ak.URL.IsUnknown() || ak.PublicURL.IsUnknown() || ak.Token.IsUnknown()
	baseURL, token, missing, ok := connection{block: "authentik", url: ak.URL, urlEnv: EnvAuthentikURL, secret: ak.Token,
		secretAttr: "token", secretEnv: EnvAuthentikToken, secretNoun: "token", title: "authentik token", kind: "an API token"}.resolve(unknown, resp)
	data.authentikUnknown, data.authentikMissing = unknown, missing
	if !ok || missing != "" {
		return ok // no client: the platform's resources say why
	}
	instance, api, err := authentik.NormalizeURL(baseURL)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("url"), "Invalid authentik URL", err.Error())
		return false
	}
	public := instance
	if raw := strings.TrimSpace(stringOrEnv(ak.PublicURL, EnvAuthentikPublicURL)); raw != "" {
		if !urlSettingValid(ak.PublicURL, raw, "authentik.public_url", EnvAuthentikPublicURL, path.Root("authentik").AtName("public_url"), resp) {
			return false
		}
		if public, _, err = authentik.NormalizeURL(raw); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("public_url"), "Invalid authentik public URL", err.Error())
			return false
		}
	}
	data.authentikURL, data.authentikPublicURL = instance, public
	redactor := authentik.NewRedactor()
	c := shared
	c.BaseURL = api
	c.Authorization = "Bearer " + token
	c.Secrets = []string{token}
	c.Redact = redactor.Redact
	c.LogMasks = authentik.LogMasks
	c.Insecure = c.Insecure || insecure
	c.Subsystem = "authentik_http"
	c.URLSetting = "authentik.url (or " + EnvAuthentikURL + ")"
	hc, err := client.New(c)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("authentik"), "Invalid authentik settings", err.Error())
		return false
	}
	data.authentik = authentik.New(public, hc, redactor)
	return true
}

// configureIBL sets up the ibl.ai client, or says why there is none.
func (p *invitationsProvider) configureIBL(ctx context.Context, block types.Object, shared client.Config, data *providerData, resp *provider.ConfigureResponse) bool {
	ic, ok := blockAs[iblConfigModel](ctx, block, resp)
	if !ok {
		return false
	}
	data.iblOrg = stringOrEnv(ic.Org, EnvIBLOrg)
	data.iblUpsert = ic.Upsert.IsNull() || ic.Upsert.IsUnknown() || ic.Upsert.ValueBool()
	scheme := ic.AuthScheme.ValueString()
	if scheme == "" {
		scheme = "Api-Token"
	}
	unknown := block.IsUnknown() || ic.URL.IsUnknown() || ic.APIKey.IsUnknown() || ic.Org.IsUnknown()
	baseURL, key, missing, ok := connection{block: "ibl", url: ic.URL, urlEnv: EnvIBLURL, secret: ic.APIKey,
		secretAttr: "api_key", secretEnv: EnvIBLAPIKey, secretNoun: "API key", title: "ibl.ai API key", kind: "an API key"}.resolve(unknown, resp)
	data.iblUnknown, data.iblMissing = unknown, missing
	if !ok || missing != "" {
		return ok // no client: the platform's resources say why
	}
	c := shared
	c.BaseURL = strings.TrimRight(baseURL, "/")
	c.Authorization = scheme + " " + key
	c.Secrets = []string{key}
	c.Subsystem = "ibl_http"
	c.URLSetting = "ibl.url (or " + EnvIBLURL + ")"
	hc, err := client.New(c)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ibl").AtName("url"), "Invalid ibl settings", err.Error())
		return false
	}
	data.ibl = map[ibl.Kind]*ibl.Client{}
	for _, k := range ibl.Kinds() {
		data.ibl[k] = ibl.New(hc, k)
	}
	return true
}

// sharedConfig reads the settings every platform client shares.
func (p *invitationsProvider) sharedConfig(ctx context.Context, cfg providerModel, tfVersion string, resp *provider.ConfigureResponse) (client.Config, bool) {
	c := client.Config{
		MaxRetries:     defaultMaxRetries,
		RetryWaitMin:   defaultRetryWaitMin,
		RetryWaitMax:   defaultRetryWaitMax,
		RequestTimeout: defaultRequestTimeout,
		Insecure:       cfg.Insecure.ValueBool(),
		UserAgent:      fmt.Sprintf("terraform-provider-invitations/%s (Terraform/%s)", p.version, tfVersion),
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		c.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	for _, d := range []struct {
		v    timetypes.GoDuration
		name string
		dst  *time.Duration
	}{{cfg.RetryWaitMin, "retry_wait_min", &c.RetryWaitMin}, {cfg.RetryWaitMax, "retry_wait_max", &c.RetryWaitMax}, {cfg.RequestTimeout, "request_timeout", &c.RequestTimeout}} {
		if d.v.IsNull() || d.v.IsUnknown() {
			continue
		}
		v, diags := d.v.ValueGoDuration()
		resp.Diagnostics.Append(diags...)
		if v <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root(d.name), "Invalid duration", d.name+" must be greater than zero.")
			continue
		}
		*d.dst = v
	}
	if c.RetryWaitMax < c.RetryWaitMin {
		resp.Diagnostics.AddAttributeError(path.Root("retry_wait_max"), "Invalid retry bounds",
			fmt.Sprintf("retry_wait_max (%s) must not be shorter than retry_wait_min (%s).", c.RetryWaitMax, c.RetryWaitMin))
	}
	if !cfg.Headers.IsNull() && !cfg.Headers.IsUnknown() {
		headers := map[string]string{}
		resp.Diagnostics.Append(cfg.Headers.ElementsAs(ctx, &headers, false)...)
		for k := range headers {
			if strings.EqualFold(k, "Authorization") || strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") {
				resp.Diagnostics.AddAttributeError(path.Root("headers").AtMapKey(k), "Invalid header",
					fmt.Sprintf("%q cannot be sent as an extra header.", k))
			}
		}
		c.Headers = headers
	}
	if v := cfg.CABundle.ValueString(); v != "" {
		c.CACertPEM = []byte(v)
	}
	return c, !resp.Diagnostics.HasError()
}

// connection is a platform's URL and secret, as configured, and how its
// diagnostics name them.
type connection struct {
	block       string // the provider block's attribute: "authentik", "ibl"
	url, secret types.String
	urlEnv      string
	secretAttr  string // "token", "api_key"
	secretEnv   string
	secretNoun  string // "token", "API key"
	title       string // "authentik token", "ibl.ai API key"
	kind        string // what a valid one is: "an API token"
}

// resolve reads the URL and the secret, each from its attribute or its
// environment variable (white space around the secret, the newline file()
// keeps, is no part of it), and tells why no client can be built from them:
// missing, when a setting is unset or (unknown) not known until apply; ok
// false after an error diagnostic.
func (c connection) resolve(unknown bool, resp *provider.ConfigureResponse) (baseURL, secret, missing string, ok bool) {
	baseURL = stringOrEnv(c.url, c.urlEnv)
	secret = strings.TrimSpace(stringOrEnv(c.secret, c.secretEnv))
	set := c.block + "." + c.secretAttr
	switch {
	case unknown:
		return "", "", "the " + c.block + " settings are not known yet", true
	case baseURL == "":
		return "", "", c.block + ".url is not set: set it in the provider block or the " + c.urlEnv + " environment variable", true
	case secret == "":
		return "", "", set + " is not set: set it in the provider block or the " + c.secretEnv + " environment variable", true
	case !fwvalidators.ValidCredential(secret):
		resp.Diagnostics.AddAttributeError(path.Root(c.block).AtName(c.secretAttr), "Invalid "+c.title,
			"The "+c.secretNoun+" ("+set+" or "+c.secretEnv+") contains white space or control characters inside it; "+c.kind+" has none.")
		return "", "", "", false
	}
	return baseURL, secret, "", urlSettingValid(c.url, strings.TrimSpace(baseURL), c.block+".url", c.urlEnv, path.Root(c.block).AtName("url"), resp)
}

// urlSettingValid checks a platform's URL, which the schema's validator
// has checked only when it was configured: one taken from its environment
// variable is checked here, and the diagnostic names where it came from.
func urlSettingValid(configured types.String, raw, setting, env string, at path.Path, resp *provider.ConfigureResponse) bool {
	shown, ok := fwvalidators.CheckHTTPURL(raw)
	if ok {
		return true
	}
	from := setting
	if configured.IsNull() {
		from = env + " (the default of " + setting + ")"
	}
	resp.Diagnostics.AddAttributeError(at, "Invalid URL", fmt.Sprintf("%s must be an absolute http or https URL, got %q.", from, shown))
	return false
}

// blockAs reads a platform's block; a null or unknown one reads as empty.
func blockAs[T any](ctx context.Context, block types.Object, resp *provider.ConfigureResponse) (T, bool) {
	var v T
	if !block.IsNull() && !block.IsUnknown() {
		resp.Diagnostics.Append(block.As(ctx, &v, basetypes.ObjectAsOptions{})...)
	}
	return v, !resp.Diagnostics.HasError()
}
