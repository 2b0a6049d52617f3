// Package acctest runs the real Terraform CLI, through terraform-exec,
// against a provider built from this tree, for the tests that
// plugin-testing's harness cannot drive: for_each and count instances,
// Ctrl-C, long multi-apply runs. Terraform
// finds the build through dev_overrides in a temporary CLI configuration
// whose only other provider source is an empty mirror: no registry is asked.
package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

var (
	buildMu sync.Mutex
	builds  = map[string]string{} // package -> directory holding its build
)

// RequireAcc skips a test unless TF_ACC is set, as plugin-testing does.
func RequireAcc(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
}

// Terraform is the CLI the tests use: TF_ACC_TERRAFORM_PATH (Terraform or
// OpenTofu), else the terraform on PATH.
func Terraform(t testing.TB) string {
	t.Helper()
	p := terraformPath()
	if p == "" {
		t.Fatal("terraform not found on PATH")
	}
	return p
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, _ := exec.LookPath("terraform")
	return p
}

// OpenTofuAddress is the provider's address on OpenTofu's registry, which
// OpenTofu gives a source written without a host.
func OpenTofuAddress(address string) string {
	_, rest, _ := strings.Cut(address, "/")
	return "registry.opentofu.org/" + rest
}

// envProviderBuild names a directory holding the provider already built
// from this tree as build builds it (make test sets it).
const envProviderBuild = "TF_ACC_PROVIDER_BUILD"

// build compiles the provider in package pkg (relative to moduleRoot) once
// per test binary, into a directory that outlives any one test (Cleanup
// removes it), as .goreleaser.yml builds a release: the tests run, and make
// bench measures, the binary users get (static, stripped: 3 MiB less
// resident than a default build).
func build(t testing.TB, moduleRoot, pkg string) string {
	t.Helper()
	// make test builds the provider once for all its packages.
	if dir := os.Getenv(envProviderBuild); dir != "" && pkg == "." {
		return dir
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	if dir, ok := builds[pkg]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "terraform-provider-invitations-build-") //nolint:usetesting // shared by every test of the binary
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(dir, "terraform-provider-invitations"), pkg)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	builds[pkg] = dir
	return dir
}

// Cleanup removes the provider builds; call it from TestMain after the tests.
func Cleanup() {
	buildMu.Lock()
	defer buildMu.Unlock()
	for _, dir := range builds {
		_ = os.RemoveAll(dir)
	}
}

// Workspace is a directory Terraform runs in, through terraform-exec, with
// the provider from this tree and the environment the test gives it.
type Workspace struct {
	t      testing.TB
	tfPath string
	env    []string
	Dir    string
	// TF runs terraform commands. Cancelling a command's context interrupts
	// Terraform as Ctrl-C does (SIGINT, then a grace period).
	TF *tfexec.Terraform
}

// NewWorkspace builds the provider (once) from moduleRoot, the repository's
// root relative to the test's package, and prepares an empty directory.
// address is the provider's registry address that dev_overrides maps; env
// adds KEY=value pairs to the test process's environment.
func NewWorkspace(t testing.TB, moduleRoot, address string, env ...string) *Workspace {
	t.Helper()
	return NewWorkspaceFor(t, moduleRoot, ".", address, env...)
}

// NewWorkspaceFor is NewWorkspace with the provider built from package pkg
// of the module (make bench's floor provider, say).
func NewWorkspaceFor(t testing.TB, moduleRoot, pkg, address string, env ...string) *Workspace {
	t.Helper()
	return newWorkspace(t, moduleRoot, pkg, address, nil, env)
}

// NewWorkspaceWith is NewWorkspace with other providers beside this one:
// others maps each one's registry address to the directory holding its
// binary (RestAPIProvider's, say).
func NewWorkspaceWith(t testing.TB, moduleRoot, address string, others map[string]string, env ...string) *Workspace {
	t.Helper()
	return newWorkspace(t, moduleRoot, ".", address, others, env)
}

// RestAPIProvider is the directory holding the restapi provider that
// scripts/tools.sh builds from the Go module proxy (once).
func RestAPIProvider(t testing.TB, moduleRoot string) string {
	t.Helper()
	cmd := exec.Command("./scripts/tools.sh", "restapi")
	cmd.Dir = moduleRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("building the restapi provider: %v\n%s", err, out)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func newWorkspace(t testing.TB, moduleRoot, pkg, address string, others map[string]string, env []string) *Workspace {
	t.Helper()
	bin := build(t, moduleRoot, pkg)
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	// Both registries' addresses: Terraform and OpenTofu each give a source
	// without a host their own.
	overrides := fmt.Sprintf("    %q = %q\n    %q = %q\n", address, bin, OpenTofuAddress(address), bin)
	for addr, d := range others {
		overrides += fmt.Sprintf("    %q = %q\n    %q = %q\n", addr, d, OpenTofuAddress(addr), d)
	}
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n%s  }\n  filesystem_mirror {\n    path = %q\n  }\n}\n",
		overrides, filepath.Join(dir, ".empty-mirror"))
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	tf, err := tfexec.NewTerraform(dir, Terraform(t))
	if err != nil {
		t.Fatal(err)
	}
	// terraform-exec replaces the environment when given one: start from the
	// process's, less what it manages itself.
	vars := map[string]string{}
	for _, kv := range append(os.Environ(), append([]string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1"}, env...)...) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	for _, k := range tfexec.ProhibitedEnv(vars) {
		delete(vars, k)
	}
	if err := tf.SetEnv(vars); err != nil {
		t.Fatal(err)
	}
	w := &Workspace{t: t, tfPath: Terraform(t), Dir: dir, TF: tf}
	for k, v := range vars {
		w.env = append(w.env, k+"="+v)
	}
	return w
}

// Run runs a terraform command terraform-exec has no call for (apply
// -invoke), with the workspace's environment, and returns its output.
func (w *Workspace) Run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, w.tfPath, append(args, "-no-color")...)
	cmd.Dir = w.Dir
	cmd.Env = append(w.env, "TF_IN_AUTOMATION=1")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Write puts a file into the workspace.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}
