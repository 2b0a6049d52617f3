package provider

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// pkOf reads, through the API's exact name filter, the token of the one
// invitation named name, for a test that acts on the server behind
// Terraform's back.
func pkOf(t *testing.T, env *testEnv, name string) string {
	t.Helper()
	var p struct {
		Results []serverStage `json:"results"`
	}
	status, err := env.call(http.MethodGet, env.authentikUpstream+stagePath+"?"+url.Values{"name": {name}}.Encode(), env.stageAuth(), nil, &p)
	if err != nil || status != http.StatusOK {
		t.Fatalf("listing invitations named %q: status %d, %v", name, status, err)
	}
	if len(p.Results) != 1 {
		t.Fatalf("%d invitations named %q on the server, want 1", len(p.Results), name)
	}
	return p.Results[0].PK
}

func TestAccStageInvitation_validation(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	bad := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: stageConfig(env, body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Every rule is enforced at plan time: not one request reached the server.
		CheckDestroy: noRequests(env),
		Steps: []resource.TestStep{
			bad(`name = ""`, `(?s)Attribute name string length must be at least 1`),
			// authentik deletes invitations without expires within minutes.
			{
				Config:      env.providerConfig() + "resource \"invitations_stage_invitation\" \"test\" {\n  name = \"no-expiry\"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Missing required argument.*The argument "expires" is required`),
			},
			bad(`name = "has space"`, `(?s)Attribute name must contain only letters, digits, hyphens and underscores`),
			bad("name = \"ok\"\nflow = \"not-a-uuid\"", `(?s)Attribute flow must be a UUID`),
			bad("name = \"ok\"\nexpires = \"31/01/2099\"", `(?s)Invalid RFC3339 String Value.*expires`),
			bad("name = \"ok\"\nexpires = \"2001-01-01T00:00:00Z\"", `(?s)expires.*not in the future`),
			bad("name = \"ok\"\nfixed_data = \"{not json\"", `(?s)Invalid JSON String Value`),
			bad("name = \"ok\"\nfixed_data = jsonencode([1, 2])", `(?s)fixed_data must be a JSON object`),
			bad("name = \"ok\"\nfixed_data = \"\"", `(?s)Invalid JSON String Value`),
			bad("name = \"ok\"\ntimeouts = { read = \"-1m\" }", `(?s)timeouts.read must be longer than zero`),
			// A bad duration is named on the attribute, at plan time.
			bad("name = \"ok\"\ntimeouts = { update = \"soon\" }", `(?s)Invalid timeout.*with invitations_stage_invitation.test,.*timeouts.update must be a Go duration such as "30s" or "5m", got "soon"`),
		},
	})
}

func TestAccStageInvitation_serverValidation(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// A well-formed UUID of a flow the server does not have: only the
			// server can tell, and the error points at the argument.
			Config:      stageConfig(env, "name = \"x\"\nflow = \"11111111-2222-4333-8444-555555555555\""),
			ExpectError: regexp.MustCompile(`(?s)on terraform_plugin_test.tf line \d+, in resource "invitations_stage_invitation" "test":.*flow = "11111111.*The server rejected flow: Invalid pk.*does not exist.*HTTP 400`),
		}},
	})
}

func TestAccStageInvitation_unconfiguredPlatform(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "invitations" {}
resource "invitations_stage_invitation" "test" {
  name    = "x"
  expires = "2099-01-01T00:00:00Z"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)authentik is not configured.*authentik.url is not set.*AUTHENTIK_URL`),
		}},
	})
}

// TestAccStageInvitation_changedOutside: arguments changed behind
// Terraform's back are drift: the plan puts them back in place, with the
// same invitation (the same token).
func TestAccStageInvitation_changedOutside(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	idSame := statecheck.CompareValue(compare.ValuesSame())
	cfg := stageConfig(env, `name = "`+env.name("kept")+`"`+"\nsingle_use = true\nfixed_data = jsonencode({ team = \"a\" })")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{idSame.AddStateValue(stageAddr, tfjsonpath.New("id"))}},
			{
				PreConfig: func() {
					pk := pkOf(t, env, env.name("kept"))
					if err := env.patchStage(pk, map[string]any{"single_use": false, "fixed_data": map[string]any{"team": "b"}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{idSame.AddStateValue(stageAddr, tfjsonpath.New("id"))},
				Check: stageHeld(env, func(inv serverStage) error {
					if !inv.SingleUse || inv.FixedData["team"] != "a" {
						return fmt.Errorf("drift not put back: %+v", inv)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccStageInvitation_drift(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	newID := statecheck.CompareValue(compare.ValuesDiffer()) // a new invitation at each step that adds it
	cfg := stageConfig(env, `name = "`+env.name("drifter")+`"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// Without a flow there is no slug and no link: the plan says so.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(stageAddr, tfjsonpath.New("flow_slug"), knownvalue.Null()),
						plancheck.ExpectKnownValue(stageAddr, tfjsonpath.New("invite_url"), knownvalue.Null()),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))},
			},
			{
				PreConfig: func() {
					if err := env.deleteStage(pkOf(t, env, env.name("drifter"))); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))},
				Check:             stageHeld(env, func(serverStage) error { return nil }),
			},
		},
	})
}

