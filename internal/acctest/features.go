package acctest

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Feature is something a test needs of the CLI it runs on.
type Feature struct {
	name string
	// terraform is the first Terraform release with it; opentofu the first
	// OpenTofu release, "" when OpenTofu has none.
	terraform, opentofu string
}

// The features whose tests skip on a CLI without them.
var (
	Ephemeral = Feature{name: "ephemeral resources", terraform: "1.10.0", opentofu: "1.11.0"}
	Identity  = Feature{name: "resource identity", terraform: "1.12.0", opentofu: "1.12.0"}
	// ListResources covers list blocks and terraform query.
	ListResources = Feature{name: "list resources and terraform query", terraform: "1.14.0"}
	// MoveFromOtherTypes covers moved blocks between resource types.
	MoveFromOtherTypes = Feature{name: "moved blocks between resource types", terraform: "1.8.0", opentofu: "1.10.0"}
	// ActionCaller is the caller object in action blocks: the resource whose
	// lifecycle triggers the action.
	ActionCaller = Feature{name: "caller in action blocks", terraform: "1.16.0"}
	// LifecycleDestroy is lifecycle { destroy = false } in a resource block.
	LifecycleDestroy = Feature{name: "lifecycle { destroy = false }", terraform: "1.16.0", opentofu: "1.12.0"}
	Actions          = Feature{name: "actions", terraform: "1.14.0"}
)

// CLI is the command-line program the tests run (Terraform or OpenTofu).
type CLI struct {
	OpenTofu bool
	Version  *version.Version
}

func (c CLI) String() string {
	if c.OpenTofu {
		return "OpenTofu " + c.Version.String()
	}
	return "Terraform " + c.Version.String()
}

var (
	cliOnce sync.Once
	cli     CLI
	cliErr  error
)

// TestedCLI tells which CLI the tests run, asking it once per test binary.
func TestedCLI() (CLI, error) {
	cliOnce.Do(func() {
		path := terraformPath()
		if path == "" {
			cliErr = fmt.Errorf("terraform not found on PATH")
			return
		}
		out, err := exec.Command(path, "version").Output()
		if err != nil {
			cliErr = fmt.Errorf("%s version: %w", path, err)
			return
		}
		// Warnings about the CLI configuration may come first.
		for _, line := range strings.Split(string(out), "\n") {
			name, v, _ := strings.Cut(line, " v")
			if name == "Terraform" || name == "OpenTofu" {
				cli.OpenTofu = name == "OpenTofu"
				cli.Version, cliErr = version.NewVersion(strings.TrimSpace(v))
				return
			}
		}
		cliErr = fmt.Errorf("%s version: no version in %q", path, out)
	})
	return cli, cliErr
}

// Lacks returns why the CLI lacks the feature, or "" when it has it.
func (c CLI) Lacks(f Feature) string {
	since := f.terraform
	if c.OpenTofu {
		since = f.opentofu
	}
	switch {
	case since == "":
		return fmt.Sprintf("%s has no %s", c, f.name)
	case c.Version.LessThan(version.Must(version.NewVersion(since))):
		return fmt.Sprintf("%s needs %s or later; this is %s", f.name, strings.TrimSuffix(c.String(), c.Version.String())+since, c)
	}
	return ""
}

// Needs is a plugin-testing version check that skips a test, with the
// reason, on a CLI without the feature. Unlike tfversion.SkipBelow it knows
// OpenTofu, whose version numbers are not Terraform's.
func Needs(f Feature) tfversion.TerraformVersionCheck { return needs(f) }

type needs Feature

func (f needs) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	c, err := TestedCLI()
	if err != nil {
		resp.Error = err
		return
	}
	resp.Skip = c.Lacks(Feature(f))
}

// SkipUnless skips a test run outside plugin-testing on a CLI without the
// feature, with the reason.
func SkipUnless(t testing.TB, f Feature) {
	t.Helper()
	c, err := TestedCLI()
	if err != nil {
		t.Fatal(err)
	}
	if why := c.Lacks(f); why != "" {
		t.Skip(why)
	}
}

// Has tells whether the CLI the tests run has the feature.
func Has(f Feature) bool {
	c, err := TestedCLI()
	return err == nil && c.Lacks(f) == ""
}
