package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A timeout known only at apply (here another resource's output) is
// checked when Terraform validates the configuration again at apply, so
// a bad one stops the create before any request: nothing reaches either
// platform, and nothing is left half made.
func TestAccTimeoutKnownOnlyAtApply(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	config := func(timeout string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "timeout" {
  input = %q
}

resource "invitations_stage_invitation" "test" {
  name     = "${var.prefix}-late-timeout"
  expires  = %q
  timeouts = { create = terraform_data.timeout.output }
}

resource "invitations_program_invitation" "test" {
  program_key = "acme+late"
  email       = "${var.prefix}-late@example.com"
  timeouts    = { create = terraform_data.timeout.output }
}

variable "prefix" {
  default = %q
}
`, timeout, farFuture, env.prefix)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             noRequests(env),
		Steps: []resource.TestStep{
			{Config: config("soon"), ExpectError: regexp.MustCompile(`(?s)Invalid timeout.*timeouts.create must be a Go duration such as "30s" or "5m", got "soon"`)},
			{Config: config("0s"), ExpectError: regexp.MustCompile(`(?s)Invalid timeout.*timeouts.create must be longer than zero, got "0s"`)},
		},
	})
}

// A timeout that is no duration is one error, on timeouts.<operation>,
// for every resource and data source that has timeouts: the provider's
// own (fwvalidators.PositiveTimeouts, which names the attribute in its
// words), not that and the timeouts library's duration validator besides.
func TestBadTimeoutIsOneErrorNamingTheAttribute(t *testing.T) {
	checked := 0
	for _, c := range configurables(t) {
		for _, a := range c.schema.Block.Attributes {
			if a.Name != "timeouts" {
				continue
			}
			for _, op := range a.NestedType.Attributes {
				checked++
				path := tftypes.NewAttributePath().WithAttributeName("timeouts").WithAttributeName(op.Name)
				diags := c.validate(configWith(t, c.schema, "timeouts", op.Name, tftypes.NewValue(tftypes.String, "soon")))
				switch errs := errorsOn(diags, path); {
				case len(errs) != 1:
					t.Errorf("%s %s, timeouts.%s = \"soon\": %d errors, want 1: %s", c.kind, c.name, op.Name, len(errs), summaries(errs))
				case errs[0].Summary != "Invalid timeout" || !strings.Contains(errs[0].Detail, "timeouts."+op.Name):
					t.Errorf("%s %s: %q: %s; want \"Invalid timeout\" naming timeouts.%s", c.kind, c.name, errs[0].Summary, errs[0].Detail, op.Name)
				}
			}
		}
	}
	// Four resources (authentik's and ibl.ai's three kinds) of four
	// operations each, and the four data sources' read.
	if checked != 4*4+4 {
		t.Errorf("checked %d timeouts, want %d", checked, 4*4+4)
	}
}
