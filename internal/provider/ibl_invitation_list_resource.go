package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var _ list.ListResourceWithConfigure = &iblInvitationListResource{}

// iblInvitationListResource lists the invitations of one kind for
// terraform query (Terraform 1.14+).
type iblInvitationListResource struct {
	resourceScaffold[ibl.Client]
	kind *iblKind
}

// newListResource is the kind's list resource, for the provider's ListResources.
func (k *iblKind) newListResource() list.ListResource {
	return &iblInvitationListResource{resourceScaffold[ibl.Client]{iblPlatform().named("_"+k.name+"_invitation", "the "+k.typeName()+" list")}, k}
}

func (l *iblInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	k := l.kind
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists ibl.ai " + k.name + " invitations for `terraform query`, with the same filters as the " +
			"`invitations_" + k.name + "_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (`org` and `id`) and shows as `<email or username> in <" + k.name + " key>`.",
		Attributes: listFilters(iblFilters(k)),
	}
}

func (l *iblInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	k := l.kind
	var diags diag.Diagnostics
	filters := getIBLFilters(ctx, k, req.Config, &diags)
	var org string
	streamList(ctx, &l.platform, req, stream, diags, "Listing ibl.ai "+k.name+" invitations failed",
		func(ctx context.Context) ([]ibl.Invitation, error) {
			filter, fdiags := filters.listFilter(ctx, l.data.IBLOrg, req.Limit)
			if fdiags.HasError() {
				return nil, fmt.Errorf("reading the metadata filter: %s", fdiags[0].Detail())
			}
			org = filter.Org
			invitations, _, err := l.client.For(k.kind).List(ctx, filter)
			return invitations, err
		},
		func(ctx context.Context, inv *ibl.Invitation, result *list.ListResult) {
			m := iblInvitationModel{Org: types.StringValue(iblOrgOf(inv, org)), Timeouts: nullTimeouts(), User: k.nullUserFields()}
			m.fromAPI(inv)
			result.DisplayName = userLabel(m) + " in " + inv.Key()
			if userLabel(m) == "" {
				result.DisplayName = strconv.FormatInt(inv.ID, 10) + " in " + inv.Key()
			}
			result.Diagnostics.Append(setIBLIdentity(ctx, result.Identity, m)...)
			if req.IncludeResource {
				k.set(ctx, result.Resource, result.Resource.Schema.Type(), m, &result.Diagnostics)
			}
		})
}
