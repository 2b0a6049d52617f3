package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// A timeout known only at apply (here another resource's output) is
// checked when Terraform validates the configuration again at apply, so
// a bad one stops the create before any request: nothing reaches either
// platform, and nothing is left half made.
func TestAccTimeoutKnownOnlyAtApply(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	config := func(timeout string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "terraform_data" "timeout" {
  input = %q
}

resource "invitations_stage_invitation" "test" {
  name     = "late-timeout"
  expires  = %q
  timeouts = { create = terraform_data.timeout.output }
}

resource "invitations_program_invitation" "test" {
  program_key = "acme+late"
  email       = "late@example.com"
  timeouts    = { create = terraform_data.timeout.output }
}
`, timeout, farFuture)
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
	server, err := Server("test")
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	validate := map[string]func(string, *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic{
		"resource": func(name string, config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: config})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		},
		"data source": func(name string, config *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ValidateDataResourceConfig(t.Context(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: config})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		},
	}
	checked := 0
	for kind, all := range map[string]map[string]*tfprotov6.Schema{"resource": schemas.ResourceSchemas, "data source": schemas.DataSourceSchemas} {
		for name, s := range all {
			var timeouts *tfprotov6.SchemaAttribute
			for _, a := range s.Block.Attributes {
				if a.Name == "timeouts" {
					timeouts = a
				}
			}
			if timeouts == nil {
				continue
			}
			for _, op := range timeouts.NestedType.Attributes {
				checked++
				diags := validate[kind](name, configWithTimeout(t, s, op.Name, "soon"))
				var bad []*tfprotov6.Diagnostic
				for _, d := range diags {
					if strings.Contains(d.Detail, `"soon"`) {
						bad = append(bad, d)
					}
				}
				want := tftypes.NewAttributePath().WithAttributeName("timeouts").WithAttributeName(op.Name)
				switch {
				case len(bad) != 1:
					t.Errorf("%s %s, timeouts.%s = \"soon\": %d errors about it, want 1: %s", kind, name, op.Name, len(bad), summaries(bad))
				case bad[0].Summary != "Invalid timeout" || !bad[0].Attribute.Equal(want) || !strings.Contains(bad[0].Detail, "timeouts."+op.Name):
					t.Errorf("%s %s: %q on %v: %s; want \"Invalid timeout\" on %v naming timeouts.%s", kind, name, bad[0].Summary, bad[0].Attribute, bad[0].Detail, want, op.Name)
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

// configWithTimeout is a configuration of the schema with every attribute
// null but timeouts, which has op set to value.
func configWithTimeout(t *testing.T, s *tfprotov6.Schema, op, value string) *tfprotov6.DynamicValue {
	t.Helper()
	typ := s.ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	tt := typ.AttributeTypes["timeouts"].(tftypes.Object)
	ops := map[string]tftypes.Value{}
	for name := range tt.AttributeTypes {
		ops[name] = tftypes.NewValue(tftypes.String, nil)
	}
	ops[op] = tftypes.NewValue(tftypes.String, value)
	attrs["timeouts"] = tftypes.NewValue(tt, ops)
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &config
}

func summaries(diags []*tfprotov6.Diagnostic) string {
	out := make([]string, len(diags))
	for i, d := range diags {
		out[i] = fmt.Sprintf("%q (%s)", d.Summary, d.Detail)
	}
	return strings.Join(out, "; ")
}
