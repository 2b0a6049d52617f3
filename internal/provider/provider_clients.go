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
	var ak authentikConfigModel
	if !block.IsNull() && !block.IsUnknown() {
		resp.Diagnostics.Append(block.As(ctx, &ak, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return false
		}
	}
	baseURL := stringOrEnv(ak.URL, EnvAuthentikURL)
	// A token read with file() ends with a newline: it is no part of it.
	token := strings.TrimSpace(stringOrEnv(ak.Token, EnvAuthentikToken))
	insecure, err := boolOrEnv(ak.Insecure, EnvAuthentikInsecure)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("insecure"), "Invalid "+EnvAuthentikInsecure, err.Error())
		return false
	}
	switch {
	case block.IsUnknown() || ak.URL.IsUnknown() || ak.Token.IsUnknown():
		data.AuthentikUnknown = true
		data.AuthentikMissing = "the authentik settings are not known yet"
	case baseURL == "":
		data.AuthentikMissing = "authentik.url is not set: set it in the provider block or the " + EnvAuthentikURL + " environment variable"
	case token == "":
		data.AuthentikMissing = "authentik.token is not set: set it in the provider block or the " + EnvAuthentikToken + " environment variable"
	case !fwvalidators.ValidCredential(token):
		resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("token"), "Invalid authentik token",
			"The token (authentik.token or "+EnvAuthentikToken+") contains white space or control characters inside it; an API token has none.")
		return false
	case !urlSettingValid(ak.URL, strings.TrimSpace(baseURL), "authentik.url", EnvAuthentikURL, path.Root("authentik").AtName("url"), resp):
		return false
	default:
		instance, api, err := authentik.NormalizeURL(baseURL)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("authentik").AtName("url"), "Invalid authentik URL", err.Error())
			return false
		}
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
		data.Authentik = authentik.New(instance, hc, redactor)
	}
	return true
}

// configureIBL sets up the ibl.ai client, or says why there is none.
func (p *invitationsProvider) configureIBL(ctx context.Context, block types.Object, shared client.Config, data *providerData, resp *provider.ConfigureResponse) bool {
	var ic iblConfigModel
	if !block.IsNull() && !block.IsUnknown() {
		resp.Diagnostics.Append(block.As(ctx, &ic, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return false
		}
	}
	baseURL := stringOrEnv(ic.URL, EnvIBLURL)
	key := strings.TrimSpace(stringOrEnv(ic.APIKey, EnvIBLAPIKey))
	data.IBLOrg = stringOrEnv(ic.Org, EnvIBLOrg)
	data.IBLUpsert = ic.Upsert.IsNull() || ic.Upsert.IsUnknown() || ic.Upsert.ValueBool()
	scheme := ic.AuthScheme.ValueString()
	if scheme == "" {
		scheme = "Api-Token"
	}
	switch {
	case block.IsUnknown() || ic.URL.IsUnknown() || ic.APIKey.IsUnknown() || ic.Org.IsUnknown():
		data.IBLUnknown = true
		data.IBLMissing = "the ibl settings are not known yet"
	case baseURL == "":
		data.IBLMissing = "ibl.url is not set: set it in the provider block or the " + EnvIBLURL + " environment variable"
	case key == "":
		data.IBLMissing = "ibl.api_key is not set: set it in the provider block or the " + EnvIBLAPIKey + " environment variable"
	case !fwvalidators.ValidCredential(key):
		resp.Diagnostics.AddAttributeError(path.Root("ibl").AtName("api_key"), "Invalid ibl.ai API key",
			"The API key (ibl.api_key or "+EnvIBLAPIKey+") contains white space or control characters inside it; an API key has none.")
		return false
	case !urlSettingValid(ic.URL, baseURL, "ibl.url", EnvIBLURL, path.Root("ibl").AtName("url"), resp):
		return false
	default:
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
		data.IBL = ibl.New(hc)
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
