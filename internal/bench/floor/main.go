// Command floor serves the invitations provider's schemas with resources
// and data sources that call no API: what the framework alone costs for
// the same schemas, the floor make bench measures the provider against.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	invitations "github.com/invitations-dev/terraform-provider-invitations/internal/provider"
	"github.com/invitations-dev/terraform-provider-invitations/internal/rusage"
)

func main() {
	// Served as the provider is (fwfix.ProtocolServer), so that the
	// floor differs from it only in what its resources do.
	factory, err := fwfix.ProtocolServer(floorProvider{invitations.New("floor")()})
	if err == nil {
		err = tf6server.Serve(invitations.RegistryAddress, factory)
	}
	rusage.Write()
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{ provider.Provider }

func (p floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, f := range p.Provider.Resources(ctx) {
		out = append(out, func() resource.Resource { return noAPI{f()} })
	}
	return out
}

// noAPI keeps a resource's type name and schema; its operations store the
// plan as it is and read nothing.
type noAPI struct{ inner resource.Resource }

func (n noAPI) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	n.inner.Metadata(ctx, req, resp)
}

func (n noAPI) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	n.inner.Schema(ctx, req, resp)
}

func (n noAPI) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (n noAPI) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (n noAPI) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = known(req.Plan.Raw)
}

func (n noAPI) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known turns what the plan left unknown (computed values) into null.
func known(v tftypes.Value) tftypes.Value {
	out, err := tftypes.Transform(v, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		return v
	}
	return out
}

func (p floorProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	var out []func() datasource.DataSource
	for _, f := range p.Provider.DataSources(ctx) {
		out = append(out, func() datasource.DataSource { return fromFile{f()} })
	}
	return out
}

// fromFile keeps a data source's type name and schema; its read returns the
// state in the file FLOOR_STATE names (JSON, as terraform show prints a
// data source's values). make bench gives it what the provider has just
// listed: the same result, without an API.
type fromFile struct{ inner datasource.DataSource }

func (f fromFile) Metadata(ctx context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	f.inner.Metadata(ctx, req, resp)
}

func (f fromFile) Schema(ctx context.Context, req datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	f.inner.Schema(ctx, req, resp)
}

func (f fromFile) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	raw, err := os.ReadFile(os.Getenv("FLOOR_STATE"))
	if err != nil {
		resp.Diagnostics.AddError("Reading FLOOR_STATE", err.Error())
		return
	}
	v, err := (&tfprotov6.RawState{JSON: raw}).UnmarshalWithOpts(req.Config.Schema.Type().TerraformType(ctx),
		tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		resp.Diagnostics.AddError("Decoding FLOOR_STATE", err.Error())
		return
	}
	resp.State.Raw = v
}
