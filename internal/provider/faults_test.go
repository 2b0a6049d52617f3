package provider

// Acceptance tests for the failure modes of issue 7: each plays one fault
// on the mock, with real Terraform, and checks the server's store as well
// as state: nothing duplicated, orphaned, corrupted or leaked.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// oneOfEach configures one invitation of each kind.
func oneOfEach(env *testEnv, extra string) string {
	return env.providerConfig() + `
resource "invitations_stage_invitation" "test" {
  name = "exactly-once"
  expires = "2099-01-01T00:00:00Z"
  ` + extra + `
}
resource "invitations_program_invitation" "test" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
  ` + extra + `
}
`
}

// bothOnServer checks that each kind has exactly one invitation on the
// server, the one in state.
func bothOnServer(env *testEnv) resource.TestCheckFunc {
	ok := func(mockserver.AuthentikInvitation) error { return nil }
	return resource.ComposeTestCheckFunc(stageOnServer(env, ok), programOnServer(env, func(mockserver.IBLInvitation) error { return nil }))
}

func bothDestroyed(env *testEnv) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(stageDestroyed(env), programDestroyed(env))
}

// TestAccFaults_createNeverRepeatedBlindly: a create whose outcome is not
// proven is looked for before anything is sent again.
func TestAccFaults_createNeverRepeatedBlindly(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults []mockserver.Fault
		posts  int // POSTs of each kind
	}{
		// Committed, then answered 503: a 503 proves nothing.
		{"committed-503", []mockserver.Fault{{Method: "POST", Status: 503, CommitThenFail: true}}, 1},
		// Committed, then answered 2xx with a body that is no invitation.
		{"committed-2xx-garbage", []mockserver.Fault{{Method: "POST", Status: 201, Body: "<html>Created</html>", CommitThenFail: true}}, 1},
		{"committed-2xx-empty-object", []mockserver.Fault{{Method: "POST", Status: 200, Body: "{}", CommitThenFail: true}}, 1},
		// Lost once, then the reconcile's own POST commits and fails too.
		{"reconcile-post-ambiguous", []mockserver.Fault{{Method: "POST", Status: 504}, {Method: "POST", Status: 502, CommitThenFail: true}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, needsFaults, mockserver.Options{})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             bothDestroyed(env),
				Steps: []resource.TestStep{{
					PreConfig: func() {
						for _, prefix := range []string{"/api/v3/", "/api/catalog/"} {
							for _, f := range tc.faults {
								f.PathPrefix = prefix
								env.srv.Script(f)
							}
						}
					},
					Config: oneOfEach(env, ""),
					Check: resource.ComposeTestCheckFunc(
						bothOnServer(env),
						func(*terraform.State) error {
							for prefix, want := range map[string]int{"/api/v3/": tc.posts, "/api/catalog/": tc.posts} {
								if n := env.srv.Count("POST", prefix); n != want {
									return fmt.Errorf("%d POSTs to %s, want %d", n, prefix, want)
								}
							}
							if n := env.srv.PendingFaults(); n != 0 {
								return fmt.Errorf("%d faults unused", n)
							}
							return nil
						},
					),
				}, {
					// The next plan is empty: state holds what the server has.
					Config:   oneOfEach(env, ""),
					PlanOnly: true,
				}},
			})
		})
	}
}

// TestAccFaults_cancelledCreateIsRecorded: a create cancelled by its
// timeout (as by Ctrl-C) after the server committed it is found on a
// detached context and recorded, with a warning.
func TestAccFaults_cancelledCreateIsRecorded(t *testing.T) {
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             bothDestroyed(env),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.srv.Script(mockserver.Fault{Method: "POST", PathPrefix: "/api/v3/", Hold: true, CommitThenFail: true},
					mockserver.Fault{Method: "POST", PathPrefix: "/api/catalog/", Hold: true, CommitThenFail: true})
			},
			Config: oneOfEach(env, `timeouts = { create = "1s" }`),
			Check: resource.ComposeTestCheckFunc(bothOnServer(env), func(*terraform.State) error {
				if n := env.srv.Held(); n != 0 {
					return fmt.Errorf("%d answers still held", n)
				}
				return nil
			}),
		}, {
			Config:   oneOfEach(env, `timeouts = { create = "1s" }`),
			PlanOnly: true,
		}},
	})
}

