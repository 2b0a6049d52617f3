package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var _ list.ListResourceWithConfigure = &iblInvitationListResource{}

// iblInvitationListResource lists the invitations of one kind for
// terraform query (Terraform 1.14+).
type iblInvitationListResource struct {
	kind   *iblKind
	client *ibl.Client
	data   *providerData
}

// iblFilters is a kind's list resource configuration
// (program_invitation_resource.go and its siblings).
type iblFilters interface {
	filters() *iblFiltersModel
	key() *types.String
}

func (l *iblInvitationListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + l.kind.name + "_invitation"
}

func (l *iblInvitationListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		l.data, l.client = data, data.iblClient(l.kind.kind, "the "+l.kind.typeName()+" list", &resp.Diagnostics)
	}
}

func (l *iblInvitationListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	k := l.kind
	notEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists ibl.ai " + k.name + " invitations for `terraform query`, with the same filters as the " +
			"`invitations_" + k.name + "_invitations` data source, at the largest page size, stopping at the last page or at the query's `limit`. " +
			"Each result carries the invitation's identity (`org` and `id`) and shows as `<email or username> in <" + k.name + " key>`.",
		Attributes: map[string]listschema.Attribute{
			k.key: listschema.StringAttribute{MarkdownDescription: "Only invitations to this " + k.name + ".", Optional: true,
				Validators: k.keyAttribute.Validators},
			"org": listschema.StringAttribute{MarkdownDescription: "Only invitations of this platform organization. Defaults to the provider's `ibl.org`; with neither, every org the key may see.",
				Optional: true, Validators: []validator.String{notEmpty}},
			"email": listschema.StringAttribute{MarkdownDescription: "Only invitations for this email address.", Optional: true,
				Validators: []validator.String{fwvalidators.EmailAddress()}},
			"username": listschema.StringAttribute{MarkdownDescription: "Only invitations for this username.", Optional: true, Validators: []validator.String{notEmpty}},
			"source":   listschema.StringAttribute{MarkdownDescription: "Only invitations from this source.", Optional: true, Validators: []validator.String{notEmpty}},
			"active":   listschema.BoolAttribute{MarkdownDescription: "Only active (`true`) or inactive (`false`) invitations.", Optional: true},
			"sort": listschema.StringAttribute{MarkdownDescription: "Field to sort by, `-` first for descending: one of `id`, `created`, `started`, `expired`, `email`, `username`, `source`, `active`. Defaults to the server's `-id`.",
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(withSigns(iblSortFields)...)}},
			"metadata": listschema.MapAttribute{MarkdownDescription: "Only invitations whose metadata has these values, e.g. `{ cohort = \"2027-spring\" }`. Keys that are also filter names (`email`, `page`, ...) cannot be used.",
				Optional: true, ElementType: types.StringType, Validators: []validator.Map{
					mapvalidator.KeysAre(notEmpty, stringvalidator.NoneOf(k.kind.ReservedParams()...)),
					mapvalidator.ValueStringsAre(notEmpty),
				}},
		},
	}
}

func (l *iblInvitationListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	k := l.kind
	config := k.newFilters()
	diags := req.Config.Get(ctx, config)
	ctx, cancel, ok := start(ctx, &diags, l.client, noTimeoutAttribute, defaultListTimeout)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	defer cancel()
	f, fdiags := apiFilter(ctx, config.filters(), config.key(), l.data.iblOrg, req.Limit)
	var invitations []ibl.Invitation
	if diags.Append(fdiags...); !diags.HasError() {
		var err error
		if invitations, _, err = l.client.List(ctx, f); err != nil {
			diags.AddError("Listing ibl.ai "+k.name+" invitations failed", describe(err))
		}
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range invitations {
			inv := &invitations[i]
			m := k.newModel()
			s := m.shared()
			s.Org, s.Timeouts = types.StringValue(iblOrgOf(inv, f.Org)), nullTimeouts()
			result := req.NewListResult(ctx)
			result.Diagnostics.Append(iblFromAPI(m, inv)...)
			result.DisplayName = userLabel(s) + " in " + inv.Key()
			if userLabel(s) == "" {
				result.DisplayName = strconv.FormatInt(inv.ID, 10) + " in " + inv.Key()
			}
			result.Diagnostics.Append(setIBLIdentity(ctx, result.Identity, s)...)
			if req.IncludeResource {
				result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