func TestAccStageInvitation_used(t *testing.T) {
	env := newMockEnv(t, needsInvitee, mockserver.Options{})
	newID := statecheck.CompareValue(compare.ValuesDiffer()) // a new invitation at each step that adds it
	keep := stageConfig(env, "name = \"one-shot\"\nsingle_use = true\nflow = \""+flowDefault+"\"")
	reissue := stageConfig(env, "name = \"one-shot\"\nsingle_use = true\nflow = \""+flowDefault+"\"\nreissue = true")
	use := func() {
		if err := env.srv.UseAuthentikInvitation(pkOf(t, env, "one-shot")); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: keep, ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))}},
			{
				// Used: authentik deleted it. With reissue = false it stays in
				// state as used, and is not issued again.
				PreConfig:    use,
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(stageAddr, "status", "used"),
					resource.TestCheckNoResourceAttr(stageAddr, "invite_url"),
				),
			},
			{
				Config: keep,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if n := len(env.srv.AuthentikInvitations()); n != 0 {
						return fmt.Errorf("a used invitation was issued again: %d on the server", n)
					}
					return nil
				},
			},
			{
				// Asking for a reissue replaces it with a new invitation.
				Config: reissue,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					newID.AddStateValue(stageAddr, tfjsonpath.New("id")),
				},
				Check: stageOnServer(env, func(mockserver.AuthentikInvitation) error { return nil }),
			},
			{
				// With reissue = true, a used invitation is planned again.
				PreConfig: use,
				Config:    reissue,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))},
				Check:             stageOnServer(env, func(mockserver.AuthentikInvitation) error { return nil }),
			},
		},
	})
}

func TestAccStageInvitation_expired(t *testing.T) {
	clock := &fakeClock{}
	env := newMockEnv(t, needsClock, mockserver.Options{Now: clock.Now})
	newID := statecheck.CompareValue(compare.ValuesDiffer()) // a new invitation at each step that adds it
	soon := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	later := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.factories(),
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:            stageConfig(env, "name = \"short-lived\"\nexpires = \""+soon+"\""),
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))},
			},
			{
				// Two hours later, authentik has removed the expired invitation.
				PreConfig:    func() { clock.Advance(2 * time.Hour) },
				RefreshState: true,
				Check:        resource.TestCheckResourceAttr(stageAddr, "status", "expired"),
			},
			{
				Config:   stageConfig(env, "name = \"short-lived\"\nexpires = \""+soon+"\""),
				PlanOnly: true, // not issued again
			},
			{
				// Extending it issues a new invitation.
				Config: stageConfig(env, "name = \"short-lived\"\nexpires = \""+later+"\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(stageAddr, tfjsonpath.New("id"))},
				Check:             stageOnServer(env, func(mockserver.AuthentikInvitation) error { return nil }),
			},
		},
	})
}

func TestAccStageInvitation_equivalentSpellings(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	flow := env.fixture(t, envAccFlow)
	for _, tc := range []struct{ name, expires string }{
		{"offset", "2099-02-01T01:59:59+02:00"},
		{"zero-offset", "2099-01-31T23:59:59+00:00"},
		{"fraction", "2099-01-31T23:59:59.500Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := stageConfig(env, fmt.Sprintf(`
  name       = "%s"
  flow       = "%s"
  expires    = "%s"
  fixed_data = "{\"b\": 1,   \"a\": {\"y\": [2, 1], \"x\": null}}"
`, env.name("spelled-"+tc.name), strings.ToUpper(flow), tc.expires))
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             stageGone(env),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							// The configuration's spelling is kept; the server's is equivalent.
							statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("expires"), knownvalue.StringExact(tc.expires)),
						},
					},
					{RefreshState: true},
					{Config: cfg, PlanOnly: true},
				},
			})
		})
	}
}

func TestAccStageInvitation_retries(t *testing.T) {
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	cfg := stageConfig(env, `name = "flaky-network"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{
				// 429: the server did nothing, so even a create is sent again.
				// (How long Retry-After makes it wait is backoff's unit test.)
				PreConfig: func() {
					env.srv.ResetCounts()
					env.srv.Script(mockserver.Fault{Method: "POST", Status: 429, RetryAfter: "0"})
				},
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					// The 429 is refused, the POST sent again; then the run's
					// first create reads its invitation back (ownViews).
					env.requests(map[string]int{"POST": 2, "GET": 1}),
					stageOnServer(env, func(mockserver.AuthentikInvitation) error { return nil }),
				),
			},
			{
				// A burst of 503 on reads is ridden out.
				PreConfig: func() {
					env.srv.ResetCounts()
					for range 3 {
						env.srv.Script(mockserver.Fault{Method: "GET", Status: 503})
					}
				},
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					env.requests(map[string]int{"GET": 4}),
					func(*terraform.State) error {
						if n := env.srv.PendingFaults(); n != 0 {
							return fmt.Errorf("%d faults unused", n)
						}
						return nil
					},
				),
			},
			{
				// Retry-After as an HTTP date (past: go now), on a PATCH.
				PreConfig: func() {
					env.srv.ResetCounts()
					env.srv.Script(mockserver.Fault{Method: "PATCH", Status: 429, RetryAfter: time.Now().Add(-time.Minute).UTC().Format(http.TimeFormat)})
				},
				Config: stageConfig(env, `name = "flaky-network-2"`),
				Check:  env.requests(map[string]int{"GET": 1, "PATCH": 2}),
			},
		},
	})
}

