package provider

// Stage invitations on authentik as it really is (the mock's defaults):
// pages capped at 100, ties under -expires in an order that changes per
// request, a cleanup job that deletes expired and expiry-less invitations,
// names without a length limit, send_email as the real view.

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// tiedConfig is n stage invitations that all share one expires.
func tiedConfig(env *testEnv, n int) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_stage_invitation" "tied" {
  count   = %d
  name    = "tied-${count.index}"
  expires = %q
}
`, n, farFuture)
}

// authentikRequests counts the requests authentik received since the last
// reset, checks them against at most, and resets.
func authentikRequests(t *testing.T, env *testEnv, what string, atMost int, posts int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, p := env.srv.Count("", "/api/v3/"), env.srv.Count("POST", "/api/v3/")
		t.Logf("%s: %d requests to authentik (%v)", what, n, env.srv.CountsByRoute())
		env.srv.ResetCounts()
		if n > atMost || p != posts {
			return fmt.Errorf("%s took %d requests to authentik (%d POSTs), want at most %d (%d POSTs)", what, n, p, atMost, posts)
		}
		return nil
	}
}

// listingsOrdered checks that every authentik listing asked for an order
// with a unique key.
func listingsOrdered(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range env.srv.Requests() {
			if r.Method != "GET" || r.Path != "/api/v3/stages/invitation/invitations/" {
				continue
			}
			q, _ := url.ParseQuery(r.Query)
			if o := q.Get("ordering"); !strings.Contains(o, "pk") {
				return fmt.Errorf("a listing asked for ordering %q, without a unique key", o)
			}
		}
		return nil
	}
}

// TestAccStageInvitation_noopPlanBudget: a no-op plan of 1,000 stage
// invitations on a server of 100 a page costs at most 12 requests (the
// first read on its own, then 10 pages) when nothing is gone, plus two for
// each invitation that really is gone (its GET answering 404, and the
// listing by name that confirms it), and plans exactly those again.
func TestAccStageInvitation_noopPlanBudget(t *testing.T) {
	acctest.RequireAcc(t)
	env := newMockEnv(t, needsScale, mockserver.Options{})
	// The CLI through terraform-exec: plugin-testing would run each step's
	// plans and state reads again, minutes of Terraform on 1,000 objects.
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	ws.Write("main.tf", fmt.Sprintf("terraform {\n  required_providers {\n    invitations = { source = %q }\n  }\n}\n", RegistryAddress)+tiedConfig(env, 1000))
	ctx := t.Context()
	if err := ws.TF.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	env.srv.ResetCounts()
	if changes, err := ws.TF.Plan(ctx); err != nil || changes {
		t.Fatalf("a no-op plan of 1,000: changes %v, %v", changes, err)
	}
	for _, check := range []resource.TestCheckFunc{listingsOrdered(env), authentikRequests(t, env, "a no-op plan of 1,000", 12, 0)} {
		if err := check(nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"tied-3", "tied-500", "tied-999"} {
		env.srv.DeleteAuthentikInvitation(pkOf(t, env, name))
	}
	env.srv.ResetCounts()
	planFile := filepath.Join(ws.Dir, "gone.tfplan")
	if _, err := ws.TF.Plan(ctx, tfexec.Out(planFile)); err != nil {
		t.Fatal(err)
	}
	// The plan: the no-op's 12, and for each of the 3 gone its GET (a 404)
	// and the listing by name that confirms it is gone, not hidden.
	if err := authentikRequests(t, env, "a plan of 1,000 with 3 gone", 12+2*3, 0)(nil); err != nil {
		t.Error(err)
	}
	plan, err := ws.TF.ShowPlanFile(ctx, planFile)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, rc := range plan.ResourceChanges {
		actions[rc.Address] = fmt.Sprint(rc.Change.Actions)
	}
	for addr, want := range map[string]string{"invitations_stage_invitation.tied[3]": "[create]", "invitations_stage_invitation.tied[500]": "[create]",
		"invitations_stage_invitation.tied[999]": "[create]", "invitations_stage_invitation.tied[4]": "[no-op]"} {
		if actions[addr] != want {
			t.Errorf("%s: planned %s, want %s", addr, actions[addr], want)
		}
	}
	if err := ws.TF.Apply(ctx, tfexec.DirOrPlan(planFile)); err != nil {
		t.Fatal(err)
	}
	// The apply: the 3 POSTs, and the read-back of the run's first create.
	if err := authentikRequests(t, env, "the apply of the 3", 3+1, 3)(nil); err != nil {
		t.Error(err)
	}
	if changes, err := ws.TF.Plan(ctx); err != nil || changes {
		t.Fatalf("the plan after re-creating the 3: changes %v, %v", changes, err)
	}
	if err := authentikRequests(t, env, "the plan after it", 12, 0)(nil); err != nil {
		t.Error(err)
	}
	if err := ws.TF.Destroy(ctx, tfexec.Refresh(false)); err != nil {
		t.Fatal(err)
	}
	if err := stageDestroyed(env)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccStageInvitation_tiedExpiresCleanupWhilePaging reproduces the bug:
// 250 invitations share one expires, the server pages 100 at a time with
// no tie break, and its cleanup job deletes rows while the provider pages
// (here 40 expiry-less invitations made outside Terraform, listed first
// under -expires). A no-op plan stays a no-op: nothing is planned twice.
func TestAccStageInvitation_tiedExpiresCleanupWhilePaging(t *testing.T) {
	env := newMockEnv(t, needsCleanupJob, mockserver.Options{})
	cfg := tiedConfig(env, 250)
	seedExpiryless := func() {
		for i := range 40 {
			env.srv.AddAuthentikInvitation(fmt.Sprintf("outside-%d", i), nil)
		}
		env.srv.CleanupAuthentikAfterListPages(1)
		env.srv.ResetCounts()
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: seedExpiryless,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeTestCheckFunc(listingsOrdered(env), func(*terraform.State) error {
					if n := env.srv.Count("POST", "/api/v3/"); n != 0 {
						return fmt.Errorf("%d invitations created: duplicates of live ones", n)
					}
					if n := len(env.srv.AuthentikInvitations()); n != 250 {
						return fmt.Errorf("the server holds %d invitations, want the 250", n)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccStageInvitation_expiredThenCleanedUp: an invitation past its
// expires reads as expired while the server still lists it, and still as
// expired (never "deleted outside Terraform") once the cleanup job has
// deleted it; reissue = true then issues a new one.
func TestAccStageInvitation_expiredThenCleanedUp(t *testing.T) {
	clock := &fakeClock{}
	env := newMockEnv(t, needsClock, mockserver.Options{Now: clock.Now})
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	body := "name = \"short\"\nexpires = \"" + exp + "\""
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.factories(),
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: stageConfig(env, body)},
			{
				// Expired, still on the server: expired.
				PreConfig: func() { clock.Advance(2 * time.Hour) },
				Config:    stageConfig(env, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact(statusExpired)),
				},
				Check: func(*terraform.State) error {
					if n := len(env.srv.AuthentikInvitations()); n != 1 {
						return fmt.Errorf("the server holds %d invitations, want the expired one", n)
					}
					return nil
				},
			},
			{
				// Deleted by the cleanup job: still expired, nothing planned.
				PreConfig: func() {
					if n := env.srv.CleanupAuthentik(); n != 1 {
						t.Fatalf("cleanup deleted %d", n)
					}
				},
				Config: stageConfig(env, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact(statusExpired)),
				},
			},
			{
				// Asked for explicitly, a new invitation with a new expires.
				Config: stageConfig(env, "name = \"short\"\nexpires = \""+farFuture+"\"\nreissue = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact(statusActive)),
				},
			},
		},
	})
}

// TestAccStageInvitation_expiredWithoutReissueWarns: the refresh of an
// expired invitation still listed says so, and does not call it deleted.
func TestAccStageInvitation_expiredWithoutReissueWarns(t *testing.T) {
	clock := &fakeClock{}
	env := newMockEnv(t, needsClock, mockserver.Options{Now: clock.Now})
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	cfg := stageConfig(env, "name = \"warned\"\nexpires = \""+exp+"\"")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clock.factories(),
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:          func() { clock.Advance(2 * time.Hour) },
				RefreshState:       true,
				ExpectNonEmptyPlan: false,
				Check:              resource.TestCheckResourceAttr(stageAddr, "status", statusExpired),
			},
		},
	})
}

// TestAccStageInvitation_longNames: names follow the slug pattern only;
// servers from 2025.12 (the mock's default plays 2026.8) take a
// 120-character name.
func TestAccStageInvitation_longNames(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	long := env.name(strings.Repeat("n", 120-len(env.name(""))))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{{
			Config: stageConfig(env, `name = "`+long+`"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("name"), knownvalue.StringExact(long)),
			},
		}},
	})
}

