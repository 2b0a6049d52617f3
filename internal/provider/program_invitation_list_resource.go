package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var _ list.ListResourceWithConfigure = &programInvitationListResource{}

// NewProgramInvitationListResource returns the invitations_program_invitation
// list resource, for terraform query (Terraform 1.14+).
func NewProgramInvitationListResource() list.ListResource {
	return &programInvitationListResource{platform: iblPlatform()}
}

type programInvitationListResource struct {
	platform[ibl.Client]
}

func (l *programInvitationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_program_invitation"
}

func (l *programInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists ibl.ai program invitations for `terraform query`, with the same filters as the " +
			"`invitations_program_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (`org` and `id`) and shows as `<email or username> in <program key>`.",
		Attributes: listFilters(programFilters()),
	}
}

func (l *programInvitationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.configure("the invitations_program_invitation list", req.ProviderData, &resp.Diagnostics)
}

func (l *programInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var f programFilterModel
	diags := req.Config.Get(ctx, &f)
	streamList(ctx, &l.platform, req, stream, diags, "Listing ibl.ai program invitations failed",
		func(ctx context.Context) ([]ibl.Invitation, error) {
			filter, fdiags := f.listFilter(ctx, l.data.IBLOrg, req.Limit)
			if fdiags.HasError() {
				return nil, fmt.Errorf("reading the metadata filter: %s", fdiags[0].Detail())
			}
			invitations, _, err := l.client.List(ctx, filter)
			return invitations, err
		},
		func(ctx context.Context, inv *ibl.Invitation, result *list.ListResult) {
			m := programInvitationModel{Org: types.StringValue(inv.Org()), Timeouts: nullTimeouts()}
			setProgramState(&m, inv)
			result.DisplayName = userLabel(m) + " in " + inv.ProgramKey
			if userLabel(m) == "" {
				result.DisplayName = strconv.FormatInt(inv.ID, 10) + " in " + inv.ProgramKey
			}
			result.Diagnostics.Append(setProgramIdentity(ctx, result.Identity, m)...)
			if req.IncludeResource {
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
		})
}
