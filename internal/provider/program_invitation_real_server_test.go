package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// Acceptance tests of the program invitation against the mock's defaults,
// which play ibl.ai as real servers are (DELETE keeps rows, invitees
// accept, no field can be cleared).

// TestAccProgramInvitation_removedArgumentsKeepServerValues: the API cannot
// clear source, redirect_to, expired, metadata or enrollment_config (a null
// is a 400). Removing one from the configuration is an update that keeps the
// server's value, shown in the plan and listed in kept_by_server, never an
// inconsistent result; the next plan is empty, and the server holds the one
// invitation with the value still set.
func TestAccProgramInvitation_removedArgumentsKeepServerValues(t *testing.T) {
	// The arguments the API cannot clear, in kept_by_server's order.
	unclearable := []string{"source", "redirect_to", "expired", "metadata", "enrollment_config"}
	full := map[string]string{
		"source":            `"hr-sync"`,
		"redirect_to":       `"https://learn.example.com/"`,
		"expired":           `"2099-12-31T00:00:00Z"`,
		"metadata":          `jsonencode({ cohort = "2027-spring" })`,
		"enrollment_config": `jsonencode({ start = "2027-01-10" })`,
	}
	for _, removed := range unclearable {
		t.Run(removed, func(t *testing.T) {
			var env *testEnv
			if removed == "enrollment_config" {
				env = newMockEnv(t, needsStore, mockserver.Options{})
			} else {
				env = newTestEnv(t, iblPlatform)
			}
			full["source"] = `"` + env.prefix + `"`
			body := func(without string) string {
				b := fmt.Sprintf("program_key = %q\nemail = %q\n", programCase.item(env), env.email("ada"))
				for _, name := range unclearable {
					if name != without {
						b += name + " = " + full[name] + "\n"
					}
				}
				return b
			}
			sameID := statecheck.CompareValue(compare.ValuesSame())
			stillSet := programCase.held(env, func(inv serverIBL) error {
				set := map[string]bool{"source": inv.Source == env.prefix, "redirect_to": inv.RedirectTo != "", "expired": inv.Expired != "",
					"metadata": inv.Metadata["cohort"] == "2027-spring"}
				if removed == "enrollment_config" {
					row := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()[0]
					set[removed] = row.EnrollmentConfig["start"] == "2027-01-10"
				}
				if !set[removed] || !inv.Active {
					return fmt.Errorf("want %s kept on the one active invitation: %+v", removed, inv)
				}
				return nil
			})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             programCase.retiredOnServer(env),
				Steps: []resource.TestStep{
					{
						Config:            programConfig(env, body("")),
						ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(programAddr, tfjsonpath.New("id"))},
					},
					{
						Config: programConfig(env, body(removed)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate),
							plancheck.ExpectKnownValue(programAddr, tfjsonpath.New(removed), knownvalue.NotNull()),
							plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("kept_by_server"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(removed)})),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							sameID.AddStateValue(programAddr, tfjsonpath.New("id")),
							statecheck.ExpectKnownValue(programAddr, tfjsonpath.New(removed), knownvalue.NotNull()),
						},
						Check: stillSet,
					},
					{
						Config:           programConfig(env, body(removed)),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						Check:            stillSet,
					},
					{
						// Setting it again is an update in place of the same invitation.
						Config: programConfig(env, body("")),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							sameID.AddStateValue(programAddr, tfjsonpath.New("id")),
							statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("kept_by_server"), knownvalue.ListSizeExact(0)),
						},
						Check: stillSet,
					},
				},
			})
		})
	}
}

