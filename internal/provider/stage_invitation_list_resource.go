package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var _ list.ListResourceWithConfigure = &stageInvitationListResource{}

// NewStageInvitationListResource returns the invitations_stage_invitation
// list resource, for terraform query (Terraform 1.14+).
func NewStageInvitationListResource() list.ListResource { return &stageInvitationListResource{} }

type stageInvitationListResource struct {
	client *authentik.Client
}

func (l *stageInvitationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitation"
}

func (l *stageInvitationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		l.client = data.authentikClient("the invitations_stage_invitation list", &resp.Diagnostics)
	}
}

func (l *stageInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	notEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists authentik stage invitations for `terraform query`, with the same filters as the " +
			"`invitations_stage_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (the SHA-256 of its invite token, never the token) and its name.",
		Attributes: map[string]listschema.Attribute{
			"name": listschema.StringAttribute{MarkdownDescription: "Only the invitations with exactly this name.", Optional: true,
				Validators: []validator.String{fwvalidators.AuthentikName()}},
			"flow_slug": listschema.StringAttribute{MarkdownDescription: "Only the invitations bound to the flow with this slug.", Optional: true,
				Validators: []validator.String{notEmpty}},
			"created_by_username": listschema.StringAttribute{MarkdownDescription: "Only the invitations created by this user.", Optional: true,
				Validators: []validator.String{notEmpty}},
			"search": listschema.StringAttribute{MarkdownDescription: "Only the invitations whose name, creator's username, expiry or flow slug contains this text (authentik's search).",
				Optional: true, Validators: []validator.String{notEmpty}},
			"ordering": listschema.StringAttribute{MarkdownDescription: "Field to order by, `-` first for descending: one of `name`, `expires`, `pk`, `created_by`, `single_use`, `flow`. Defaults to authentik's `-expires`.",
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(withSigns(stageOrderings)...)}},
			"expires": listschema.StringAttribute{MarkdownDescription: "Only the invitations expiring at exactly this instant (RFC 3339).", Optional: true,
				CustomType: timetypes.RFC3339Type{}},
		},
	}
}

func (l *stageInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config stageFiltersModel
	diags := req.Config.Get(ctx, &config)
	ctx, cancel, ok := start(ctx, &diags, l.client, noTimeoutAttribute, defaultListTimeout)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	defer cancel()
	invitations, _, err := l.client.List(ctx, config.apiFilter(req.Limit))
	if err != nil {
		diags.AddError("Listing authentik invitations failed", describe(err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range invitations {
			inv := &invitations[i]
			result := req.NewListResult(ctx)
			result.DisplayName = inv.Name
			result.Diagnostics.Append(setStageIdentity(ctx, result.Identity, inv.PK)...)
			if req.IncludeResource {
				m := stageInvitationModel{Reissue: types.BoolValue(false), Timeouts: nullTimeouts()}
				m.fromAPI(inv, l.client)
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