// TestAccFaults_unusableReadsNeverReachState: a GET answered 200 {} or
// with another invitation, and list pages without results, are errors;
// state keeps the invitation, and destroy removes it.
func TestAccFaults_unusableReadsNeverReachState(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault mockserver.Fault
		want  string
	}{
		{"stage-get-empty-object", mockserver.Fault{Method: "GET", PathPrefix: "/api/v3/", Status: 200, Body: "{}"}, `HTTP 200 with an unusable body: the invitation has no pk`},
		{"stage-get-other-invitation", mockserver.Fault{Method: "GET", PathPrefix: "/api/v3/", Status: 200,
			Body: `{"pk":"11111111-2222-4333-8444-555555555555","name":"exactly-once","fixed_data":{},"single_use":false}`}, `answered with another invitation`},
		{"program-page-empty-object", mockserver.Fault{Method: "GET", PathPrefix: "/api/catalog/", Status: 200, Body: "{}"}, `HTTP 200 with an unusable body: the list page has no results`},
		{"program-page-null", mockserver.Fault{Method: "GET", PathPrefix: "/api/catalog/", Status: 200, Body: "null"}, `the list page has no results`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, needsFaults, mockserver.Options{})
			var ids [2]string
			keep := func(s *terraform.State) error {
				ids = [2]string{s.RootModule().Resources[stageAddr].Primary.ID, s.RootModule().Resources[programAddr].Primary.ID}
				return nil
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             bothDestroyed(env),
				Steps: []resource.TestStep{
					{Config: oneOfEach(env, ""), Check: keep},
					{
						PreConfig:   func() { env.srv.Script(tc.fault) },
						Config:      oneOfEach(env, ""),
						ExpectError: wrapped(tc.want),
					},
					{
						// State still names the same invitations: nothing to do.
						Config: oneOfEach(env, ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeTestCheckFunc(bothOnServer(env), func(s *terraform.State) error {
							if got := s.RootModule().Resources[stageAddr].Primary.ID; got != ids[0] {
								return fmt.Errorf("the stage invitation's id changed")
							}
							if got := s.RootModule().Resources[programAddr].Primary.ID; got != ids[1] {
								return fmt.Errorf("the program invitation's id changed: %s, was %s", got, ids[1])
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

func TestAccFaults_dataSourcePagesWithoutResults(t *testing.T) {
	for _, tc := range []struct{ kind, prefix, body string }{
		{"invitations_stage_invitations", "/api/v3/", "{}"}, {"invitations_stage_invitations", "/api/v3/", "null"},
		{"invitations_program_invitations", "/api/catalog/", "{}"}, {"invitations_program_invitations", "/api/catalog/", `{"count": 3, "next": null}`},
	} {
		t.Run(tc.kind+"-"+tc.body, func(t *testing.T) {
			env := newMockEnv(t, needsFaults, mockserver.Options{})
			env.srv.SeedAuthentik(3, "seeded")
			env.srv.IBLOf(mockserver.IBLKindProgram).Seed(3, "acme+onboarding")
			env.srv.Script(mockserver.Fault{Method: "GET", PathPrefix: tc.prefix, Status: 200, Body: tc.body})
			body := ""
			if tc.kind == "invitations_program_invitations" {
				body = `org = "acme"`
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      dataConfig(env, tc.kind, body),
					ExpectError: wrapped(`HTTP 200 with an unusable body: the list page has no`),
				}},
			})
		})
	}
}

// TestAccFaults_redirectsKeepCredentials: a redirect to another port, or
// of a write, fails with the URL to configure; the other server never sees
// a credential, and nothing is created twice.
func TestAccFaults_redirectsKeepCredentials(t *testing.T) {
	var stolen atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		w.WriteHeader(http.StatusTeapot)
	}))
	defer other.Close()
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	env.iblExtra = `auth_scheme = "Api-Token"`
	cfg := stageConfig(env, `name = "redirected"`)
	cfg = strings.Replace(cfg, `retry_wait_min`, `headers = { X-Tenant = "acme-secret-routing" }`+"\n  retry_wait_min", 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(stageDestroyed(env), func(*terraform.State) error {
			if n := stolen.Load(); n != 0 {
				return fmt.Errorf("the other server received %d request(s)", n)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				// A POST redirected, even to the same origin: refused, looked
				// for (not found), not sent again.
				PreConfig: func() {
					env.srv.Script(mockserver.Fault{Method: "POST", PathPrefix: "/api/v3/", Status: 307, Location: "/api/v3/stages/invitation/invitations/"})
				},
				Config:      cfg,
				ExpectError: wrapped(`which was refused: only reads follow redirects, so the POST was not sent there; the invitation was looked for and not found: nothing was created`),
				Check:       stageDestroyed(env),
			},
			{Config: cfg, Check: stageOnServer(env, func(mockserver.AuthentikInvitation) error { return nil })},
			{
				// A read redirected to another port: refused, naming the setting.
				PreConfig: func() {
					env.srv.Script(mockserver.Fault{Method: "GET", PathPrefix: "/api/v3/", Status: 302, Location: other.URL + "/api/v3/elsewhere/"})
				},
				RefreshState: true,
				ExpectError:  wrapped(`the server redirected to ` + other.URL + `/api/v3/elsewhere/, which was refused: credentials are only sent to ` + env.url + `, the configured scheme, host and port (if the API now lives there, set authentik.url`),
			},
		},
	})
}

// TestAccFaults_secretsInServerMessages: a server that echoes the API key,
// a configured header and an invite token in a 400 does not get them into
// the diagnostic or the TRACE log; nor do header values and a password in
// the URL's user info.
func TestAccFaults_secretsInServerMessages(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	var pk string
	withSecrets := func(body string) string {
		cfg := stageConfig(env, body)
		cfg = strings.Replace(cfg, `retry_wait_min`, `headers = { X-Gateway-Key = "gw-secret-value" }`+"\n  retry_wait_min", 1)
		return strings.Replace(cfg, "url   = \"http://", "url   = \"http://admin:url-password@", 1)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: withSecrets(`name = "echoed"`)},
			{
				PreConfig: func() {
					pk = pkOf(t, env, "echoed")
					env.srv.Script(mockserver.Fault{Method: "PATCH", PathPrefix: "/api/v3/", Status: 400, Body: fmt.Sprintf(
						`{"name": ["token %s, key %s and invitation %s are not allowed"]}`,
						mockserver.AuthentikAdminToken, mockserver.IBLAdminKey, pk)})
				},
				Config:      withSecrets(`name = "echoed-2"`),
				ExpectError: wrapped(`The server rejected name: token ***, key ` + mockserver.IBLAdminKey + ` and invitation *** are not allowed`),
			},
			{
				// The same with a message only, no field.
				PreConfig: func() {
					env.srv.Script(mockserver.Fault{Method: "PATCH", PathPrefix: "/api/v3/", Status: 400,
						Body: fmt.Sprintf(`{"detail": "header gw-secret-value, password url-password, invitation %s"}`, pk)})
				},
				Config:      withSecrets(`name = "echoed-3"`),
				ExpectError: wrapped(`HTTP 400: header ***, password ***, invitation ***`),
			},
		},
	})
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := providerLines(string(raw))
	if !strings.Contains(log, "X-Gateway-Key: ***") {
		t.Errorf("the log lacks the masked header: logging did not happen as expected")
	}
	for name, secret := range map[string]string{"API token": mockserver.AuthentikAdminToken, "invite token": pk,
		"header value": "gw-secret-value", "URL password": "url-password"} {
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("the %s appears in the TRACE log: …%s…", name, log[max(0, i-200):min(len(log), i+80)])
		}
	}
}

