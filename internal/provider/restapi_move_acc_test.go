package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

// restapiAddress is the restapi provider's registry address.
const restapiAddress = "registry.terraform.io/mastercard/restapi"

// migrationGuide is an example file of the guide to moving from restapi,
// pointed at the test's target: its items, its flow, its prefix.
func migrationGuide(t *testing.T, env *testEnv, file string) string {
	t.Helper()
	raw, err := os.ReadFile("../../examples/guides/migrate-from-restapi/" + file)
	if err != nil {
		t.Fatal(err)
	}
	program, course, platform := programCase.item(env), iblKindCases[0].item(env), iblKindCases[1].item(env)
	return strings.NewReplacer(
		`"https://authentik.example.com"`, strconv.Quote(env.url),
		`"https://api.iblai.app/dm"`, strconv.Quote(env.iblURL),
		"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10", env.fixture(t, envAccFlow),
		"course-v1%3Aacme%2BDS101%2B2027", url.QueryEscape(course),
		"course-v1:acme+DS101+2027", course,
		"acme%2Bdata-science", url.QueryEscape(program),
		"acme+data-science", program,
		`platform_key = "acme"`, "platform_key = "+strconv.Quote(platform),
		"platform_key=acme&", "platform_key="+url.QueryEscape(platform)+"&",
		"org=acme", "org="+url.QueryEscape(env.org),
		`org     = "acme"`, "org     = "+strconv.Quote(env.org),
		"ada@example.com", env.email("ada"),
		`"contractors", "interns"`, strconv.Quote(env.name("contractors"))+", "+strconv.Quote(env.name("interns")),
		`= "terraform"`, "= "+strconv.Quote(env.prefix),
		`source = "invitations-dev/invitations"`, "source = "+strconv.Quote(RegistryAddress),
	).Replace(string(raw))
}

// TestAccMoveFromRestAPI: invitations applied with the restapi provider
// move into this provider's resources with moved blocks (one of them a
// for_each): the plan shows the moves and nothing else, the apply sends no
// write, the authentik tokens and ibl.ai ids stay, the identities are set,
// and the next plan is empty.
func TestAccMoveFromRestAPI(t *testing.T) {
	env, ws := appliedWithRestAPI(t)
	ctx := t.Context()
	before, err := env.stages()
	if err != nil || len(before) != 2 {
		t.Fatalf("restapi made %d stage invitations (%v), want 2", len(before), err)
	}
	iblIDs := map[string]int64{}
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		rows, err := env.iblRows(c.keyAttr, c.item(env), env.email("ada"))
		if err != nil || len(rows) != 1 {
			t.Fatalf("restapi made %d %s invitations (%v), want 1", len(rows), c.kind, err)
		}
		iblIDs[c.typ] = rows[0].ID
	}

	ws.Write("main.tf", migrationGuide(t, env, "after.tf"))
	env.resetCounts()
	plan, err := ws.Run(ctx, "plan")
	if err != nil {
		t.Fatalf("the plan after the move: %v\n%s", err, plan)
	}
	t.Logf("the first plan after the move:\n%s", plan)
	// The guide says so: the refresh of restapi's state prints the token,
	// as restapi's own refreshes did; later plans do not (below).
	if !strings.Contains(plan, "Refreshing state... [id="+before[0].PK+"]") {
		t.Errorf("the first plan's refresh does not print the id the guide says it prints")
	}
	for _, want := range []string{"restapi_object.enrollment[\"" + env.name("interns") + "\"] has moved to invitations_stage_invitation.enrollment[\"" + env.name("interns") + "\"]",
		"restapi_object.ada_course has moved to invitations_course_invitation.ada", "Plan: 0 to add, 0 to change, 0 to destroy."} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan lacks %q", want)
		}
	}
	if out, err := ws.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply of the moves: %v\n%s", err, out)
	}
	for _, m := range []string{http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		if n := env.count(m, "/api/"); n != 0 {
			t.Errorf("the move sent %d %s request(s)", n, m)
		}
	}
	after, err := env.stages()
	if err != nil || len(after) != 2 || !slices.Equal(pks(before), pks(after)) {
		t.Errorf("stage invitations after the move: %d (%v); the tokens must stay", len(after), err)
	}
	state, err := ws.TF.Show(ctx)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for _, r := range state.Values.RootModule.Resources {
		switch r.Type {
		case "restapi_object":
			t.Errorf("%s is still in state", r.Address)
		case "invitations_stage_invitation":
			moved++
			if !slices.Contains(pks(before), r.AttributeValues["id"].(string)) {
				t.Errorf("%s has another invitation", r.Address)
			}
		default:
			moved++
			if id := r.AttributeValues["id"]; id != fmt.Sprint(iblIDs[r.Type]) {
				t.Errorf("%s has id %v, want %d", r.Address, id, iblIDs[r.Type])
			}
		}
		if acctest.Has(acctest.Identity) && len(r.IdentityValues) == 0 {
			t.Errorf("%s has no identity", r.Address)
		}
	}
	if moved != 5 {
		t.Errorf("%d resources in state after the move, want 5", moved)
	}
	if err := ws.TF.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := ws.Run(ctx, "plan", "-detailed-exitcode")
	if err != nil || !strings.Contains(again, "No changes.") {
		t.Errorf("the plan after the moves' apply: %v\n%s", err, again)
	}
	for _, inv := range after {
		if strings.Contains(again, inv.PK) {
			t.Errorf("a later plan shows the token of %s", inv.Name)
		}
	}
}

