package provider

import (
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
)

// protoV6ProviderFactories serve the provider in-process.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"invitations": func() (tfprotov6.ProviderServer, error) { return Server("test") },
}

// fakeClock is a clock a test moves forward, shared by the mock server and
// the provider so that expiry can be tested without waiting.
type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }
func (c *fakeClock) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"invitations": func() (tfprotov6.ProviderServer, error) {
			factory, err := fwfix.ProtocolServer(&invitationsProvider{version: "test", now: c.Now})
			if err != nil {
				return nil, err
			}
			return factory(), nil
		},
	}
}

// providerConfig is the provider block for the target: on the mock with
// short retry waits, so that retry tests stay fast; on a live target with
// the provider's defaults.
func (e *testEnv) providerConfig() string {
	retries := "retry_wait_min = \"10ms\"\n  retry_wait_max = \"1s\""
	if e.srv == nil {
		retries = ""
	}
	return fmt.Sprintf(`
provider "invitations" {
  authentik = {
    url   = %q
    token = %q
  }
  ibl = {
    url     = %q
    api_key = %q
    %s
  }
  %s
}
`, e.url, e.authentikToken, e.iblURL, e.iblKey, e.iblExtra, retries)
}

// requests checks the requests the provider sent since the last reset,
// by method, then resets the counters.
func (e *testEnv) requests(want map[string]int) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := map[string]int{}
		for _, r := range e.sent() {
			got[r.Method]++
		}
		e.resetCounts()
		for _, m := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
			if got[m] != want[m] {
				return fmt.Errorf("%s requests: got %d, want %d (all: %v)", m, got[m], want[m], got)
			}
		}
		return nil
	}
}

func TestProviderSchemaDescriptions(t *testing.T) {
	// Every attribute of every schema documents itself: the provider's,
	// resources', data sources', list resources', ephemeral resources',
	// actions' and resource identities'.
	resp, err := protoV6ProviderFactories["invitations"]()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := resp.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(prefix string, b *tfprotov6.SchemaBlock)
	walk = func(prefix string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			if strings.TrimSpace(a.Description) == "" {
				missing = append(missing, prefix+a.Name)
			}
			if a.NestedType != nil {
				walk(prefix+a.Name+".", &tfprotov6.SchemaBlock{Attributes: a.NestedType.Attributes})
			}
		}
		for _, nb := range b.BlockTypes {
			walk(prefix+nb.TypeName+".", nb.Block)
		}
	}
	walk("provider.", schemas.Provider.Block)
	for name, s := range schemas.ResourceSchemas {
		walk(name+".", s.Block)
	}
	for name, s := range schemas.DataSourceSchemas {
		walk(name+".", s.Block)
	}
	for name, s := range schemas.ListResourceSchemas {
		walk("list."+name+".", s.Block)
	}
	for name, s := range schemas.EphemeralResourceSchemas {
		walk("ephemeral."+name+".", s.Block)
	}
	for name, s := range schemas.ActionSchemas {
		walk("action."+name+".", s.Schema.Block)
	}
	identities, err := resp.GetResourceIdentitySchemas(t.Context(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range identities.IdentitySchemas {
		for _, a := range s.IdentityAttributes {
			if strings.TrimSpace(a.Description) == "" {
				missing = append(missing, "identity."+name+"."+a.Name)
			}
		}
	}
	if len(schemas.ResourceSchemas) == 0 || len(schemas.ListResourceSchemas) == 0 || len(schemas.EphemeralResourceSchemas) == 0 ||
		len(schemas.ActionSchemas) == 0 || len(identities.IdentitySchemas) == 0 {
		t.Fatal("a kind of schema is missing")
	}
	if len(missing) > 0 {
		t.Fatalf("attributes without a description: %v", missing)
	}
}

// noRequests checks that nothing reached the server: validation happens at
// plan time, before any API call.
func noRequests(e *testEnv) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := len(e.sent()); n != 0 {
			return fmt.Errorf("validation sent %d request(s) to the server", n)
		}
		return nil
	}
}

// wrapped matches text in a Terraform diagnostic, which wraps long lines:
// every space in text matches any run of white space.
func wrapped(text string) *regexp.Regexp {
	parts := strings.Fields(text)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

func TestConfigureReportsUnexpectedProviderData(t *testing.T) {
	for _, r := range []resource.Resource{NewStageInvitationResource(), NewProgramInvitationResource()} {
		var resp resource.ConfigureResponse
		r.(resource.ResourceWithConfigure).Configure(t.Context(), resource.ConfigureRequest{ProviderData: "not provider data"}, &resp)
		if !resp.Diagnostics.HasError() || resp.Diagnostics[0].Summary() != "Unexpected Configure Type" {
			t.Errorf("%T: %v", r, resp.Diagnostics)
		}
		// Before the provider is configured (validation), there is none yet: fine.
		resp = resource.ConfigureResponse{}
		r.(resource.ResourceWithConfigure).Configure(t.Context(), resource.ConfigureRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%T without provider data: %v", r, resp.Diagnostics)
		}
	}
	for _, d := range []datasource.DataSource{NewStageInvitationsDataSource(), NewProgramInvitationsDataSource()} {
		var resp datasource.ConfigureResponse
		d.(datasource.DataSourceWithConfigure).Configure(t.Context(), datasource.ConfigureRequest{ProviderData: 42}, &resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "got: int") {
			t.Errorf("%T: %v", d, resp.Diagnostics)
		}
	}
}
