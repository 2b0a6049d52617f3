package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func TestAccProvider_configValidation(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	withProvider := func(body, want string) resource.TestStep {
		return resource.TestStep{
			Config: `
provider "invitations" {
` + body + `
}
resource "invitations_stage_invitation" "test" {
  name    = "x"
  expires = "2099-01-01T00:00:00Z"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	auth := `authentik = { url = "` + env.url + `", token = "t" }` + "\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			withProvider(`authentik = { url = "auth.example.com", token = "t" }`, `(?s)authentik.url must be an absolute http or https URL`),
			withProvider(`authentik = { url = "https://auth.example.com", token = "" }`, `(?s)Invalid credential.*authentik.token must be a token without white space`),
			// A line break inside: no trimming can mend it, and the value is never shown.
			withProvider(`authentik = { url = "https://auth.example.com", token = "abc\ndef" }`, `(?s)Invalid credential.*trimspace\(file`),
			withProvider(`ibl = { url = "https://x", api_key = "a key" }`+"\n"+auth, `(?s)Invalid credential.*ibl.api_key`),
			withProvider(`ibl = { url = "ftp://iblai.example.com", api_key = "k" }`+"\n"+auth, `(?s)ibl.url must be an absolute http or https URL, got\s+"ftp://iblai`),
			withProvider(`authentik = { url = "ftp://admin:hunter22@auth.example.com", token = "t" }`, `(?s)authentik.url must be an absolute http or https URL, got\s+"ftp://admin:xxxxx@auth`),
			withProvider(auth+`headers = { "X-Bad\nName" = "x" }`, `(?s)headers.*must be an HTTP header name`),
			withProvider(auth+`headers = { X-Tenant = "acme\r\nX-Injected: 1" }`, `(?s)headers.*must not contain line breaks`),
			withProvider(`authentik = { url = "https://auth.example.com" }`, `(?s)authentik.token is not set.*AUTHENTIK_TOKEN`),
			withProvider(auth+`retry_wait_min = "soon"`, `(?s)Invalid Time Duration String Value`),
			withProvider(auth+`retry_wait_min = "10s"`+"\n"+`retry_wait_max = "1s"`, `(?s)retry_wait_max \(1s\) must not be shorter than retry_wait_min \(10s\)`),
			withProvider(auth+`request_timeout = "-1s"`, `(?s)request_timeout must be greater than zero`),
			withProvider(auth+`max_retries = 99`, `(?s)Attribute max_retries value must be between 0 and 20`),
			withProvider(auth+`headers = { Authorization = "x" }`, `(?s)"Authorization" cannot be sent as an extra header`),
			withProvider(auth+`ca_bundle = "not a certificate"`, `(?s)Invalid CA bundle.*ca_bundle must hold PEM certificates`),
			withProvider(`ibl = { url = "https://x", auth_scheme = "Basic" }`+"\n"+auth, `(?s)auth_scheme value must be one of`),
		},
	})
	if n := len(env.sent()); n != 0 {
		t.Fatalf("invalid provider settings sent %d request(s)", n)
	}
}

// TestAccProvider_urlFromEnvironmentNamed: a URL with a bad scheme taken
// from IBLAI_URL or AUTHENTIK_URL is named by its variable, its password
// hidden.
func TestAccProvider_urlFromEnvironmentNamed(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	t.Setenv(EnvIBLAPIKey, "k")
	t.Setenv(EnvAuthentikToken, "t")
	cfg := func(block string) string {
		return `
provider "invitations" {
` + block + `
}
resource "invitations_stage_invitation" "test" {
  name    = "x"
  expires = "2099-01-01T00:00:00Z"
}
`
	}
	t.Run("IBLAI_URL", func(t *testing.T) {
		t.Setenv(EnvIBLURL, "ftp://admin:hunter22@iblai.example.com")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      cfg(`authentik = { url = "` + env.url + `", token = "t" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid\s+URL.*IBLAI_URL\s+\(the\s+default\s+of\s+ibl.url\)\s+must\s+be\s+an\s+absolute\s+http\s+or\s+https\s+URL,\s+got\s+"ftp://admin:xxxxx@iblai`),
			}},
		})
	})
	t.Run("AUTHENTIK_URL", func(t *testing.T) {
		t.Setenv(EnvAuthentikURL, "auth.example.com")
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      cfg(``),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid\s+URL.*AUTHENTIK_URL\s+\(the\s+default\s+of\s+authentik.url\)\s+must\s+be\s+an\s+absolute\s+http\s+or\s+https\s+URL,\s+got\s+"auth.example.com"`),
			}},
		})
	})
	if n := len(env.sent()); n != 0 {
		t.Fatalf("invalid URLs sent %d request(s)", n)
	}
}

func TestAccProvider_environmentVariables(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	t.Setenv(EnvAuthentikURL, env.url+"/api/v3/")
	t.Setenv(EnvAuthentikToken, env.authentikToken)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{{
			Config: `
provider "invitations" {}
resource "invitations_stage_invitation" "test" {
  name = "` + env.name("from-env") + `"
  expires = "2099-01-01T00:00:00Z"
  flow = "` + env.fixture(t, envAccFlow) + `"
}
`,
			// /api/v3 given in the URL is not doubled, and links use the instance URL.
			Check: resource.ComposeTestCheckFunc(
				resource.TestMatchResourceAttr(stageAddr, "invite_url", regexp.MustCompile(`^`+regexp.QuoteMeta(env.url)+`/if/flow/`)),
				stageHeld(env, func(serverStage) error { return nil }),
			),
		}},
	})
}

func TestAccProvider_readOnlyToken(t *testing.T) {
	env := newMockEnv(t, needsUsers, mockserver.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "invitations" {
  authentik = { url = "` + env.url + `", token = "` + mockserver.AuthentikReadOnlyToken + `" }
}
resource "invitations_stage_invitation" "test" {
  name    = "denied"
  expires = "2099-01-01T00:00:00Z"
}
`,
			// The status and the server's message, and no token.
			ExpectError: regexp.MustCompile(`(?s)POST /api/v3/stages/invitation/invitations/: HTTP 403: You do not have.*permission.*lacks the permission\s+authentik_stages_invitation.add_invitation`),
		}},
	})
}