// TestAccFaults_oneServerRowPerUser: the server keeps one program
// invitation per program and user, emails compared without regard to case.
// Two resources for one user fail instead of sharing (and destroying) it,
// and an active invitation made outside Terraform is never taken over.
func TestAccFaults_oneServerRowPerUser(t *testing.T) {
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	first := programConfig(env, `
  program_key = "acme+data-science"
  email       = "ada@example.com"
`)
	twin := func(dependsOn string) string {
		return first + `
resource "invitations_program_invitation" "twin" {
  program_key = "acme+data-science"
  email       = "Ada@Example.com"
  ` + dependsOn + `
}
`
	}
	onlyFirst := programOnServer(env, func(inv mockserver.IBLInvitation) error {
		if !inv.Active || inv.Email != "ada@example.com" {
			return fmt.Errorf("server holds %+v", inv)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDestroyed(env),
		Steps: []resource.TestStep{
			{
				// In one apply: the second is refused before anything is sent.
				PreConfig:   env.srv.ResetCounts,
				Config:      twin(`depends_on = [invitations_program_invitation.test]`),
				ExpectError: wrapped(`Another invitations_program_invitation of this configuration already invites Ada@Example.com to acme+data-science`),
				Check: func(*terraform.State) error {
					if n := env.srv.Count("POST", ""); n != 1 {
						return fmt.Errorf("%d POSTs, want 1", n)
					}
					return nil
				},
			},
			{Config: first, Check: onlyFirst},
			{
				// In a later apply: the existing invitation is named, not taken over.
				Config:      twin(""),
				ExpectError: wrapped(`Ada@Example.com already has an active invitation to acme+data-science: program invitation`),
			},
			{
				// Nothing changed on the server: the first one's invitation stands.
				Config:           first,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            onlyFirst,
			},
		},
	})
}

// TestAccFaults_unansweredCreateEndsWithinItsTimeout: against a server
// that accepts connections and never answers, a create with
// timeouts.create = "3s" ends with the "may exist" error in well under 20
// seconds: the detached look-up after it is bounded by the operation's
// timeout, not only by its own 30 seconds.
func TestAccFaults_unansweredCreateEndsWithinItsTimeout(t *testing.T) {
	stop := make(chan struct{})
	silent := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(func() { close(stop); silent.Close() })
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	env.url, env.iblURL = silent.URL, silent.URL
	var took time.Duration
	start := time.Now()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:   func() { start = time.Now() },
			Config:      oneOfEach(env, `timeouts = { create = "3s" }`),
			ExpectError: regexp.MustCompile(`may exist on\s+the server`),
			Check:       func(*terraform.State) error { return nil },
		}, {
			PreConfig: func() { took = time.Since(start) },
			Config:    env.providerConfig(),
		}},
	})
	if took > 20*time.Second {
		t.Errorf("the create took %s against a server that never answers, with timeouts.create = 3s", took)
	}
}
