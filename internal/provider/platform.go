package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// platform is embedded by every resource and data source. It takes the
// provider's data in Configure, says which setting is missing when the
// platform its type needs is not configured, and starts each operation
// under its timeout.
type platform[C any] struct {
	spec   platformSpec[C]
	client *C
	data   *providerData
	// suffix and label name the type (named, scaffold.go).
	suffix, label string
}

// platformSpec picks one platform's client out of the provider's data.
type platformSpec[C any] struct {
	name, settings string
	pick           func(*providerData) (client *C, unknown bool, missing string)
}

func authentikPlatform() platform[authentik.Client] {
	return platform[authentik.Client]{spec: platformSpec[authentik.Client]{
		name: "authentik", settings: "authentik.url and authentik.token (or AUTHENTIK_URL and AUTHENTIK_TOKEN)",
		pick: func(d *providerData) (*authentik.Client, bool, string) {
			return d.Authentik, d.AuthentikUnknown, d.AuthentikMissing
		},
	}}
}

func iblPlatform() platform[ibl.Client] {
	return platform[ibl.Client]{spec: platformSpec[ibl.Client]{
		name: "ibl.ai", settings: "ibl.url and ibl.api_key (or IBLAI_URL and IBLAI_API_KEY)",
		pick: func(d *providerData) (*ibl.Client, bool, string) { return d.IBL, d.IBLUnknown, d.IBLMissing },
	}}
}

// configure takes the provider's data; typeName names the resource or data
// source in the diagnostic.
func (p *platform[C]) configure(typeName string, given any, diags *diag.Diagnostics) {
	if given == nil {
		return // validation runs before the provider is configured
	}
	data, ok := given.(*providerData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", given))
		return
	}
	p.data = data
	client, unknown, missing := p.spec.pick(data)
	if client == nil && !unknown {
		diags.AddError(p.spec.name+" is not configured", typeName+" needs "+p.spec.name+": "+missing+".")
		return
	}
	p.client = client
}

// timeoutFunc is the timeouts libraries' Create, Read, Update or Delete.
type timeoutFunc func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// start begins an operation: the platform must be configured by now (a
// plan whose settings were unknown has none until apply), and the
// operation runs under its timeout. ok is false when it cannot go ahead.
func (p *platform[C]) start(ctx context.Context, diags *diag.Diagnostics, timeout timeoutFunc, def time.Duration) (_ context.Context, cancel context.CancelFunc, ok bool) {
	if diags.HasError() {
		return ctx, func() {}, false
	}
	if p.client == nil {
		diags.AddError(p.spec.name+" is not configured", "The provider has no "+p.spec.name+" connection; set "+p.spec.settings+".")
		return ctx, func() {}, false
	}
	d, tdiags := timeout(ctx, def)
	if diags.Append(tdiags...); diags.HasError() {
		// Validation refuses such timeouts first, at apply too; this keeps
		// a create from going ahead under the default if one slips past.
		return ctx, func() {}, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, true
}

// owned is the process's record of invitations held by resources.
func (p *platform[C]) owned() *ownership {
	if p.data == nil || p.data.Owned == nil {
		return newOwnership()
	}
	return p.data.Owned
}