// destroyWorkspace applies n program invitations in a Terraform workspace,
// destroys them, and returns the destroy's requests by method and its
// output.
func destroyWorkspace(t *testing.T, env *testEnv, n int) (map[string]int, string) {
	t.Helper()
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	ws.Write("main.tf", fmt.Sprintf("terraform {\n  required_providers {\n    invitations = { source = %q }\n  }\n}\n", RegistryAddress)+
		env.providerConfig()+fmt.Sprintf(`
resource "invitations_program_invitation" "many" {
  count       = %d
  program_key = %q
  email       = "%s-person-${count.index}@%s"
  source      = %q
}
`, n, programCase.item(env), env.prefix, env.fixtures[envAccEmailDomain], env.prefix))
	ctx := t.Context()
	if out, err := ws.Run(ctx, "apply", "-auto-approve", "-parallelism=10"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	env.resetCounts()
	out, err := ws.Run(ctx, "destroy", "-auto-approve", "-refresh=false", "-parallelism=10")
	if err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, r := range env.sent() {
		counts[r.Method]++
	}
	return counts, out
}

// peopleLeft reads, through the API, how many of destroyWorkspace's n
// invitations are left, and how many of them active.
func peopleLeft(t *testing.T, env *testEnv, n int) (left, active int) {
	t.Helper()
	for i := range n {
		rows, err := env.iblRows("program_key", programCase.item(env), env.email("person-"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			left++
			if r.Active {
				active++
			}
		}
	}
	return left, active
}

// TestAccProgramInvitation_destroyRetiresOnce: on a server that keeps rows
// (real servers, the mock's default), a destroy of 20 retires each
// invitation by deactivating it, says so once, and costs at most 2 requests
// per invitation (measured: the first invitation's DELETE, confirming GET
// and deactivating POST, then one POST each). The figure for 100 is logged.
func TestAccProgramInvitation_destroyRetiresOnce(t *testing.T) {
	acctest.RequireAcc(t)
	for _, n := range []int{20, 100} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			var env *testEnv
			if n > 20 {
				env = newMockEnv(t, needsScale, mockserver.Options{})
			} else {
				env = newTestEnv(t, iblPlatform)
			}
			counts, out := destroyWorkspace(t, env, n)
			total := counts["GET"] + counts["POST"] + counts["DELETE"]
			warnings := strings.Count(out, "Warning: ibl.ai keeps program invitations after DELETE")
			t.Logf("destroy of %d program invitations on the default mock: %d requests (%v), %d warning(s)", n, total, counts, warnings)
			if total > 2*n || warnings != 1 {
				t.Fatalf("destroy of %d: %d requests (%v), %d warnings; want at most %d requests and 1 warning\n%s", n, total, counts, warnings, 2*n, out)
			}
			if left, active := peopleLeft(t, env, n); left != n || active != 0 {
				t.Fatalf("%d rows on the server, %d of them active; want the %d kept, none active", left, active, n)
			}
		})
	}
	t.Run("real-delete", func(t *testing.T) {
		t.Parallel()
		// A server whose DELETE deletes (the kinder variant): deleted, no warning.
		env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}})
		counts, out := destroyWorkspace(t, env, 20)
		total := counts["GET"] + counts["POST"] + counts["DELETE"]
		t.Logf("destroy of 20 program invitations on -ibl-real-delete: %d requests (%v)", total, counts)
		if left, _ := peopleLeft(t, env, 20); total > 40 || counts["POST"] != 0 || strings.Contains(out, "Warning: ibl.ai keeps") || left != 0 {
			t.Fatalf("real delete: %d requests (%v), %d rows left\n%s", total, counts, left, out)
		}
	})
}

// TestAccProgramInvitation_accepted: an invitation the invitee accepted
// (the server reports it inactive with started and user_id set) is reported
// as accepted, never re-activated by a plan, never reused by a create; with
// reissue = true it is re-opened on purpose.
func TestAccProgramInvitation_accepted(t *testing.T) {
	env := newMockEnv(t, needsInvitee, mockserver.Options{})
	base := "program_key = \"acme+data-science\"\nemail = \"newcomer@example.com\"\n"
	accept := func() {
		for _, inv := range env.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
			if err := env.srv.IBLOf(mockserver.IBLKindProgram).Accept(inv.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := func(body string) string {
		return env.providerConfig() + "resource \"invitations_program_invitation\" \"other\" {\n" + body + "}\n"
	}
	otherAddr := "invitations_program_invitation.other"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:            programConfig(env, base),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending"))},
			},
			{
				// The invitee registers: the refresh reports it accepted, and
				// the plan does not re-activate it (active defaults to true).
				PreConfig: accept,
				Config:    programConfig(env, base),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("active"), knownvalue.Bool(false)),
				}},
				Check: programOnServer(env, func(inv mockserver.IBLInvitation) error {
					if inv.Active || inv.Started == nil {
						return fmt.Errorf("re-activated: %+v", inv)
					}
					return nil
				}),
			},
			{
				// Asking for it active is refused, naming the way to do it.
				Config:      programConfig(env, base+"active = true\n"),
				ExpectError: regexp.MustCompile(`(?s)accepted.*reissue = true`),
			},
			{
				// Re-creating it under another address is refused too: the
				// server would reuse the accepted invitation.
				Config:      other(base),
				ExpectError: regexp.MustCompile(`(?s)invitee accepted the existing program invitation.*reissue = true`),
			},
			{
				// reissue = true re-opens it, on purpose.
				Config: other(base + "reissue = true\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(otherAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(otherAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if all := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations(); len(all) != 1 || !all[0].Active {
						return fmt.Errorf("want the one invitation re-opened: %+v", all)
					}
					return nil
				},
			},
			{
				// Accepted again: with reissue = true the plan re-opens it, and says so.
				PreConfig: accept,
				Config:    other(base + "reissue = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(otherAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(otherAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
				}},
			},
		},
	})
}