func TestAccProvider_settingsKnownOnlyAtApply(t *testing.T) {
	for name, block := range map[string]string{
		// One setting comes from another resource...
		"setting": `authentik = {
    url   = terraform_data.settings.output.url
    token = terraform_data.settings.output.token
  }`,
		// ...or the whole block does.
		"block": `authentik = terraform_data.settings.output`,
	} {
		t.Run(name, func(t *testing.T) {
			env := newTestEnv(t, authentikPlatform)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             stageGone(env),
				Steps: []resource.TestStep{{
					// Unknown while planning, which must not stop the plan.
					Config: `
resource "terraform_data" "settings" {
  input = { url = "` + env.url + `", token = "` + env.authentikToken + `", insecure = false }
}
provider "invitations" {
  ` + block + `
}
resource "invitations_stage_invitation" "test" {
  name    = "` + env.name("deferred") + `"
  expires = "2099-01-01T00:00:00Z"
}
`,
					Check: stageHeld(env, func(inv serverStage) error {
						if inv.Name != env.name("deferred") {
							return fmt.Errorf("server holds %+v", inv)
						}
						return nil
					}),
				}},
			})
		})
	}
}

// TestAccProvider_publicURL: the links the provider builds use
// authentik.public_url (else AUTHENTIK_PUBLIC_URL, else authentik.url),
// while requests go to authentik.url.
func TestAccProvider_publicURL(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	public := "https://enrol.example.com"
	config := func(setting string) string {
		return fmt.Sprintf(`
provider "invitations" {
  authentik = { url = %q, token = %q %s }
}
resource "invitations_stage_invitation" "test" {
  name    = %q
  expires = "2099-01-01T00:00:00Z"
  flow    = %q
}
data "invitations_stage_invitations" "all" {
  name       = %q
  depends_on = [invitations_stage_invitation.test]
}
`, env.url, env.authentikToken, setting, env.name("public"), env.fixture(t, envAccFlow), env.name("public"))
	}
	link := regexp.MustCompile(`^` + regexp.QuoteMeta(public) + `/if/flow/` + regexp.QuoteMeta(env.fixture(t, envAccFlowSlug)) + `/\?itoken=`)
	checks := resource.ComposeTestCheckFunc(
		resource.TestMatchResourceAttr(stageAddr, "invite_url", link),
		resource.TestMatchResourceAttr("data.invitations_stage_invitations.all", "invite_urls.0", link),
		stageHeld(env, func(serverStage) error { return nil }),
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{Config: config(`, public_url = "not a url"`), ExpectError: regexp.MustCompile(`(?s)public_url.*absolute http or https URL`)},
			{Config: config(`, public_url = "` + public + `/api/v3/"`), Check: checks},
			{
				PreConfig: func() { t.Setenv(EnvAuthentikPublicURL, public) },
				Config:    config(""),
				Check:     checks,
			},
		},
	})
}

// The send-email action warns at plan time when the links the provider
// builds and the one authentik emails differ: authentik builds it from the
// API request's address.
func TestStageSendEmail_warnsWhenURLsDiffer(t *testing.T) {
	a := &stageInvitationSendEmailAction{}
	var sch action.SchemaResponse
	a.Schema(t.Context(), action.SchemaRequest{}, &sch)
	config := tfsdk.Config{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(t.Context()), nil)}
	for _, tc := range []struct {
		internal, public string
		warns            bool
	}{
		{"http://authentik.internal:9000", "https://auth.example.com", true},
		{"https://auth.example.com", "https://auth.example.com", false},
	} {
		a.data = &providerData{authentikURL: tc.internal, authentikPublicURL: tc.public}
		var resp action.ModifyPlanResponse
		a.ModifyPlan(t.Context(), action.ModifyPlanRequest{Config: config}, &resp)
		warned := resp.Diagnostics.WarningsCount() == 1 && strings.Contains(resp.Diagnostics.Warnings()[0].Detail(), tc.internal)
		if warned != tc.warns || resp.Diagnostics.HasError() {
			t.Errorf("url %s, public_url %s: diagnostics %v, want a warning: %v", tc.internal, tc.public, resp.Diagnostics, tc.warns)
		}
	}
}

// TestAccProvider_unknownToken: authentik answers 403 "Token invalid/expired"
// to a token it does not know, such as one made through its API a day
// before; the error says what to use instead.
func TestAccProvider_unknownToken(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: strings.Replace(env.providerConfig(), env.authentikToken, "yesterdays-token", 1) + `
data "invitations_stage_invitations" "all" {
  name = "` + env.name("none") + `"
}
`,
			ExpectError: regexp.MustCompile(`(?s)HTTP 403:\s+Token invalid/expired.*expire\s+after\s+a\s+day\s+by\s+default.*non-expiring\s+API\s+token`),
		}},
	})
}
