package provider

import (
	"context"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

// Through the provider's server, the framework keeps nothing of a call's
// context once the call has returned; through its own server, it does. The
// second half fails when terraform-plugin-framework stops keeping them
// (fixed upstream): fwfix.ProtocolServer may then go.
func TestFrameworkStillKeepsCallContexts(t *testing.T) {
	srv, err := Server("test")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schema.DataSourceSchemas["invitations_stage_invitations"].ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	config, _ := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	read := func(s tfprotov6.ProviderServer) func(ctx context.Context) {
		return func(ctx context.Context) {
			if _, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "invitations_stage_invitations", Config: &config}); err != nil {
				t.Fatal(err)
			}
		}
	}

	if acctest.Retained(t, read(srv)) {
		t.Error("the framework still holds the context of a call that has returned")
	}
	runtime.KeepAlive(srv) // a server lives as long as the plugin

	direct := providerserver.NewProtocol6(New("test")())()
	if !acctest.Retained(t, read(direct)) {
		t.Error("terraform-plugin-framework's own server no longer keeps the contexts of calls that have returned: " +
			"the workaround in internal/fwfix (ProtocolServer) may go; remove it and this test, and update docs/DESIGN.md")
	}
	runtime.KeepAlive(direct)
}
