package fwfix

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ProtocolServer serves p as the framework does, except that each call
// made per resource, data source, ephemeral resource, list resource or
// action hands the framework a context that lets go of the call's own once
// the call returns.
//
// Works around terraform-plugin-framework v1.19.0: its protocol server
// keeps a cancel function for the context of every call until StopProvider,
// and with it everything that context reaches: the call's loggers and gRPC
// stream, 20 KiB or more a call. A plan of 2,000 invitations left 140 MiB
// behind, which the garbage collector then scanned on every cycle.
//
// It is an error, at start-up, when the framework's server no longer has
// the calls the wrapper wraps: serving the leaking server silently would
// hide the regression.
func ProtocolServer(p provider.Provider) (func() tfprotov6.ProviderServer, error) {
	factory := providerserver.NewProtocol6(p)
	if fw := factory(); !isFrameworkServer(fw) {
		return nil, fmt.Errorf("terraform-plugin-framework's protocol server (%T) no longer implements the provider, list resource and action servers that fwfix.ProtocolServer wraps", fw)
	}
	return func() tfprotov6.ProviderServer {
		fw, _ := factory().(frameworkServer) // checked above: one type
		return server{fw}
	}, nil
}

func isFrameworkServer(s tfprotov6.ProviderServer) bool {
	_, ok := s.(frameworkServer)
	return ok
}

// frameworkServer is what the framework's server implements and the
// provider uses: the list resource and action calls are optional interfaces
// of the protocol.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// server is the framework's server with the calls Terraform makes once
// per object wrapped by released. The calls it leaves as they are, and why,
// are listed in notWrapped (server_test.go), and a test fails when a call
// is in neither place.
type server struct{ frameworkServer }

func (s server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadResource)
}

func (s server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.MoveResourceState)
}

// GenerateResourceConfig is called once per object by terraform query
// -generate-config-out.
func (s server) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, func(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
		return readDataSource(ctx, req, s.frameworkServer.ReadDataSource) // handover.go
	})
}

func (s server) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateEphemeralResourceConfig)
}

func (s server) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.OpenEphemeralResource)
}

func (s server) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.RenewEphemeralResource)
}

func (s server) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.CloseEphemeralResource)
}

func (s server) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateListResourceConfig)
}

func (s server) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateActionConfig)
}

func (s server) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanAction)
}

// released makes a call with a context that is ctx until the call
// returns, and an empty one afterwards: whatever the callee keeps of it
// no longer reaches ctx.
func released[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	r := &releasable{}
	r.ctx.Store(&ctx)
	defer r.ctx.Store(&emptyContext)
	return call(r, req)
}

var emptyContext = context.Background()

// releasable is a context.Context that delegates everything, values and
// cancellation included (the framework's own contexts still hang off the
// call's cancellation), to a context that can be swapped.
type releasable struct {
	ctx atomic.Pointer[context.Context]
}

func (r *releasable) current() context.Context    { return *r.ctx.Load() }
func (r *releasable) Deadline() (time.Time, bool) { return r.current().Deadline() }
func (r *releasable) Done() <-chan struct{}       { return r.current().Done() }
func (r *releasable) Err() error                  { return r.current().Err() }
func (r *releasable) Value(key any) any           { return r.current().Value(key) }
