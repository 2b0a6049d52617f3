// Command floor serves the invitations provider's schemas with resources
// that call no API: what the framework alone costs for the same schemas,
// the floor make bench measures the provider against.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	invitations "github.com/invitations-dev/terraform-provider-invitations/internal/provider"
	"github.com/invitations-dev/terraform-provider-invitations/internal/rusage"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{invitations.New("floor")()} },
		providerserver.ServeOpts{Address: invitations.RegistryAddress, ProtocolVersion: 6})
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
