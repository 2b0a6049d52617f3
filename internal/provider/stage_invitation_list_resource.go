package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
)

var _ list.ListResourceWithConfigure = &stageInvitationListResource{}

// NewStageInvitationListResource returns the invitations_stage_invitation
// list resource, for terraform query (Terraform 1.14+).
func NewStageInvitationListResource() list.ListResource {
	return &stageInvitationListResource{platform: authentikPlatform()}
}

type stageInvitationListResource struct {
	platform[authentik.Client]
}

func (l *stageInvitationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitation"
}

func (l *stageInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists authentik stage invitations for `terraform query`, with the same filters as the " +
			"`invitations_stage_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (the SHA-256 of its invite token, never the token) and its name.",
		Attributes: listFilters(stageFilters()),
	}
}

func (l *stageInvitationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.configure("the invitations_stage_invitation list", req.ProviderData, &resp.Diagnostics)
}

func (l *stageInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f stageFilterModel
	diags := req.Config.Get(ctx, &f)
	ctx, cancel, ok := l.start(ctx, &diags, noTimeoutAttribute, defaultListTimeout)
	defer cancel()
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	invitations, _, err := l.client.List(ctx, f.listFilter(req.Limit))
	if err != nil {
		diags.AddError("Listing authentik invitations failed", describe(err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	r := &stageInvitationResource{platform: l.platform}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range invitations {
			result := req.NewListResult(ctx)
			result.DisplayName = invitations[i].Name
			result.Diagnostics.Append(setStageIdentity(ctx, result.Identity, invitations[i].PK)...)
			if req.IncludeResource {
				m := stageInvitationModel{Reissue: types.BoolValue(false), Timeouts: nullTimeouts()}
				r.setState(&m, &invitations[i])
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
