// Package acctest runs the real Terraform CLI against a provider built from
// this tree, for the tests that plugin-testing's harness cannot drive:
// for_each and count instances, Ctrl-C, long multi-apply runs. Terraform
// finds the build through dev_overrides in a temporary CLI configuration
// whose only other provider source is an empty mirror: no registry is asked.
package acctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// RequireAcc skips a test unless TF_ACC is set, as plugin-testing does.
func RequireAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

// Terraform is the CLI the tests use: TF_ACC_TERRAFORM_PATH, else the one on PATH.
func Terraform(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("terraform not found on PATH")
	}
	return p
}

// build compiles the provider once per test binary, into a directory that
// outlives any one test (Cleanup removes it).
func build(t testing.TB, moduleRoot string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "terraform-provider-invitations-build-") //nolint:usetesting // shared by every test of the binary

		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, "terraform-provider-invitations"), ".")
		cmd.Dir = moduleRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// Cleanup removes the provider build; call it from TestMain after the tests.
func Cleanup() {
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

// Workspace is a directory Terraform runs in, with the provider from this
// tree and the environment the test gives it.
type Workspace struct {
	t   testing.TB
	tf  string
	Dir string
	Env []string
}

// NewWorkspace builds the provider (once) from moduleRoot, the repository's
// root relative to the test's package, and prepares an empty directory.
// address is the provider's registry address that dev_overrides maps.
func NewWorkspace(t testing.TB, moduleRoot, address string, env ...string) *Workspace {
	t.Helper()
	bin := build(t, moduleRoot)
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  filesystem_mirror {\n    path = %q\n  }\n}\n",
		address, bin, filepath.Join(dir, ".empty-mirror"))
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	return &Workspace{t: t, tf: Terraform(t), Dir: dir, Env: append(append(os.Environ(), base...), env...)}
}

// Write puts a file into the workspace.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// Command prepares a terraform command in its own process group, so that a
// test can interrupt it as Ctrl-C would.
func (w *Workspace) Command(args ...string) *exec.Cmd {
	if len(args) > 0 && args[0] != "state" {
		args = append(args, "-no-color")
	}
	cmd := exec.Command(w.tf, args...)
	cmd.Dir = w.Dir
	cmd.Env = w.Env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// Run runs terraform and returns its combined output and exit code.
func (w *Workspace) Run(args ...string) (string, int) {
	w.t.Helper()
	out, err := w.Command(args...).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		w.t.Fatal(err)
	}
	return string(out), 0
}

// Must runs terraform and fails the test unless it succeeds.
func (w *Workspace) Must(args ...string) string {
	w.t.Helper()
	out, code := w.Run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}
