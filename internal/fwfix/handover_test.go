package fwfix

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The state Terraform gets from a data source that sets its listing with
// SetList is, through ProtocolServer, the very state the framework's own
// server sends: the listing (nulls among its values) and the attributes the
// framework itself settles after the read (semantic equality keeps the
// configuration's spelling of an RFC 3339 filter).
func TestHandoverMatchesTheFramework(t *testing.T) {
	p := listingProvider{rows: 500, handed: new(bool)}
	wrapped, err := ProtocolServer(p)
	if err != nil {
		t.Fatal(err)
	}
	objType, config := listingConfig(t, "2026-01-01T00:00:00+00:00")
	read := func(s tfprotov6.ProviderServer) tftypes.Value {
		t.Helper()
		if _, err := s.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{}); err != nil {
			t.Fatal(err)
		}
		resp, err := s.ReadDataSource(t.Context(), &tfprotov6.ReadDataSourceRequest{TypeName: "test_listing", Config: &config})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.Diagnostics {
			t.Fatalf("%s: %s", d.Summary, d.Detail)
		}
		v, err := resp.State.Unmarshal(objType)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	got := read(wrapped())
	if !*p.handed {
		t.Fatal("the read through ProtocolServer found no handover in its context: this test compares the framework with itself")
	}
	want := read(providerserver.NewProtocol6(p)())
	if !got.Equal(want) {
		t.Fatalf("the state through ProtocolServer differs from the framework's:\n%v\nwant\n%v", got, want)
	}
	var top map[string]tftypes.Value
	var items []tftypes.Value
	if err := got.As(&top); err != nil || top["items"].As(&items) != nil || len(items) != p.rows {
		t.Fatalf("the listing holds %d items, want %d (%v)", len(items), p.rows, err)
	}
	var since string
	if err := top["since"].As(&since); err != nil || since != "2026-01-01T00:00:00+00:00" {
		t.Errorf("since = %q: the framework's semantic equality did not settle it", since)
	}
}

// listingConfig is the test data source's state type and a configuration
// of it with since as given (a string, or nil for null).
func listingConfig(t testing.TB, since any) (tftypes.Object, tfprotov6.DynamicValue) {
	t.Helper()
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"since": tftypes.String,
		"items": tftypes.List{ElementType: listingItemType},
		"ids":   tftypes.List{ElementType: tftypes.String},
	}}
	config, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, map[string]tftypes.Value{
		"since": tftypes.NewValue(tftypes.String, since),
		"items": tftypes.NewValue(tftypes.List{ElementType: listingItemType}, nil),
		"ids":   tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil),
	}))
	if err != nil {
		t.Fatal(err)
	}
	return objType, config
}

var listingItemType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String, "note": tftypes.String}}

type listingProvider struct {
	rows   int
	handed *bool // whether the last read had a handover in its context
}

func (listingProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "test"
}
func (listingProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (listingProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (listingProvider) Resources(context.Context) []func() resource.Resource { return nil }
func (p listingProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return listingDataSource(p) }}
}

type listingDataSource listingProvider

func (listingDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = "test_listing"
}

func (listingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"since": schema.StringAttribute{Optional: true, CustomType: timetypes.RFC3339Type{}},
		"items": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Computed: true},
			"note": schema.StringAttribute{Computed: true},
		}}},
		"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType},
	}}
}

func (d listingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	*d.handed = handoverFrom(ctx) != nil
	var since timetypes.RFC3339
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("since"), &since)...)
	// Another spelling of the same instant: semantic equality keeps the
	// configuration's.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("since"), timetypes.NewRFC3339ValueMust("2026-01-01T00:00:00Z"))...)
	resp.Diagnostics.Append(SetList(ctx, &resp.State, "items", d.rows, func(item tftypes.Type, i int) tftypes.Value {
		note := tftypes.NewValue(tftypes.String, nil) // the nulls the framework walks
		if i%3 == 0 {
			note = tftypes.NewValue(tftypes.String, "every third")
		}
		return tftypes.NewValue(item, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, fmt.Sprint("row-", i)), "note": note})
	})...)
	resp.Diagnostics.Append(SetList(ctx, &resp.State, "ids", d.rows, func(_ tftypes.Type, i int) tftypes.Value {
		return tftypes.NewValue(tftypes.String, fmt.Sprint(i))
	})...)
}

// The cost the handover saves: a read of 10,000 rows, a third of their
// notes set, through the framework's server and through ProtocolServer.
func BenchmarkReadDataSource(b *testing.B) {
	p := listingProvider{rows: 10000, handed: new(bool)}
	wrapped, err := ProtocolServer(p)
	if err != nil {
		b.Fatal(err)
	}
	_, config := listingConfig(b, nil)
	for _, s := range []struct {
		name   string
		server tfprotov6.ProviderServer
	}{{"framework", providerserver.NewProtocol6(p)()}, {"handover", wrapped()}} {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := s.server.ReadDataSource(b.Context(), &tfprotov6.ReadDataSourceRequest{TypeName: "test_listing", Config: &config})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
		})
	}
}
