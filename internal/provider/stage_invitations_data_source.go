package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	filters := getStageFilters(ctx, req.Config, &resp.Diagnostics)
	readListing(ctx, &d.platform, req, resp, "Listing authentik invitations failed",
		func(ctx context.Context, maxResults int64) ([]authentik.Invitation, int, error) {
			return d.client.List(ctx, filters.listFilter(maxResults))
		},
		d.fill)
}

// fill sets the listed invitations, their ids and their links.
func (d *stageInvitationsDataSource) fill(ctx context.Context, list []authentik.Invitation, state *tfsdk.State) diag.Diagnostics {
	shared := tfShared{}
	slugs := make([]tftypes.Value, len(list))
	links := make([]tftypes.Value, len(list))
	for i := range list {
		slugs[i], links[i] = tfNullString, tfNullString
		if f := list[i].FlowObj; f != nil && f.Slug != "" {
			slugs[i], links[i] = shared.string(f.Slug), tfString(d.client.InviteURL(f.Slug, list[i].PK))
		}
	}
	diags := fwfix.SetList(ctx, state, "invitations", len(list), func(item tftypes.Type, i int) tftypes.Value {
		inv := &list[i]
		createdBy := tfNullString
		if inv.CreatedBy != nil {
			createdBy = shared.string(inv.CreatedBy.Username)
		}
		return tftypes.NewValue(item, map[string]tftypes.Value{
			"import_id": tfString(importByNamePrefix + inv.Name), "name": tfString(inv.Name),
			"expires": tfStringPointer(inv.Expires), "fixed_data": tfString(string(orEmptyObject(inv.FixedData))),
			"single_use": tfBool(inv.SingleUse), "flow": shared.stringPointer(inv.Flow),
			"flow_slug": slugs[i], "created_by": createdBy,
		})
	})
	diags.Append(fwfix.SetList(ctx, state, "ids", len(list), func(_ tftypes.Type, i int) tftypes.Value { return tfString(list[i].PK) })...)
	diags.Append(fwfix.SetList(ctx, state, "invite_urls", len(list), func(_ tftypes.Type, i int) tftypes.Value { return links[i] })...)
	return diags
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
