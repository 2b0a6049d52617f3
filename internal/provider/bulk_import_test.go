package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// TestAccBulkImport runs the bulk import guide's two recipes as a user
// would: the real Terraform CLI, the provider built from this tree (through
// dev_overrides, driven by terraform-exec), the guide's own example files,
// and the mock server pre-filled with invitations of every kind. The
// plugin-testing harness cannot take part: its state shim rejects for_each
// instances.
func TestAccBulkImport(t *testing.T) {
	acctest.RequireAcc(t)
	for _, recipe := range []string{"query", "data-sources", "generated"} {
		t.Run(recipe, func(t *testing.T) {
			t.Parallel()
			env := newMockEnv(t, needsScale, mockserver.Options{})
			env.srv.SeedAuthentik(12, "legacy")
			env.srv.SeedAuthentik(3, "other") // not matched by the filter
			env.srv.IBLOf(mockserver.IBLKindProgram).Seed(15, "acme+onboarding")
			env.srv.IBLOf(mockserver.IBLKindProgram).Seed(4, "acme+data-science")
			env.srv.IBLOf(mockserver.IBLKindCourse).Seed(5, "course-v1:acme+DS101+2027")
			env.srv.IBLOf(mockserver.IBLKindPlatform).Seed(3, "acme")

			ws := acctest.NewWorkspace(t, "../..", RegistryAddress,
				"AUTHENTIK_URL="+env.url, "AUTHENTIK_TOKEN="+mockserver.AuthentikAdminToken,
				"IBLAI_URL="+env.url, "IBLAI_API_KEY="+mockserver.IBLAdminKey, "IBLAI_ORG=acme")
			files, _ := filepath.Glob("../../examples/guides/bulk-import/" + recipe + "/*")
			for _, src := range append([]string{"../../examples/guides/bulk-import/provider.tf"}, files...) {
				raw, err := os.ReadFile(src)
				if err != nil {
					t.Fatal(err)
				}
				ws.Write(filepath.Base(filepath.Dir(src))+"-"+filepath.Base(src),
					strings.ReplaceAll(string(raw), `source = "invitations-dev/invitations"`, fmt.Sprintf("source = %q", RegistryAddress)))
			}
			ctx, tf := t.Context(), ws.TF
			if recipe == "query" {
				acctest.SkipUnless(t, acctest.ListResources)
				found := 0
				messages, err := tf.QueryJSON(ctx, tfexec.GenerateConfigOut("generated.tf"))
				if err != nil {
					t.Fatal(err)
				}
				for msg := range messages {
					if msg.Err != nil {
						t.Fatal(msg.Err)
					}
					if _, ok := msg.Msg.(tfjson.ListResourceFoundMessage); ok {
						found++
					}
				}
				if found != 35 {
					t.Fatalf("terraform query found %d invitations, want 35", found)
				}
				raw, err := os.ReadFile(filepath.Join(ws.Dir, "generated.tf"))
				if err != nil {
					t.Fatalf("no configuration was generated: %v", err)
				}
				for _, inv := range env.srv.AuthentikInvitations() {
					if strings.Contains(string(raw), inv.PK) {
						t.Fatalf("an invite token appears in the generated configuration")
					}
				}
			}
			if recipe == "generated" {
				if err := tf.Apply(ctx); err != nil {
					t.Fatal(err)
				}
				outputs, err := tf.Output(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var blocks string
				if err := json.Unmarshal(outputs["import_blocks"].Value, &blocks); err != nil {
					t.Fatalf("the import_blocks output: %v", err)
				}
				ws.Write("imports.tf", blocks)
				if _, err := tf.Plan(ctx, tfexec.GenerateConfigOut("generated.tf")); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(filepath.Join(ws.Dir, "generated.tf")); err != nil {
					t.Fatalf("no configuration was generated: %v", err)
				}
			}
			var out strings.Builder
			tf.SetStdout(&out)
			if err := tf.Apply(ctx); err != nil {
				t.Fatal(err)
			}
			tf.SetStdout(nil)
			if !strings.Contains(out.String(), "35 imported, 0 added, 0 changed, 0 destroyed") {
				t.Fatalf("apply did not import the 35 invitations:\n%s", out.String())
			}
			// Terraform prints import IDs: none may be an invite token.
			for _, inv := range env.srv.AuthentikInvitations() {
				if strings.Contains(out.String(), inv.PK) {
					t.Fatalf("an invite token appears in the apply output")
				}
			}
			for _, r := range env.srv.Requests() {
				if r.Method != "GET" {
					t.Fatalf("importing sent %s %s", r.Method, r.Path)
				}
			}
			if changes, err := tf.Plan(ctx); err != nil || changes {
				t.Fatalf("the plan after import is not empty (changes %v): %v", changes, err)
			}
			if a, p := len(env.srv.AuthentikInvitations()), len(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()); a != 15 || p != 19 {
				t.Fatalf("server holds %d and %d invitations, want 15 and 19", a, p)
			}
			// Managed now: destroy removes exactly the imported ones (ibl.ai
			// keeps its rows: the imported ones are deactivated, the others
			// untouched).
			before := map[int]bool{}
			for _, inv := range env.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
				before[inv.ID] = inv.Active
			}
			if err := tf.Destroy(ctx); err != nil {
				t.Fatal(err)
			}
			if a, p := len(env.srv.AuthentikInvitations()), len(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()); a != 3 || p != 19 {
				t.Fatalf("after destroy the server holds %d and %d invitations, want the 3 not imported and the 19 ibl.ai rows", a, p)
			}
			for _, inv := range env.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
				if imported := inv.Key == "acme+onboarding"; (imported && inv.Active) || (!imported && inv.Active != before[inv.ID]) {
					t.Fatalf("after destroy: %+v (imported %v, active before %v)", inv, imported, before[inv.ID])
				}
			}
			// Every course and platform invitation was imported: all retired.
			for _, kind := range []mockserver.IBLKind{mockserver.IBLKindCourse, mockserver.IBLKindPlatform} {
				rows := env.srv.IBLOf(kind).Invitations()
				for _, inv := range rows {
					if inv.Active {
						t.Fatalf("after destroy the %s invitation %d is active", kind, inv.ID)
					}
				}
				if want := map[mockserver.IBLKind]int{mockserver.IBLKindCourse: 5, mockserver.IBLKindPlatform: 3}[kind]; len(rows) != want {
					t.Fatalf("after destroy the server holds %d %s invitations, want %d", len(rows), kind, want)
				}
			}
		})
	}
}

