package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

var (
	_ datasource.DataSourceWithConfigure        = &stageInvitationsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &stageInvitationsDataSource{}
)

// NewStageInvitationsDataSource returns the invitations_stage_invitations data source.
func NewStageInvitationsDataSource() datasource.DataSource {
	return &stageInvitationsDataSource{dataSourceScaffold[authentik.Client]{authentikPlatform().named("_stage_invitations", "")}}
}

type stageInvitationsDataSource struct {
	dataSourceScaffold[authentik.Client]
}

type stageInvitationsModel struct {
	stageFilterModel
	MaxResults  types.Int64      `tfsdk:"max_results"`
	Timeouts    timeouts.Value   `tfsdk:"timeouts"`
	Invitations []stageItemModel `tfsdk:"invitations"`
	IDs         []types.String   `tfsdk:"ids"`
	InviteURLs  []types.String   `tfsdk:"invite_urls"`
	TotalCount  types.Int64      `tfsdk:"total_count"`
}

type stageItemModel struct {
	ImportID  types.String `tfsdk:"import_id"`
	Name      types.String `tfsdk:"name"`
	Expires   types.String `tfsdk:"expires"`
	FixedData types.String `tfsdk:"fixed_data"`
	SingleUse types.Bool   `tfsdk:"single_use"`
	Flow      types.String `tfsdk:"flow"`
	FlowSlug  types.String `tfsdk:"flow_slug"`
	CreatedBy types.String `tfsdk:"created_by"`
}

func (d *stageInvitationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists authentik stage invitations, with authentik's own filters, at the largest page size, " +
			"stopping at the last page. The invitations' ids and links are invite tokens: they are kept apart, in the " +
			"sensitive lists `ids` and `invite_urls`, in the same order as `invitations`.",
		Attributes: withDataSourceFilters(stageFilters(), listingAttributes(ctx, stageItemObject, map[string]schema.Attribute{
			// Tokens live in whole-list sensitive attributes: Terraform's handling
			// of a sensitive attribute inside each list element grows with the
			// square of the list (18 s for 1,000 invitations, measured).
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
		})),
	}
}

func (d *stageInvitationsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{fwvalidators.PositiveTimeouts{}}
}

func (d *stageInvitationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m stageInvitationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, cancel, ok := d.start(ctx, &resp.Diagnostics, m.Timeouts.Read, defaultListTimeout)
	if !ok {
		return
	}
	defer cancel()
	list, total, err := d.client.List(ctx, m.listFilter(m.MaxResults.ValueInt64()))
	if err != nil {
		resp.Diagnostics.AddError("Listing authentik invitations failed", describe(err))
		return
	}
	m.TotalCount = types.Int64Value(int64(total))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	shared := tfShared{}
	slugs := make([]tftypes.Value, len(list))
	links := make([]tftypes.Value, len(list))
	for i := range list {
		slugs[i], links[i] = tfNullString, tfNullString
		if f := list[i].FlowObj; f != nil && f.Slug != "" {
			slugs[i], links[i] = shared.string(f.Slug), tfString(d.client.InviteURL(f.Slug, list[i].PK))
		}
	}
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invitations", func(item tftypes.Type) []tftypes.Value {
		out := make([]tftypes.Value, len(list))
		for i := range list {
			inv := &list[i]
			createdBy := tfNullString
			if inv.CreatedBy != nil {
				createdBy = shared.string(inv.CreatedBy.Username)
			}
			out[i] = tftypes.NewValue(item, map[string]tftypes.Value{
				"import_id": tfString(importByNamePrefix + inv.Name), "name": tfString(inv.Name),
				"expires": tfStringPointer(inv.Expires), "fixed_data": tfString(string(orEmptyObject(inv.FixedData))),
				"single_use": tfBool(inv.SingleUse), "flow": shared.stringPointer(inv.Flow),
				"flow_slug": slugs[i], "created_by": createdBy,
			})
		}
		return out
	})...)
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "ids", func(tftypes.Type) []tftypes.Value {
		out := make([]tftypes.Value, len(list))
		for i := range list {
			out[i] = tfString(list[i].PK)
		}
		return out
	})...)
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invite_urls", func(tftypes.Type) []tftypes.Value { return links })...)
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