// appliedWithRestAPI applies the guide's before.tf: the invitations as
// restapi_object manages them.
func appliedWithRestAPI(t *testing.T) (*testEnv, *acctest.Workspace) {
	t.Helper()
	acctest.RequireAcc(t)
	acctest.SkipUnless(t, acctest.MoveFromOtherTypes)
	env := newTestEnv(t, bothPlatforms)
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		env.fixture(t, c.fixture)
	}
	ws := acctest.NewWorkspaceWith(t, "../..", RegistryAddress, map[string]string{restapiAddress: acctest.RestAPIProvider(t, "../..")})
	ws.Write("terraform.tfvars", fmt.Sprintf("authentik_token = %q\nibl_api_key = %q\n", env.authentikToken, env.iblKey))
	ws.Write("main.tf", migrationGuide(t, env, "before.tf"))
	if out, err := ws.Run(t.Context(), "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply with restapi: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		// Whatever the test left: destroyed by this provider or by restapi.
		if out, err := ws.Run(context.Background(), "destroy", "-auto-approve"); err != nil {
			t.Errorf("destroy: %v\n%s", err, out)
		}
	})
	return env, ws
}

// TestAccMoveFromRestAPI_removedThenImported: the guide's route for a
// Terraform without moves between types: restapi forgets the object (a
// removed block that does not destroy) and an import block takes it, the
// same invitation, with no write.
func TestAccMoveFromRestAPI_removedThenImported(t *testing.T) {
	env, ws := appliedWithRestAPI(t)
	ctx := t.Context()
	rows, err := env.iblRows("program_key", programCase.item(env), env.email("ada"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d program invitations (%v)", len(rows), err)
	}
	after := migrationGuide(t, env, "after.tf")
	moved := "moved {\n  from = restapi_object.ada_program\n  to   = invitations_program_invitation.ada\n}\n"
	if !strings.Contains(after, moved) {
		t.Fatal("after.tf has no moved block for ada_program")
	}
	importing := strings.Replace(migrationGuide(t, env, "removed-and-import.tf"), `"acme/123"`, strconv.Quote(env.org+"/"+strconv.FormatInt(rows[0].ID, 10)), 1)
	// restapi stays a required provider until the removed block is applied.
	after = strings.Replace(after, "required_providers {\n", "required_providers {\n    restapi     = { source = \"Mastercard/restapi\" }\n", 1)
	ws.Write("main.tf", strings.Replace(after, moved, "", 1)+importing)
	env.resetCounts()
	out, err := ws.Run(ctx, "apply", "-auto-approve")
	if err != nil || !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply of the removed and import blocks: %v\n%s", err, out)
	}
	for _, m := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete} {
		if n := env.count(m, "/api/"); n != 0 {
			t.Errorf("the import sent %d %s request(s)", n, m)
		}
	}
	state, err := ws.TF.Show(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == "invitations_program_invitation.ada" && r.AttributeValues["id"] != strconv.FormatInt(rows[0].ID, 10) {
			t.Errorf("imported id %v, want %d", r.AttributeValues["id"], rows[0].ID)
		}
	}
	if again, err := ws.Run(ctx, "plan", "-detailed-exitcode"); err != nil || !strings.Contains(again, "No changes.") {
		t.Errorf("the plan after the import: %v\n%s", err, again)
	}
}

func pks(invs []serverStage) []string {
	var out []string
	for _, inv := range invs {
		out = append(out, inv.PK)
	}
	slices.Sort(out)
	return out
}