// TestAccStageInvitation_longNamesOnOldServer: a server before 2025.12
// limits names to 50 characters; its 400 is shown on name, at apply.
func TestAccStageInvitation_longNamesOnOldServer(t *testing.T) {
	long := strings.Repeat("n", 51)
	env := newMockEnv(t, needsVariant, mockserver.Options{AuthentikVersion: "2025.10"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{{
			Config: stageConfig(env, `name = "`+long+`"`),
			ExpectError: regexp.MustCompile(`(?s)with invitations_stage_invitation.test,.*name = "n+".*` +
				`The server rejected name: Ensure this field has no more than 50\s+characters.`),
		}},
	})
}

// TestStageSendEmail_realServer: the send_email call as the action makes
// it, against the real view: no template sent unless configured (the
// server renders email/invitation.html), the server's {"error": ...} shown
// as it is, and a 404 from a server without the endpoint (2026.2) told
// apart from an invitation that is gone.
func TestStageSendEmail_realServer(t *testing.T) {
	newClient := func(url string) *authentik.Client {
		instance, api, _ := authentik.NormalizeURL(url)
		hc, err := client.New(client.Config{BaseURL: api, Authorization: "Bearer " + mockserver.AuthentikAdminToken,
			RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		return authentik.New(instance, hc, authentik.NewRedactor())
	}
	create := func(c *authentik.Client, name string, flow *string) string {
		exp := farFuture
		inv, err := c.Create(t.Context(), authentik.InvitationRequest{Name: &name, Expires: &exp, Flow: flow})
		if err != nil {
			t.Fatal(err)
		}
		return inv.PK
	}
	flow := flowDefault
	srv, ts := mockserver.Start(t, mockserver.Options{})
	c := newClient(ts.URL)
	linked, flowless := create(c, "linked", &flow), create(c, "flowless", nil)
	to := authentik.SendEmailRequest{EmailAddresses: []string{"ada@example.com"}}

	if d := sendInvitationEmail(t.Context(), c, linked, "the invitation", to); d.HasError() {
		t.Fatalf("send: %v", d)
	}
	if sent := srv.SentEmails(); len(sent) != 1 || sent[0].Template != "email/invitation.html" {
		t.Fatalf("sent %+v: no template should be sent, and the server's default used", sent)
	}
	d := sendInvitationEmail(t.Context(), c, flowless, "the invitation", to)
	if !d.HasError() || !strings.Contains(d[0].Detail(), "Invitation has no associated flow") {
		t.Errorf("flowless: %v", d)
	}
	bad := to
	bad.Template = "invitation"
	if d := sendInvitationEmail(t.Context(), c, linked, "the invitation", bad); !d.HasError() || !strings.Contains(d[0].Detail(), "500") {
		t.Errorf("template invitation: %v", d)
	}
	if !srv.DeleteAuthentikInvitation(linked) {
		t.Fatal("no invitation to delete")
	}
	if d := sendInvitationEmail(t.Context(), c, linked, "the invitation", to); !d.HasError() || d[0].Summary() != "The invitation to email does not exist" {
		t.Errorf("gone: %v", d)
	}

	_, oldTS := mockserver.Start(t, mockserver.Options{AuthentikVersion: "2026.2"})
	oc := newClient(oldTS.URL)
	pk := create(oc, "linked", &flow)
	d = sendInvitationEmail(t.Context(), oc, pk, "the invitation", to)
	if !d.HasError() || d[0].Summary() != "The server does not support sending invitation emails" || !strings.Contains(d[0].Detail(), "after 2026.2") {
		t.Errorf("2026.2: %v", d)
	}
}

// TestStageSendEmail_flowlessAtPlanTime: given the invitation itself, the
// action rejects one without a flow at plan time (actions need Terraform
// 1.14; the check is exercised directly here).
func TestStageSendEmail_flowlessAtPlanTime(t *testing.T) {
	types2 := map[string]attr.Type{"id": types.StringType, "flow": types.StringType}
	obj := func(flow types.String) types.Object {
		return types.ObjectValueMust(types2, map[string]attr.Value{"id": types.StringUnknown(), "flow": flow})
	}
	if d := checkEmailFlow(obj(types.StringNull())); !d.HasError() || !strings.Contains(d[0].Detail(), "Invitation has no associated flow") {
		t.Errorf("no flow: %v", d)
	}
	for _, ok := range []types.Object{obj(types.StringValue(flowDefault)), obj(types.StringUnknown()), types.ObjectNull(types2)} {
		if d := checkEmailFlow(ok); d.HasError() {
			t.Errorf("%v: %v", ok, d)
		}
	}
}

// TestAccStageInvitation_leastPrivilege: authentik checks each action on
// invitations with its own permission, and a token may create invitations
// it may not view afterwards. The provider never takes "not allowed to
// look" for "gone": an invitation it cannot read is an error that names
// view_invitation, and nothing is created twice.
func TestAccStageInvitation_leastPrivilege(t *testing.T) {
	writer := []string{"add_invitation", "change_invitation", "delete_invitation"}
	tokens := mockserver.DefaultAuthentikTokens()
	// A user who may view the admin's invitations, not its own.
	tokens["mock-authentik-others-token"] = mockserver.User{PK: 10, Username: "others-viewer", Permissions: writer, ViewCreatedBy: []int{1}}
	config := func(env *testEnv, token, body string) string {
		return strings.Replace(stageConfig(env, body), mockserver.AuthentikAdminToken, token, 1)
	}
	for _, tc := range []struct {
		name, token string
		want        *regexp.Regexp
	}{
		// 403 on the listing: it may view no invitation.
		{"views none", mockserver.AuthentikBlindToken, regexp.MustCompile(`(?s)403\s+to\s+listing\s+invitations.*nothing\s+is\s+re-created.*view_invitation`)},
		// The listing shows others' invitations, never this one.
		{"views others'", "mock-authentik-others-token", regexp.MustCompile(`(?s)created\s+with\s+a\s+token\s+that\s+may\s+not\s+view\s+the\s+invitations\s+it\s+creates.*view_invitation`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, needsUsers, mockserver.Options{AuthentikTokens: tokens})
			env.srv.SeedAuthentik(3, "admins")
			body := `name = "least"`
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					// Created, then read back: the refresh cannot read it, an
					// error, and no second invitation.
					{Config: config(env, tc.token, body), ExpectError: tc.want},
					{Config: config(env, tc.token, body), ExpectError: tc.want},
					// Neither can a destroy tell it gone.
					{Config: config(env, tc.token, body), Destroy: true, ExpectError: tc.want},
					{
						// An admin's token sees it: still one, and it is destroyed at the end.
						Config: config(env, mockserver.AuthentikAdminToken, body),
						Check: func(*terraform.State) error {
							if n := len(env.srv.AuthentikInvitations()); n != 4 || env.srv.Count("POST", "/api/v3/") != 1 {
								return fmt.Errorf("authentik holds %d invitations after %d POSTs; want the 3 seeded and the one created once", n, env.srv.Count("POST", "/api/v3/"))
							}
							return nil
						},
					},
				},
			})
		})
	}
	t.Run("views its own", func(t *testing.T) {
		env := newMockEnv(t, needsUsers, mockserver.Options{})
		env.srv.SeedAuthentik(3, "admins")
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if n := len(env.srv.AuthentikInvitations()); n != 3 {
					return fmt.Errorf("authentik holds %d invitations after destroy, want the 3 seeded", n)
				}
				return nil
			},
			Steps: []resource.TestStep{
				{Config: config(env, mockserver.AuthentikOwnToken, `name = "own"`)},
				{Config: config(env, mockserver.AuthentikOwnToken, `name = "own-renamed"`)},
				{Config: config(env, mockserver.AuthentikOwnToken, `name = "own-renamed"`), PlanOnly: true},
			},
		})
	})
	t.Run("data source of a token that views none", func(t *testing.T) {
		env := newMockEnv(t, needsUsers, mockserver.Options{})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      strings.Replace(env.providerConfig(), mockserver.AuthentikAdminToken, mockserver.AuthentikBlindToken, 1) + `data "invitations_stage_invitations" "all" {}`,
				ExpectError: regexp.MustCompile(`(?s)HTTP 403.*lacks the permission\s+authentik_stages_invitation.view_invitation`),
			}},
		})
	})
}

