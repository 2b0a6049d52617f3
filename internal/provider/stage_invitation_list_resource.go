package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
)

var _ list.ListResourceWithConfigure = &stageInvitationListResource{}

// NewStageInvitationListResource returns the invitations_stage_invitation
// list resource, for terraform query (Terraform 1.14+).
func NewStageInvitationListResource() list.ListResource {
	return &stageInvitationListResource{resourceScaffold[authentik.Client]{authentikPlatform().named("_stage_invitation", "the invitations_stage_invitation list")}}
}

type stageInvitationListResource struct {
	resourceScaffold[authentik.Client]
}

func (l *stageInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists authentik stage invitations for `terraform query`, with the same filters as the " +
			"`invitations_stage_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (the SHA-256 of its invite token, never the token) and its name.",
		Attributes: listFilters(stageFilters()),
	}
}

func (l *stageInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var diags diag.Diagnostics
	f := getStageFilters(ctx, req.Config, &diags)
	r := &stageInvitationResource{resourceScaffold[authentik.Client]{l.platform}}
	streamList(ctx, &l.platform, req, stream, diags, "Listing authentik invitations failed",
		func(ctx context.Context) ([]authentik.Invitation, error) {
			invitations, _, err := l.client.List(ctx, f.listFilter(req.Limit))
			return invitations, err
		},
		func(ctx context.Context, inv *authentik.Invitation, result *list.ListResult) {
			result.DisplayName = inv.Name
			result.Diagnostics.Append(setStageIdentity(ctx, result.Identity, inv.PK)...)
			if req.IncludeResource {
				m := stageInvitationModel{Reissue: types.BoolValue(false), Timeouts: nullTimeouts()}
				r.setState(&m, inv)
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
		})
}
