package provider

// The scaffold of every resource, list resource, data source, action and
// ephemeral resource: its type name (Metadata) and its platform's client
// (Configure), from one platform value named in its New function. A type
// embeds the scaffold of its kind instead of writing the two methods:
//
//	type stageInvitationResource struct{ resourceScaffold[authentik.Client] }
//
//	func NewStageInvitationResource() resource.Resource {
//		return &stageInvitationResource{resourceScaffold[authentik.Client]{authentikPlatform().named("_stage_invitation", "")}}
//	}
//
// A list resource takes resource's Metadata and Configure requests, so it
// embeds resourceScaffold too.

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// named gives a platform the type name's suffix after the provider's name
// (e.g. "_stage_invitation") and what its "not configured" diagnostic
// calls it: label, or the type name when label is empty.
func (p platform[C]) named(suffix, label string) platform[C] {
	p.suffix, p.label = suffix, label
	if label == "" {
		p.label = "invitations" + suffix
	}
	return p
}

type resourceScaffold[C any] struct{ platform[C] }

func (s *resourceScaffold[C]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + s.suffix
}

func (s *resourceScaffold[C]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	s.configure(s.label, req.ProviderData, &resp.Diagnostics)
}

type dataSourceScaffold[C any] struct{ platform[C] }

func (s *dataSourceScaffold[C]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + s.suffix
}

func (s *dataSourceScaffold[C]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	s.configure(s.label, req.ProviderData, &resp.Diagnostics)
}

type actionScaffold[C any] struct{ platform[C] }

func (s *actionScaffold[C]) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + s.suffix
}

func (s *actionScaffold[C]) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	s.configure(s.label, req.ProviderData, &resp.Diagnostics)
}

type ephemeralScaffold[C any] struct{ platform[C] }

func (s *ephemeralScaffold[C]) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + s.suffix
}

func (s *ephemeralScaffold[C]) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	s.configure(s.label, req.ProviderData, &resp.Diagnostics)
}
