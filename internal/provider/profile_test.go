package provider

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// TestProfileListing profiles the plugin's side of reading 10,000 program
// invitations through the data source, three times, in-process: with
// PROFILE=DIR it writes DIR/cpu.prof and DIR/allocs.prof for go tool pprof.
func TestProfileListing(t *testing.T) {
	dir := os.Getenv("PROFILE")
	if dir == "" {
		t.Skip("set PROFILE=DIR to profile a listing of 10,000 program invitations")
	}
	env := newMockEnv(t, needsScale, mockserver.Options{})
	env.srv.IBLOf(mockserver.IBLKindProgram).Seed(10000, "acme+onboarding")
	srv, err := protoV6ProviderFactories["invitations"]()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	schema, _ := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	pt := schema.Provider.ValueType()
	cfgVals := map[string]tftypes.Value{}
	for name, at := range pt.(tftypes.Object).AttributeTypes {
		cfgVals[name] = tftypes.NewValue(at, nil)
	}
	iblT := pt.(tftypes.Object).AttributeTypes["ibl"].(tftypes.Object)
	iblVals := map[string]tftypes.Value{}
	for name, at := range iblT.AttributeTypes {
		iblVals[name] = tftypes.NewValue(at, nil)
	}
	iblVals["url"] = tftypes.NewValue(tftypes.String, env.url)
	iblVals["api_key"] = tftypes.NewValue(tftypes.String, mockserver.IBLAdminKey)
	cfgVals["ibl"] = tftypes.NewValue(iblT, iblVals)
	pc, _ := tfprotov6.NewDynamicValue(pt, tftypes.NewValue(pt, cfgVals))
	if r, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pc}); err != nil || len(r.Diagnostics) > 0 {
		t.Fatal(err, r.Diagnostics)
	}
	dt := schema.DataSourceSchemas["invitations_program_invitations"].ValueType().(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range dt.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	vals["org"] = tftypes.NewValue(tftypes.String, "acme")
	dc, _ := tfprotov6.NewDynamicValue(dt, tftypes.NewValue(dt, vals))
	f, err := os.Create(filepath.Join(dir, "cpu.prof"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		r, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "invitations_program_invitations", Config: &dc})
		if err != nil || len(r.Diagnostics) > 0 {
			t.Fatal(err, r.Diagnostics)
		}
	}
	pprof.StopCPUProfile()
	h, err := os.Create(filepath.Join(dir, "allocs.prof"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := pprof.Lookup("allocs").WriteTo(h, 0); err != nil {
		t.Fatal(err)
	}
}