// TestAccStageInvitation_expiredLinkByVersion: someone opens the link of
// an expired invitation. authentik 2026.2 and older delete it at once; from
// 2026.5 it stays, unusable, until the cleanup job. Either way it reads as
// expired, never as deleted outside Terraform, and nothing is re-issued.
func TestAccStageInvitation_expiredLinkByVersion(t *testing.T) {
	for _, version := range []string{"2026.2", "2026.5"} {
		t.Run(version, func(t *testing.T) {
			clock := &fakeClock{}
			env := newMockEnv(t, needsClock, mockserver.Options{Now: clock.Now, AuthentikVersion: version})
			exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			body := "name = \"opened\"\nexpires = \"" + exp + "\""
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: clock.factories(),
				CheckDestroy:             stageDestroyed(env),
				Steps: []resource.TestStep{
					{Config: stageConfig(env, body)},
					{
						PreConfig: func() {
							clock.Advance(2 * time.Hour)
							if err := env.srv.UseAuthentikInvitation(pkOf(t, env, "opened")); err == nil {
								t.Error("an expired invitation was used")
							}
						},
						Config: stageConfig(env, body),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionNoop),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact(statusExpired)),
						},
						Check: func(*terraform.State) error {
							if n, want := len(env.srv.AuthentikInvitations()), map[string]int{"2026.2": 0, "2026.5": 1}[version]; n != want {
								return fmt.Errorf("authentik %s holds %d invitations after the expired link was opened, want %d", version, n, want)
							}
							return nil
						},
					},
				},
			})
		})
	}
}
