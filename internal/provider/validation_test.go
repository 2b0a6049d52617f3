package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// configurable is one type a configuration names (the provider itself, a
// resource, data source, list resource, ephemeral resource or action),
// with the call that validates a configuration of it.
type configurable struct {
	kind, name string
	schema     *tfprotov6.Schema
	validate   func(*tfprotov6.DynamicValue) []*tfprotov6.Diagnostic
}

// configurables are every type the provider serves, with validation
// through the server Terraform talks to.
func configurables(t *testing.T) []configurable {
	t.Helper()
	server, err := Server("test")
	if err != nil {
		t.Fatal(err)
	}
	lists, okList := server.(tfprotov6.ListResourceServer)
	actions, okAction := server.(tfprotov6.ActionServer)
	if !okList || !okAction {
		t.Fatalf("the server serves no list resources (%v) or no actions (%v)", okList, okAction)
	}
	schemas, err := server.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	must := func(diags []*tfprotov6.Diagnostic, err error) []*tfprotov6.Diagnostic {
		if err != nil {
			t.Fatal(err)
		}
		return diags
	}
	out := []configurable{{kind: "provider", name: "invitations", schema: schemas.Provider,
		validate: func(c *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := server.ValidateProviderConfig(t.Context(), &tfprotov6.ValidateProviderConfigRequest{Config: c})
			return must(resp.Diagnostics, err)
		}}}
	add := func(kind string, all map[string]*tfprotov6.Schema, validate func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error)) {
		for name, s := range all {
			out = append(out, configurable{kind: kind, name: name, schema: s,
				validate: func(c *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic { return must(validate(name, c)) }})
		}
	}
	add("resource", schemas.ResourceSchemas, func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: c})
		return resp.Diagnostics, err
	})
	add("data source", schemas.DataSourceSchemas, func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.ValidateDataResourceConfig(t.Context(), &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: c})
		return resp.Diagnostics, err
	})
	add("list resource", schemas.ListResourceSchemas, func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := lists.ValidateListResourceConfig(t.Context(), &tfprotov6.ValidateListResourceConfigRequest{TypeName: name, Config: c})
		return resp.Diagnostics, err
	})
	add("ephemeral resource", schemas.EphemeralResourceSchemas, func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := server.ValidateEphemeralResourceConfig(t.Context(), &tfprotov6.ValidateEphemeralResourceConfigRequest{TypeName: name, Config: c})
		return resp.Diagnostics, err
	})
	actionSchemas := map[string]*tfprotov6.Schema{}
	for name, s := range schemas.ActionSchemas {
		actionSchemas[name] = s.Schema
	}
	add("action", actionSchemas, func(name string, c *tfprotov6.DynamicValue) ([]*tfprotov6.Diagnostic, error) {
		resp, err := actions.ValidateActionConfig(t.Context(), &tfprotov6.ValidateActionConfigRequest{ActionType: name, Config: c})
		return resp.Diagnostics, err
	})
	return out
}

// configWith is a configuration of the schema with every attribute null
// but the one at top (and, inside it, nested) set to value.
func configWith(t *testing.T, s *tfprotov6.Schema, top, nested string, value tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	typ := s.ValueType().(tftypes.Object)
	attrs := nulls(typ)
	attrs[top] = value
	if nested != "" {
		inner := typ.AttributeTypes[top].(tftypes.Object)
		in := nulls(inner)
		in[nested] = value
		attrs[top] = tftypes.NewValue(inner, in)
	}
	config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &config
}

func nulls(typ tftypes.Object) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		out[name] = tftypes.NewValue(at, nil)
	}
	return out
}

// errorsOn are the error diagnostics on the attribute at path.
func errorsOn(diags []*tfprotov6.Diagnostic, path *tftypes.AttributePath) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil && d.Attribute.Equal(path) {
			out = append(out, d)
		}
	}
	return out
}

func summaries(diags []*tfprotov6.Diagnostic) string {
	out := make([]string, len(diags))
	for i, d := range diags {
		out[i] = fmt.Sprintf("%q (%s)", d.Summary, d.Detail)
	}
	return strings.Join(out, "; ")
}

// secretValues are bad values of a sensitive argument, to look for in
// the diagnostics: no diagnostic may show one.
var secretValues = []string{"s3cr3t with space", "s3cr3t\nline", " s3cr3t\t", "s3cr3t\x00", "https://user:s3cr3t@"}

