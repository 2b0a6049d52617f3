package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

// TestAccLifecycleDestroyFalse: with lifecycle { destroy = false }
// (Terraform 1.16, OpenTofu 1.12), a destroy forgets the invitations and
// sends nothing: the ibl.ai row stays as it is (active), the authentik
// invitation stays, both for another tool to take over. OpenTofu needs
// -suppress-forget-errors for such a destroy to succeed.
func TestAccLifecycleDestroyFalse(t *testing.T) {
	acctest.RequireAcc(t)
	acctest.SkipUnless(t, acctest.LifecycleDestroy)
	env := newTestEnv(t, bothPlatforms)
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	ws.Write("main.tf", fmt.Sprintf("terraform {\n  required_providers {\n    invitations = { source = %q }\n  }\n}\n", RegistryAddress)+
		env.providerConfig()+fmt.Sprintf(`
resource "invitations_program_invitation" "ada" {
  %s
  lifecycle {
    destroy = false
  }
}

resource "invitations_stage_invitation" "kept" {
  name    = %q
  expires = %q
  lifecycle {
    destroy = false
  }
}
`, programBody(env, ""), env.name("kept"), farFuture))
	ctx := t.Context()
	if out, err := ws.Run(ctx, "apply", "-auto-approve"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	stages, err := env.stages()
	if err != nil || len(stages) != 1 {
		t.Fatalf("%d stage invitations (%v)", len(stages), err)
	}
	t.Cleanup(func() {
		_ = env.deleteStage(stages[0].PK)
		env.postIBLRow(t, "program_key", map[string]any{"program_key": programCase.item(env), "email": env.email("ada"), "active": false})
	})
	env.resetCounts()
	args := []string{"destroy", "-auto-approve"}
	if cli, _ := acctest.TestedCLI(); cli.OpenTofu {
		// OpenTofu fails a destroy that forgets, unless told not to.
		args = append(args, "-suppress-forget-errors")
	}
	out, err := ws.Run(ctx, args...)
	if err != nil || !strings.Contains(out, "0 destroyed") {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	for _, m := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete} {
		if n := env.count(m, "/api/"); n != 0 {
			t.Errorf("the destroy sent %d %s request(s)", n, m)
		}
	}
	if inv, err := programCase.invitee(env, nil); err != nil || inv == nil || !inv.Active {
		t.Errorf("the program invitation after the destroy: %+v (%v), want it kept, active", inv, err)
	}
	if inv, err := env.stage(stages[0].PK); err != nil || inv == nil {
		t.Errorf("the stage invitation after the destroy: %v (%v), want it kept", inv, err)
	}
	if state, err := ws.TF.Show(ctx); err != nil || (state.Values != nil && len(state.Values.RootModule.Resources) != 0) {
		t.Errorf("state after the destroy: %v (%v), want it empty", state, err)
	}
}
