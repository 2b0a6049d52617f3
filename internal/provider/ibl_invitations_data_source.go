package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var (
	_ datasource.DataSourceWithConfigure        = &iblInvitationsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &iblInvitationsDataSource{}
)

// iblInvitationsDataSource lists the invitations of one kind:
// invitations_<kind>_invitations.
type iblInvitationsDataSource struct {
	dataSourceScaffold[ibl.Client]
	kind *iblKind
}

// newDataSource is the kind's data source, for the provider's DataSources.
func (k *iblKind) newDataSource() datasource.DataSource {
	return &iblInvitationsDataSource{dataSourceScaffold[ibl.Client]{iblPlatform().named("_"+k.name+"_invitations", "")}, k}
}

func (d *iblInvitationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := iblItemObject(d.kind)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists ibl.ai " + d.kind.name + " invitations with the API's filters, at the largest page size, stopping at the last page. " +
			"Only the documented filters are sent: the server reads any other query parameter as a metadata filter.",
		Attributes: withDataSourceFilters(iblFilters(d.kind), listingAttributes(ctx, item, nil)),
	}
}

func (d *iblInvitationsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{fwvalidators.PositiveTimeouts{}}
}

func (d *iblInvitationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	k := d.kind
	filters := getIBLFilters(ctx, k, req.Config, &resp.Diagnostics)
	var asked string // the org the listing asked for
	readListing(ctx, &d.platform, req, resp, "Listing ibl.ai "+k.name+" invitations failed",
		func(ctx context.Context, maxResults int64) ([]ibl.Invitation, int, error) {
			f, diags := filters.listFilter(ctx, d.data.IBLOrg, maxResults)
			if diags.HasError() {
				return nil, 0, fmt.Errorf("reading the metadata filter: %s", diags[0].Detail())
			}
			if f.Sort == "" {
				// The server's default, sent so that pages follow the unique id
				// whatever a deployment's default is.
				f.Sort = "-id"
			}
			asked = f.Org
			return d.client.For(k.kind).List(ctx, f)
		},
		func(ctx context.Context, list []ibl.Invitation, state *tfsdk.State) diag.Diagnostics {
			shared := tfShared{}
			return fwfix.SetList(ctx, state, "invitations", len(list), func(item tftypes.Type, i int) tftypes.Value {
				inv := &list[i]
				id, org := strconv.FormatInt(inv.ID, 10), iblOrgOf(inv, asked)
				return tftypes.NewValue(item, map[string]tftypes.Value{
					"id": tfString(id), "import_id": tfString(org + "/" + id), "org": shared.string(org),
					k.key: shared.string(inv.Key()), "email": tfStringPointer(inv.Email), "username": tfStringPointer(inv.Username),
					"user_id": tfInt64Pointer(inv.UserID), "active": tfBool(inv.Active),
					"source": shared.stringPointer(inv.Source), "redirect_to": tfStringPointer(inv.RedirectTo), "expired": tfStringPointer(inv.Expired),
					"created": tfStringPointer(inv.Created), "started": tfStringPointer(inv.Started), "metadata": tfString(string(orEmptyObject(inv.Metadata))),
				})
			})
		})
}

// iblOrgOf is the org of a listed invitation: the one it names, else (a
// course's) the org the listing asked for.
func iblOrgOf(inv *ibl.Invitation, asked string) string {
	if org := inv.Org(); org != "" {
		return org
	}
	return asked
}

// iblItemObject is the schema of one listed invitation of the kind.
func iblItemObject(k *iblKind) schema.NestedAttributeObject {
	return schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
		"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The invitation's numeric id."},
		"import_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "`<org>/<id>`, ready for `terraform import` or an `import` block."},
		"org":         schema.StringAttribute{Computed: true, MarkdownDescription: k.itemOrg},
		k.key:         schema.StringAttribute{Computed: true, MarkdownDescription: "Key of the " + k.name + "."},
		"email":       schema.StringAttribute{Computed: true, MarkdownDescription: "Email address of the invited user, or null."},
		"username":    schema.StringAttribute{Computed: true, MarkdownDescription: "Username of the invited user, or null."},
		"user_id":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Id of the platform user, or null."},
		"active":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the invitation can be used (pending); `false` once the invitee accepted it or it was deactivated (ibl.ai reports both as inactive)."},
		"source":      schema.StringAttribute{Computed: true, MarkdownDescription: "Source of the invitation, or null."},
		"redirect_to": schema.StringAttribute{Computed: true, MarkdownDescription: "Redirect URL after acceptance, or null."},
		"expired":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the invitation expires (RFC 3339), or null."},
		"created":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the invitation was created (RFC 3339), or null when the server's answer has none."},
		"started":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the user started the " + k.name + " (RFC 3339), or null."},
		"metadata":    schema.StringAttribute{Computed: true, MarkdownDescription: "Metadata, as a JSON object."},
	}}
}
