package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

func TestMain(m *testing.M) {
	// Terraform must never phone home from tests.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	// Nor ask a registry for anything, when run without make.
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil {
		if abs, err := filepath.Abs("../../scripts/offline.tfrc"); err == nil {
			_ = os.Setenv("TF_CLI_CONFIG_FILE", abs)
		}
	}
	// A live run's settings are read once; then settings from the
	// developer's shell must not leak into the tests.
	settings = readTarget()
	if os.Getenv(envAccLive) == "1" {
		liveTarget = settings
	}
	for _, v := range []string{EnvIBLURL, EnvIBLAPIKey, EnvIBLOrg, EnvAuthentikURL, EnvAuthentikToken, EnvAuthentikInsecure} {
		_ = os.Unsetenv(v)
	}
	// plugin-testing's TestMain runs the sweepers (-sweep) or the tests.
	resource.TestMain(cleanup{m})
}

// cleanup removes the provider builds after the tests.
type cleanup struct{ m *testing.M }

func (c cleanup) Run() int {
	defer acctest.Cleanup()
	return c.m.Run()
}
