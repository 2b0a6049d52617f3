package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var (
	_ datasource.DataSourceWithConfigure        = &stageInvitationsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &stageInvitationsDataSource{}
)

// NewStageInvitationsDataSource returns the invitations_stage_invitations data source.
func NewStageInvitationsDataSource() datasource.DataSource { return &stageInvitationsDataSource{} }

type stageInvitationsDataSource struct {
	client *authentik.Client
}

// stageFiltersModel holds the filters of the data source and the list resource.
type stageFiltersModel struct {
	Name              types.String      `tfsdk:"name"`
	FlowSlug          types.String      `tfsdk:"flow_slug"`
	CreatedByUsername types.String      `tfsdk:"created_by_username"`
	Search            types.String      `tfsdk:"search"`
	Ordering          types.String      `tfsdk:"ordering"`
	Expires           timetypes.RFC3339 `tfsdk:"expires"`
}

// apiFilter is the API's filter; maxResults 0 lists every invitation.
func (m stageFiltersModel) apiFilter(maxResults int64) authentik.ListFilter {
	return authentik.ListFilter{
		Name: m.Name.ValueString(), FlowSlug: m.FlowSlug.ValueString(), CreatedByUsername: m.CreatedByUsername.ValueString(),
		Search: m.Search.ValueString(), Ordering: m.Ordering.ValueString(), Expires: m.Expires.ValueString(),
		Max: int(maxResults),
	}
}

type stageInvitationsModel struct {
	stageFiltersModel
	MaxResults  types.Int64    `tfsdk:"max_results"`
	TotalCount  types.Int64    `tfsdk:"total_count"`
	Invitations types.List     `tfsdk:"invitations"`
	IDs         types.List     `tfsdk:"ids"`
	InviteURLs  types.List     `tfsdk:"invite_urls"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// stageOrderings are the fields authentik's invitation list can be ordered
// by: DRF's defaults for the serializer, as the viewset names none.
var stageOrderings = []string{"name", "expires", "pk", "created_by", "single_use", "flow"}

func (d *stageInvitationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_stage_invitations"
}

func (d *stageInvitationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		d.client = data.authentikClient("invitations_stage_invitations", &resp.Diagnostics)
	}
}

func (d *stageInvitationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	notEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists authentik stage invitations, with authentik's own filters, at the largest page size, " +
			"stopping at the last page. The invitations' ids and links are invite tokens: they are kept apart, in the " +
			"sensitive lists `ids` and `invite_urls`, in the same order as `invitations`.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: "Only the invitations with exactly this name.", Optional: true,
				Validators: []validator.String{fwvalidators.AuthentikName()}},
			"flow_slug": schema.StringAttribute{MarkdownDescription: "Only the invitations bound to the flow with this slug.", Optional: true,
				Validators: []validator.String{notEmpty}},
			"created_by_username": schema.StringAttribute{MarkdownDescription: "Only the invitations created by this user.", Optional: true,
				Validators: []validator.String{notEmpty}},
			"search": schema.StringAttribute{MarkdownDescription: "Only the invitations whose name, creator's username, expiry or flow slug contains this text (authentik's search).",
				Optional: true, Validators: []validator.String{notEmpty}},
			"ordering": schema.StringAttribute{MarkdownDescription: "Field to order by, `-` first for descending: one of `name`, `expires`, `pk`, `created_by`, `single_use`, `flow`. Defaults to authentik's `-expires`.",
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(withSigns(stageOrderings)...)}},
			"expires": schema.StringAttribute{MarkdownDescription: "Only the invitations expiring at exactly this instant (RFC 3339).", Optional: true,
				CustomType: timetypes.RFC3339Type{}},
			"max_results": schema.Int64Attribute{MarkdownDescription: "Stop after this many invitations; by default every matching invitation is listed.",
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"total_count": schema.Int64Attribute{MarkdownDescription: "How many invitations match the filters on the server, even when `max_results` cut the list short.",
				Computed: true},
			"invitations": schema.ListNestedAttribute{MarkdownDescription: "The matching invitations, in the requested order.",
				Computed: true, NestedObject: stageItemObject},
			// Tokens live in whole-list sensitive attributes: Terraform's handling
			// of a sensitive attribute inside each list element grows with the
			// square of the list.
			"ids": schema.ListAttribute{
				MarkdownDescription: "The invitations' UUIDs, which are their invite tokens, in the order of `invitations`; sensitive.",
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
			},
			"invite_urls": schema.ListAttribute{
				MarkdownDescription: "The invitations' enrollment links (null where no flow is set), in the order of `invitations`; sensitive.",
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
			},
			"timeouts": dataSourceTimeouts(ctx),
		},
	}
}

func (d *stageInvitationsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{fwvalidators.PositiveTimeouts{}}
}

func (d *stageInvitationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m stageInvitationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, d.client, m.Timeouts.Read, defaultListTimeout)
	if !ok {
		return
	}
	defer cancel()
	invitations, total, err := d.client.List(ctx, m.apiFilter(m.MaxResults.ValueInt64()))
	if err != nil {
		resp.Diagnostics.AddError("Listing authentik invitations failed", describe(err))
		return
	}
	m.TotalCount = types.Int64Value(int64(total))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	// The listings go into the state as Terraform values, past the
	// framework's conversions of them (fwfix.SetList).
	links := make([]tftypes.Value, len(invitations))
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invitations", len(invitations), func(item tftypes.Type, i int) tftypes.Value {
		inv := &invitations[i]
		slug, createdBy := fwfix.StringPointer(nil), fwfix.StringPointer(nil)
		links[i] = slug
		if f := inv.FlowObj; f != nil && f.Slug != "" {
			slug, links[i] = fwfix.String(f.Slug), fwfix.String(d.client.InviteURL(f.Slug, inv.PK))
		}
		if inv.CreatedBy != nil {
			createdBy = fwfix.String(inv.CreatedBy.Username)
		}
		return tftypes.NewValue(item, map[string]tftypes.Value{
			"import_id": fwfix.String(importByNamePrefix + inv.Name), "name": fwfix.String(inv.Name),
			"expires": fwfix.StringPointer(inv.Expires), "fixed_data": fwfix.String(fwtypes.JSONObject(inv.FixedData).ValueString()),
			"single_use": fwfix.Bool(inv.SingleUse), "flow": fwfix.StringPointer(inv.Flow),
			"flow_slug": slug, "created_by": createdBy,
		})
	})...)
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "ids", len(invitations), func(_ tftypes.Type, i int) tftypes.Value {
		return fwfix.String(invitations[i].PK)
	})...)
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invite_urls", len(invitations), func(_ tftypes.Type, i int) tftypes.Value {
		return links[i]
	})...)
}

// stageItemObject is the schema of one listed invitation.
var stageItemObject = schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
	"import_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "`name:<name>`, to import the invitation with (`terraform import` or an `import` block) without its token showing in Terraform's output. Needs the name to be unique; otherwise import by `id`."},
	"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Name of the invitation."},
	"expires":    schema.StringAttribute{Computed: true, MarkdownDescription: "When the invitation expires (RFC 3339), or null."},
	"fixed_data": schema.StringAttribute{Computed: true, MarkdownDescription: "The invitation's fixed data, as a JSON object."},
	"single_use": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the invitation is deleted once used."},
	"flow":       schema.StringAttribute{Computed: true, MarkdownDescription: "UUID of the flow the invitation is bound to, or null."},
	"flow_slug":  schema.StringAttribute{Computed: true, MarkdownDescription: "Slug of that flow, or null."},
	"created_by": schema.StringAttribute{Computed: true, MarkdownDescription: "Username of the invitation's creator."},
}}