// TestAccProgramInvitation_unknownFieldEcho: a server older than
// enrollment_config stores it in metadata, as any body key it does not know;
// the apply fails with one error naming the argument and why, not an
// inconsistent result.
func TestAccProgramInvitation_unknownFieldEcho(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{NoEnrollmentConfig: true}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDestroyed(env),
		Steps: []resource.TestStep{{
			Config: programConfig(env, `
  program_key       = "acme+data-science"
  email             = "ada@example.com"
  enrollment_config = jsonencode({ started = "2027-01-10T00:00:00Z" })
`),
			ExpectError: regexp.MustCompile(`(?s)does not know the enrollment_config field.*stored enrollment_config in the metadata.*Any additional parameters will be added as metadata`),
		}},
	})
}

// TestAccProgramInvitation_emailCaseSensitiveServer: on a server that
// compares emails exactly, a look-up that misses by case does not conclude
// the invitation is gone, and the destroy retires the one invitation.
func TestAccProgramInvitation_emailCaseSensitiveServer(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{EmailCaseSensitive: true}})
	cfg := programConfig(env, "program_key = \"acme+data-science\"\nemail = \"ada@example.com\"\n")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if all := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations(); len(all) != 1 || all[0].Active {
				return fmt.Errorf("want the one invitation, deactivated: %+v", all)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// The server now spells the email otherwise: the refresh's
				// narrow GET misses by case, and the invitation is still found.
				PreConfig: func() {
					env.srv.IBLOf(mockserver.IBLKindProgram).SetEmail(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()[0].ID, "Ada@Example.com")
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccProgramInvitation_forbiddenSpeaksIBL: ibl.ai's 403 is explained as
// ibl.ai's (permission, read-only platform admin, RBAC), not authentik's.
func TestAccProgramInvitation_forbiddenSpeaksIBL(t *testing.T) {
	env := newMockEnv(t, needsUsers, mockserver.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "invitations" {
  ibl = { url = "` + env.url + `", api_key = "` + mockserver.IBLReadOnlyKey + `" }
}
resource "invitations_program_invitation" "test" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
}
`,
			ExpectError: regexp.MustCompile(`(?s)POST /api/catalog/invitations/program/: HTTP 403.*ibl.ai answers 403.*read-only platform admin.*Ibl.Catalog/ProgramInvitations/`),
		}},
	})
}

// A 403 is worded for the platform that answered: on authentik, by what
// it means there (an unknown or expired token, no token, or the permission
// the request needs).
func TestDescribeForbiddenPerPlatform(t *testing.T) {
	const ak = "/api/v3/stages/invitation/invitations/"
	for _, tc := range []struct{ method, path, message, want string }{
		{"POST", "/api/catalog/invitations/program/", "denied", "ibl.ai answers 403 when the API key may not do this with program invitations"},
		{"GET", "/dm/api/catalog/invitations/course/", "denied", "ibl.ai answers 403 when the API key may not do this with course invitations"},
		{"POST", ak, "You do not have permission to perform this action.", "lacks the permission authentik_stages_invitation.add_invitation"},
		{"GET", ak, "You do not have permission to perform this action.", "lacks the permission authentik_stages_invitation.view_invitation"},
		{"PATCH", ak + "x/", "You do not have permission to perform this action.", "lacks the permission authentik_stages_invitation.change_invitation"},
		{"DELETE", ak + "x/", "You do not have permission to perform this action.", "lacks the permission authentik_stages_invitation.delete_invitation"},
		{"POST", ak + "x/send_email/", "You do not have permission to perform this action.", "add_invitation (and authentik_stages_invitation.view_invitation)"},
		{"GET", ak, "Token invalid/expired", "Use a non-expiring API token (intent API)"},
		{"GET", ak, "Authentication credentials were not provided.", "The request carried no token"},
	} {
		got := describe(&client.APIError{Method: tc.method, Path: tc.path, StatusCode: 403, Message: tc.message})
		if !strings.Contains(got, tc.want) || strings.Contains(tc.path, "catalog") == strings.Contains(got, "authentik") {
			t.Errorf("%s %s (%s): %q, want it to say %q, of that platform only", tc.method, tc.path, tc.message, got, tc.want)
		}
	}
}

// TestAccProgramInvitation_existingRow: a create first looks for the
// user's invitation to the program (emails compared without case). An
// active one is refused and nothing is sent: the create-or-update POST
// would take it over. An inactive one, as a row-keeping DELETE leaves it,
// is reused: the same row, re-activated and now managed.
func TestAccProgramInvitation_existingRow(t *testing.T) {
	for _, active := range []bool{true, false} {
		t.Run(map[bool]string{true: "active: refused", false: "inactive: reactivated"}[active], func(t *testing.T) {
			env := newTestEnv(t, iblPlatform)
			key := programCase.item(env)
			// Another client's row for the same user, the email spelled
			// with capitals.
			row := env.postIBLRow(t, "program_key", map[string]any{"program_key": key, "email": strings.ToUpper(env.email("ada")[:1]) + env.email("ada")[1:], "active": active})
			step := resource.TestStep{PreConfig: env.resetCounts, Config: programConfig(env, fmt.Sprintf(`
  program_key = %q
  email       = %q
  source      = %q
`, key, env.email("ada"), env.prefix))}
			if active {
				step.ExpectError = regexp.MustCompile(`(?s)The program invitation already exists.*does not\s+take\s+over\s+an\s+invitation`)
			} else {
				step.Check = resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(programAddr, "id", strconv.FormatInt(row.ID, 10)),
					programCase.held(env, func(inv serverIBL) error {
						if !inv.Active {
							return fmt.Errorf("invitation %d was not reactivated", row.ID)
						}
						return nil
					}),
				)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             programCase.retiredOnServer(env),
				Steps: []resource.TestStep{step, {
					PreConfig: func() {
						if posts := env.count(http.MethodPost, iblPaths["program_key"]); active && posts != 0 {
							t.Errorf("the refused create sent %d POST(s)", posts)
						}
					},
					Config:  env.providerConfig(),
					Destroy: true,
				}},
			})
			if active {
				// Nobody else's row is touched: retire the test's own.
				env.postIBLRow(t, "program_key", map[string]any{"program_key": key, "email": env.email("ada"), "active": false})
			}
		})
	}
}

// TestAccProgramInvitation_neitherDeleteNorDeactivate: a server that
// inserts on every POST (ibl.upsert = false) and whose DELETE keeps rows
// cannot retire an invitation through the API. A destroy sends no POST (it
// would add a row and leave the invitation active) and fails for each
// invitation, saying how to let go of it; no destroy adds a row, however
// often it is tried; a removed block then lets go of them all.
func TestAccProgramInvitation_neitherDeleteNorDeactivate(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{AlwaysCreate: true}})
	env.iblExtra = "upsert = false"
	many := env.providerConfig() + `
resource "invitations_program_invitation" "many" {
  count       = 3
  program_key = "acme+data-science"
  email       = "person-${count.index}@example.com"
}
`
	unchanged := func(*terraform.State) error {
		rows := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()
		active := 0
		for _, inv := range rows {
			if inv.Active {
				active++
			}
		}
		if len(rows) != 3 || active != 3 || env.srv.Count("POST", "/api/catalog/") != 0 {
			return fmt.Errorf("after a destroy the server holds %d rows, %d active, and was sent %d POSTs; want the 3 active rows and no POST",
				len(rows), active, env.srv.Count("POST", "/api/catalog/"))
		}
		return nil
	}
	refused := regexp.MustCompile(`(?s)can neither delete nor deactivate.*removed block with\s+lifecycle \{ destroy = false \}`)
	destroy := resource.TestStep{PreConfig: env.srv.ResetCounts, Config: many, Destroy: true, ExpectError: refused}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: many},
			destroy,
			{PreConfig: func() {
				if err := unchanged(nil); err != nil {
					t.Error(err)
				}
			}, Config: many, PlanOnly: true},
			destroy,
			{
				PreConfig: func() {
					if err := unchanged(nil); err != nil {
						t.Error(err)
					}
				},
				Config: env.providerConfig() + `
removed {
  from = invitations_program_invitation.many
  lifecycle {
    destroy = false
  }
}
`,
				Check: func(s *terraform.State) error {
					if n := len(s.RootModule().Resources); n != 0 {
						return fmt.Errorf("%d resources left in state", n)
					}
					return unchanged(nil)
				},
			},
		},
	})
}