func TestAccStageInvitation_ambiguousCreate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault mockserver.Fault
		want  map[string]int // requests during the create
	}{
		// The POST took effect but the client saw a 502: found and adopted.
		// (Each create ends with the run's read-back: one GET more.)
		{"committed-502", mockserver.Fault{Method: "POST", Status: 502, CommitThenFail: true}, map[string]int{"POST": 1, "GET": 2}},
		// The POST took effect and the connection dropped: found and adopted.
		{"committed-dropped", mockserver.Fault{Method: "POST", Drop: true, CommitThenFail: true}, map[string]int{"POST": 1, "GET": 2}},
		// A gateway timed out before the backend saw it: nothing found, sent
		// again, and one more look for a late commit of the first attempt.
		{"lost-504", mockserver.Fault{Method: "POST", Status: 504}, map[string]int{"POST": 2, "GET": 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, needsFaults, mockserver.Options{})
			// A same-named invitation with other settings must not be adopted.
			env.srv.SeedAuthentik(1, "other")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					PreConfig: func() {
						env.srv.ResetCounts()
						env.srv.Script(tc.fault)
					},
					Config: stageConfig(env, "name = \"other-1\"\nfixed_data = jsonencode({ team = \"a\" })"),
					Check: resource.ComposeTestCheckFunc(
						env.requests(tc.want),
						func(s *terraform.State) error {
							all := env.srv.AuthentikInvitations()
							if len(all) != 2 {
								return fmt.Errorf("want the seeded invitation and exactly one new one, got %d", len(all))
							}
							id := s.RootModule().Resources[stageAddr].Primary.ID
							for _, inv := range all {
								if inv.PK == id && inv.FixedData["team"] == "a" {
									return nil
								}
							}
							return fmt.Errorf("state id %s is not the new invitation", id)
						},
					),
				}},
			})
		})
	}
}

// TestAccStageInvitation_secretsNotLogged runs with TF_LOG=TRACE and reads
// the provider's log: the requests are there, the token and the invite
// token are not.
func TestAccStageInvitation_secretsNotLogged(t *testing.T) {
	logFile := traceLog(t)
	env := newTestEnv(t, authentikPlatform)
	var pk string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{Config: stageConfig(env, "name = \""+env.name("secret-keeper")+"\"\nflow = \""+env.fixture(t, envAccFlow)+"\"")},
			{PreConfig: func() { pk = pkOf(t, env, env.name("secret-keeper")) }, RefreshState: true},
			{Config: stageConfig(env, "name = \""+env.name("secret-keeper-2")+"\"\nflow = \""+env.fixture(t, envAccFlow)+"\"")},
		},
	})
	noSecretsLogged(t, logFile, []string{"POST", "PATCH"}, map[string]string{"API token": env.authentikToken, "invite token": pk})
}