// userinfoValues are bad URLs with a password in them: a URL's error
// shows the URL, never the password.
var userinfoValues = []string{"https://user:s3cr3t@host:badport", "ftp://user:s3cr3t@host", "user:s3cr3t@host", " https://user:s3cr3t@host", "https://user:s3cr3t@"}

// urlArguments may hold a user and password (https://user:secret@host).
var urlArguments = map[string]bool{"url": true}

// tokenArguments hold an invite token without being marked sensitive: an
// action's attributes cannot be (the framework), the value stays marked
// by the resource it comes from.
var tokenArguments = map[string]bool{"invitation_id": true}

// One mistake is one error. For every string argument of every type the
// provider serves (those in the provider's blocks, and the values of maps
// of strings, too), a bad value draws:
//   - at most one error on that argument, never one from each of two rules
//     that both refuse it (an empty name was a length error and a pattern
//     error);
//   - no error on no attribute, so that Terraform points at the line (the
//     errors a configuration of nulls draws, such as "exactly one of", are
//     left aside);
//   - for a sensitive argument, no diagnostic that shows the value; for a
//     URL, none that shows a password in it.
func TestBadValueIsAtMostOneErrorPerArgument(t *testing.T) {
	bad := []string{"", " ", "has space", "x@", "-1", "{", "a\nb", "course-v1:", "http://", "2001-01-01T00:00:00Z", "acme+", "0s"}
	checked := 0
	for _, c := range configurables(t) {
		typ := c.schema.ValueType().(tftypes.Object)
		empty, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nulls(typ)))
		if err != nil {
			t.Fatal(err)
		}
		baseline := map[string]bool{}
		for _, d := range c.validate(&empty) {
			baseline[d.Summary+d.Detail] = true
		}
		for _, a := range c.schema.Block.Attributes {
			if !a.Optional && !a.Required {
				continue
			}
			// An argument is a string, a string in a platform block, or a
			// value in a map of strings (under the key "X-Test").
			type arg struct {
				top, nested string
				inMap       bool
				sensitive   bool
			}
			stringMap := tftypes.Map{ElementType: tftypes.String}
			var args []arg
			switch {
			case a.Type != nil && a.Type.Is(tftypes.String):
				args = append(args, arg{a.Name, "", false, a.Sensitive || tokenArguments[a.Name]})
			case a.Type != nil && a.Type.Is(stringMap):
				args = append(args, arg{a.Name, "", true, a.Sensitive})
			case a.NestedType != nil && a.NestedType.Nesting == tfprotov6.SchemaObjectNestingModeSingle:
				for _, n := range a.NestedType.Attributes {
					if n.Type != nil && n.Type.Is(tftypes.String) && (n.Optional || n.Required) {
						args = append(args, arg{a.Name, n.Name, false, a.Sensitive || n.Sensitive})
					}
				}
			}
			for _, g := range args {
				path := tftypes.NewAttributePath().WithAttributeName(g.top)
				if g.nested != "" {
					path = path.WithAttributeName(g.nested)
				}
				if g.inMap {
					path = path.WithElementKeyString("X-Test")
				}
				values := bad
				if g.sensitive {
					values = append(values, secretValues...)
				}
				isURL := urlArguments[g.top] || urlArguments[g.nested]
				if isURL {
					values = append(values, userinfoValues...)
				}
				for _, v := range values {
					checked++
					value := tftypes.NewValue(tftypes.String, v)
					if g.inMap {
						value = tftypes.NewValue(stringMap, map[string]tftypes.Value{"X-Test": value})
					}
					diags := c.validate(configWith(t, c.schema, g.top, g.nested, value))
					if errs := errorsOn(diags, path); len(errs) > 1 {
						t.Errorf("%s %s, %v = %q: %d errors: %s", c.kind, c.name, path, v, len(errs), summaries(errs))
					}
					for _, d := range diags {
						if (g.sensitive || isURL && strings.Contains(v, "@")) && strings.Contains(d.Summary+d.Detail, "s3cr3t") {
							t.Errorf("%s %s: the secret in %v = %q is shown in %q: %s", c.kind, c.name, path, v, d.Summary, d.Detail)
						}
						if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute == nil && !baseline[d.Summary+d.Detail] {
							t.Errorf("%s %s, %v = %q: an error on no attribute: %q %s", c.kind, c.name, path, v, d.Summary, d.Detail)
						}
					}
				}
			}
		}
	}
	t.Logf("%d bad values checked", checked)
	if checked < 500 {
		t.Errorf("checked %d values, fewer than the schemas hold", checked)
	}
}