func TestAccStageInvitation_importByName(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	dup := env.name("dup")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Destroy removed the managed one; the other of the same name is left.
		CheckDestroy: func(*terraform.State) error {
			if left, err := env.stages(); err != nil || len(left) != 1 || left[0].FixedData["namesake"] == nil {
				return fmt.Errorf("want only the namesake left, got %+v (%v)", left, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: stageConfig(env, "name = \""+dup+"\"\nflow = \""+env.fixture(t, envAccFlow)+"\"")},
			{
				// The import ID carries no token, so Terraform's output shows none.
				ResourceName:            stageAddr,
				ImportState:             true,
				ImportStateId:           "name:" + dup,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				// A second invitation with the name: import by name refuses to guess.
				PreConfig: func() {
					other := env.createStage(t, map[string]any{"name": "dup", "fixed_data": map[string]any{"namesake": true}})
					t.Cleanup(func() { _ = env.deleteStage(other.PK) })
				},
				ResourceName:  stageAddr,
				ImportState:   true,
				ImportStateId: "name:" + dup,
				ExpectError:   wrapped(`2 authentik invitations are named "` + dup + `": give the one you mean by its id (UUID)`),
			},
			{
				ResourceName:  stageAddr,
				ImportState:   true,
				ImportStateId: "name:" + env.name("nobody-has-this"),
				ExpectError:   wrapped(`no authentik invitation is named "` + env.name("nobody-has-this") + `"`),
			},
			{
				ResourceName:  stageAddr,
				ImportState:   true,
				ImportStateId: "not a uuid",
				ExpectError:   regexp.MustCompile(`(?s)imported by its UUID.*or by its name as name:<name>.*Got "not\s+a\s+uuid"`),
			},
			{
				// A token with a stray space is refused without being shown.
				ResourceName:  stageAddr,
				ImportState:   true,
				ImportStateId: "7c9e6679-7425-40de-944b-e07fc1f90ae7 ",
				ExpectError:   wrapped(`holds a UUID among other characters (not shown, as it may be an invite token): give the UUID alone`),
			},
		},
	})
}

// An import ID is shown in its error unless it holds a UUID, which is an
// invite token however it is wrapped.
func TestRedactImportID(t *testing.T) {
	const token = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	for _, id := range []string{token + " ", " " + token, token + "\n", "{" + token + "}", `"` + token + `"`, strings.ToUpper(token) + ".", "7c9e6679742540de944be07fc1f90ae7x", "name: " + token} {
		if got := redactImportID(id); strings.Contains(strings.ToLower(got), "7c9e6679") || strings.Contains(got, "944b") {
			t.Errorf("%q shown as %q", id, got)
		}
	}
	for id, want := range map[string]string{"not a uuid": `"not a uuid"`, "contractors-2027": `"contractors-2027"`, "name:has space": `"name:has space"`} {
		if got := redactImportID(id); got != want {
			t.Errorf("%q shown as %q, want %q", id, got, want)
		}
	}
}