// TestAccStageInvitation_secretsNotLoggedReading: the same for what reads
// tokens without managing them: the data source's listing, the ephemeral
// link by name and by id, and an import by name.
func TestAccStageInvitation_secretsNotLoggedReading(t *testing.T) {
	logFile := traceLog(t)
	env := newTestEnv(t, authentikPlatform)
	flow := env.fixture(t, envAccFlow)
	for i := 1; i <= 3; i++ {
		inv := env.createStage(t, map[string]any{"name": "listed-" + strconv.Itoa(i), "flow": flow})
		t.Cleanup(func() { _ = env.deleteStage(inv.PK) })
	}
	secrets := map[string]string{"API token": env.authentikToken, "invite token read by name and by id": pkOf(t, env, env.name("listed-1")),
		"invite token imported by name": pkOf(t, env, env.name("listed-2")), "invite token only listed": pkOf(t, env, env.name("listed-3"))}
	reads := env.providerConfig() + `
data "invitations_stage_invitations" "all" {
  search = "` + env.prefix + `-"
}

data "invitations_stage_invitations" "one" {
  name = "` + env.name("listed-1") + `"
}

ephemeral "invitations_stage_invitation_link" "by_name" {
  name = "` + env.name("listed-1") + `"
}

ephemeral "invitations_stage_invitation_link" "by_id" {
  invitation_id = data.invitations_stage_invitations.one.ids[0]
}
`
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Ephemeral)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: reads},
			{Config: stageConfig(env, "name = \""+env.name("listed-2")+"\"\nflow = \""+flow+"\""), ResourceName: stageAddr, ImportState: true, ImportStateId: "name:" + env.name("listed-2"),
				ImportStatePersist: true},
		},
	})
	noSecretsLogged(t, logFile, []string{"GET", "DELETE"}, secrets)
}

// traceLog sets TF_LOG=TRACE for the test and returns the log's file.
func traceLog(t *testing.T) string {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	return logFile
}

// noSecretsLogged reads the provider's lines of the log: they show the
// requests (methods), and none of the secrets.
func noSecretsLogged(t *testing.T, logFile string, methods []string, secrets map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := providerLines(string(raw))
	for _, want := range append([]string{"authentik_http", "received response", "Bearer ***"}, methods...) {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q: logging did not happen as expected", want)
		}
	}
	for name, secret := range secrets {
		if secret == "" {
			t.Fatalf("%s unknown", name)
		}
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("the %s appears in the TRACE log: …%s…", name, log[max(0, i-200):min(len(log), i+80)])
		}
	}
}

// providerLines keeps the log entries the provider wrote (its own
// subsystems and the plugin SDK's), continuation lines included, leaving out
// the test harness (which logs the configuration it writes, credentials
// included) and Terraform core.
func providerLines(log string) string {
	entry := regexp.MustCompile(`^\S+ \[[A-Z]+\] (\S+):`)
	var b strings.Builder
	keep := false
	for _, line := range strings.Split(log, "\n") {
		if m := entry.FindStringSubmatch(line); m != nil {
			keep = strings.HasPrefix(m[1], "invitations") || strings.HasPrefix(m[1], "sdk.framework") || strings.HasPrefix(m[1], "sdk.proto")
		}
		if keep {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestAccStageInvitation_importedOffset: after import, expires is the
// server's UTC spelling; a configuration with another offset plans one
// update that sends no request, and then nothing.
func TestAccStageInvitation_importedOffset(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	utc := stageConfig(env, "name = \""+env.name("offsets")+"\"\nexpires = \"2099-01-31T23:59:59Z\"")
	offset := stageConfig(env, "name = \""+env.name("offsets")+"\"\nexpires = \"2099-02-01T01:59:59+02:00\"")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{Config: utc},
			// Forgotten by state, kept on the server, then imported.
			{Config: env.providerConfig() + "removed {\n  from = " + stageAddr + "\n  lifecycle {\n    destroy = false\n  }\n}\n"},
			{Config: offset, ResourceName: stageAddr, ImportState: true, ImportStateId: "name:" + env.name("offsets"), ImportStatePersist: true},
			{
				PreConfig: env.resetCounts,
				Config:    offset,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionUpdate)},
				},
				// The refresh, and no write.
				Check: env.requests(map[string]int{"GET": 1}),
			},
			{Config: offset, PlanOnly: true},
		},
	})
}

// TestAccStageInvitation_deletedOutsideNamesTheCreator: the warning for an
// invitation deleted outside Terraform names the other way authentik
// deletes one, with the user who created it.
func TestAccStageInvitation_deletedOutsideNamesTheCreator(t *testing.T) {
	acctest.RequireAcc(t)
	env := newTestEnv(t, authentikPlatform)
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	ws.Write("main.tf", stageConfig(env, `name = "`+env.name("gone")+`"`)+`
terraform {
  required_providers {
    invitations = { source = "`+RegistryAddress+`" }
  }
}
`)
	if err := ws.TF.Apply(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := env.deleteStage(pkOf(t, env, env.name("gone"))); err != nil {
		t.Fatal(err)
	}
	out, err := ws.Run(t.Context(), "plan", "-no-color")
	if err != nil || !strings.Contains(out, "Invitation deleted outside Terraform") ||
		!strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " "), "or the user who created it was deleted") {
		t.Fatalf("plan: %v\n%s", err, out)
	}
}
