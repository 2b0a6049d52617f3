package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

// restapiAddress is the restapi provider's registry address.
const restapiAddress = "registry.terraform.io/mastercard/restapi"

// restapiConfig manages, with restapi_object, two stage invitations
// (for_each) and one invitation of each ibl.ai kind, as teams do before
// this provider: the guide's "before".
func restapiConfig(env *testEnv, flow string, items map[string]string) string {
	cfg := fmt.Sprintf(`
provider "restapi" {
  alias                = "authentik"
  uri                  = %[1]q
  headers              = { Authorization = "Bearer %[2]s" }
  id_attribute         = "pk"
  write_returns_object = true
}

provider "restapi" {
  alias                = "ibl"
  uri                  = %[3]q
  headers              = { Authorization = "Api-Token %[4]s" }
  id_attribute         = "id"
  write_returns_object = true
}

resource "restapi_object" "stage" {
  for_each     = toset(["a", "b"])
  provider     = restapi.authentik
  path         = %[5]q
  read_path    = "%[5]s{id}/"
  destroy_path = "%[5]s{id}/"
  data = jsonencode({
    name       = "%[6]s-${each.key}"
    expires    = "2099-01-01T00:00:00Z"
    flow       = %[7]q
    single_use = true
    fixed_data = { team = each.key }
  })
}
`, env.url, env.authentikToken, env.iblURL, env.iblKey, stageCollection, env.prefix, flow)
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		path := iblPaths[c.keyAttr]
		email := env.email(string(c.kind))
		cfg += fmt.Sprintf(`
resource "restapi_object" %[1]q {
  provider     = restapi.ibl
  path         = %[2]q
  destroy_path = "%[2]s?id={id}&org=%[3]s"
  read_search = {
    search_key   = "email"
    search_value = %[4]q
    results_key  = "results"
    query_string = "%[5]s=%[8]s&org=%[3]s&email=%[4]s"
  }
  data = jsonencode({
    %[5]s = %[6]q
    email  = %[4]q
    source = %[7]q
  })
}
`, c.kind, path, env.org, email, c.keyAttr, items[c.keyAttr], env.prefix, url.QueryEscape(items[c.keyAttr]))
	}
	return cfg
}

// movedConfig is the same invitations in this provider's resources, with
// the moved blocks: the guide's "after".
func movedConfig(env *testEnv, flow string, items map[string]string) string {
	cfg := env.providerConfig() + fmt.Sprintf(`
resource "invitations_stage_invitation" "stage" {
  for_each   = toset(["a", "b"])
  name       = "%[1]s-${each.key}"
  expires    = "2099-01-01T00:00:00Z"
  flow       = %[2]q
  single_use = true
  fixed_data = jsonencode({ team = each.key })
}

moved {
  from = restapi_object.stage
  to   = invitations_stage_invitation.stage
}
`, env.prefix, flow)
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		cfg += fmt.Sprintf(`
resource %[1]q %[2]q {
  %[3]s = %[4]q
  org    = %[5]q
  email  = %[6]q
  source = %[7]q
}

moved {
  from = restapi_object.%[2]s
  to   = %[1]s.%[2]s
}
`, c.typ, c.kind, c.keyAttr, items[c.keyAttr], env.org, env.email(string(c.kind)), env.prefix)
	}
	return cfg
}

// TestAccMoveFromRestAPI: invitations applied with the restapi provider
// move into this provider's resources with moved blocks (one of them a
// for_each): the plan shows the moves and nothing else, the apply sends no
// write, the authentik tokens and ibl.ai ids stay, the identities are set,
// and the next plan is empty.
func TestAccMoveFromRestAPI(t *testing.T) {
	acctest.RequireAcc(t)
	acctest.SkipUnless(t, acctest.MoveFromOtherTypes)
	env := newTestEnv(t, bothPlatforms)
	flow := env.fixture(t, envAccFlow)
	items := map[string]string{}
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		items[c.keyAttr] = env.fixture(t, c.fixture)
	}
	ws := acctest.NewWorkspaceWith(t, "../..", RegistryAddress, map[string]string{restapiAddress: acctest.RestAPIProvider(t, "../..")})
	required := fmt.Sprintf("terraform {\n  required_providers {\n    invitations = { source = %q }\n    restapi = { source = \"Mastercard/restapi\" }\n  }\n}\n", RegistryAddress)
	ctx := t.Context()

	ws.Write("main.tf", required+restapiConfig(env, flow, items))
	if out, err := ws.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply with restapi: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		// Whatever the test left: destroyed by this provider or by restapi.
		if out, err := ws.Run(context.Background(), "destroy", "-auto-approve"); err != nil {
			t.Errorf("destroy: %v\n%s", err, out)
		}
	})
	before, err := env.stages()
	if err != nil || len(before) != 2 {
		t.Fatalf("restapi made %d stage invitations (%v), want 2", len(before), err)
	}
	iblIDs := map[string]int64{}
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		rows, err := env.iblRows(c.keyAttr, items[c.keyAttr], env.email(string(c.kind)))
		if err != nil || len(rows) != 1 {
			t.Fatalf("restapi made %d %s invitations (%v), want 1", len(rows), c.kind, err)
		}
		iblIDs[c.typ] = rows[0].ID
	}

	ws.Write("main.tf", required+movedConfig(env, flow, items))
	env.resetCounts()
	plan, err := ws.Run(ctx, "plan")
	if err != nil {
		t.Fatalf("the plan after the move: %v\n%s", err, plan)
	}
	t.Logf("the first plan after the move:\n%s", plan)
	for _, want := range []string{"restapi_object.stage[\"a\"] has moved to invitations_stage_invitation.stage[\"a\"]",
		"restapi_object.course has moved to invitations_course_invitation.course", "Plan: 0 to add, 0 to change, 0 to destroy."} {
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
		switch {
		case r.Type == "restapi_object":
			t.Errorf("%s is still in state", r.Address)
		case r.Type == "invitations_stage_invitation":
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

func pks(invs []serverStage) []string {
	var out []string
	for _, inv := range invs {
		out = append(out, inv.PK)
	}
	slices.Sort(out)
	return out
}
