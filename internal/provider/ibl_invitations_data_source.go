package provider

import (
	"context"
	"strconv"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwtypes"
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
	kind   *iblKind
	client *ibl.Client
	data   *providerData
}

// iblFiltersModel holds the filters of every kind's data source and list
// resource, the kind's key aside (in the kind's model).
type iblFiltersModel struct {
	Org      types.String `tfsdk:"org"`
	Email    types.String `tfsdk:"email"`
	Username types.String `tfsdk:"username"`
	Source   types.String `tfsdk:"source"`
	Active   types.Bool   `tfsdk:"active"`
	Sort     types.String `tfsdk:"sort"`
	Metadata types.Map    `tfsdk:"metadata"`
}

// iblInvitationsModel is a kind's data source, its key filter aside.
type iblInvitationsModel struct {
	iblFiltersModel
	MaxResults  types.Int64      `tfsdk:"max_results"`
	TotalCount  types.Int64      `tfsdk:"total_count"`
	Invitations types.List       `tfsdk:"invitations"`
	Timeouts    dstimeouts.Value `tfsdk:"timeouts"`
}

// iblListing is a kind's data source model (program_invitation_resource.go
// and its siblings).
type iblListing interface {
	listing() *iblInvitationsModel
	key() *types.String
}

// iblSortFields are the fields ibl.ai's lists can be sorted by.
var iblSortFields = []string{"id", "created", "started", "expired", "email", "username", "source", "active"}

func (d *iblInvitationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.kind.name + "_invitations"
}

func (d *iblInvitationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configured(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data, d.client = data, data.iblClient(d.kind.kind, "invitations_"+d.kind.name+"_invitations", &resp.Diagnostics)
	}
}

func (d *iblInvitationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	k := d.kind
	notEmpty := stringvalidator.LengthAtLeast(1)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists ibl.ai " + k.name + " invitations with the API's filters, at the largest page size, stopping at the last page. " +
			"Only the documented filters are sent: the server reads any other query parameter as a metadata filter.",
		Attributes: map[string]schema.Attribute{
			k.key: schema.StringAttribute{MarkdownDescription: "Only invitations to this " + k.name + ".", Optional: true,
				Validators: k.keyAttribute.Validators},
			"org": schema.StringAttribute{MarkdownDescription: "Only invitations of this platform organization. Defaults to the provider's `ibl.org`; with neither, every org the key may see.",
				Optional: true, Validators: []validator.String{notEmpty}},
			"email": schema.StringAttribute{MarkdownDescription: "Only invitations for this email address.", Optional: true,
				Validators: []validator.String{fwvalidators.EmailAddress()}},
			"username": schema.StringAttribute{MarkdownDescription: "Only invitations for this username.", Optional: true, Validators: []validator.String{notEmpty}},
			"source":   schema.StringAttribute{MarkdownDescription: "Only invitations from this source.", Optional: true, Validators: []validator.String{notEmpty}},
			"active":   schema.BoolAttribute{MarkdownDescription: "Only active (`true`) or inactive (`false`) invitations.", Optional: true},
			"sort": schema.StringAttribute{MarkdownDescription: "Field to sort by, `-` first for descending: one of `id`, `created`, `started`, `expired`, `email`, `username`, `source`, `active`. Defaults to the server's `-id`.",
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(withSigns(iblSortFields)...)}},
			"metadata": schema.MapAttribute{MarkdownDescription: "Only invitations whose metadata has these values, e.g. `{ cohort = \"2027-spring\" }`. Keys that are also filter names (`email`, `page`, ...) cannot be used.",
				Optional: true, ElementType: types.StringType, Validators: []validator.Map{
					mapvalidator.KeysAre(notEmpty, stringvalidator.NoneOf(k.kind.ReservedParams()...)),
					mapvalidator.ValueStringsAre(notEmpty),
				}},
			"max_results": schema.Int64Attribute{MarkdownDescription: "Stop after this many invitations; by default every matching invitation is listed.",
				Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
			"total_count": schema.Int64Attribute{MarkdownDescription: "How many invitations match the filters on the server, even when `max_results` cut the list short.",
				Computed: true},
			"invitations": schema.ListNestedAttribute{MarkdownDescription: "The matching invitations, in the requested order.",
				Computed: true, NestedObject: iblItemObject(k)},
			"timeouts": dataSourceTimeouts(ctx),
		},
	}
}

func (d *iblInvitationsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{fwvalidators.PositiveTimeouts{}}
}

func (d *iblInvitationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	k := d.kind
	m := k.newListing()
	resp.Diagnostics.Append(req.Config.Get(ctx, m)...)
	l := m.listing()
	ctx, cancel, ok := start(ctx, &resp.Diagnostics, d.client, l.Timeouts.Read, defaultListTimeout)
	if !ok {
		return
	}
	defer cancel()
	f, diags := apiFilter(ctx, &l.iblFiltersModel, m.key(), d.data.iblOrg, l.MaxResults.ValueInt64())
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if f.Sort == "" {
		// The server's default, sent so that pages follow the unique id
		// whatever a deployment's default is.
		f.Sort = "-id"
	}
	invitations, total, err := d.client.List(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Listing ibl.ai "+k.name+" invitations failed", describe(err))
		return
	}
	l.TotalCount = types.Int64Value(int64(total))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	// The listing goes into the state as Terraform values, past the
	// framework's conversions of it (fwfix.SetList).
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invitations", len(invitations), func(item tftypes.Type, i int) tftypes.Value {
		inv := &invitations[i]
		id, org := strconv.FormatInt(inv.ID, 10), iblOrgOf(inv, f.Org)
		return tftypes.NewValue(item, map[string]tftypes.Value{
			"id": fwfix.String(id), "import_id": fwfix.String(org + "/" + id), "org": fwfix.String(org),
			k.key: fwfix.String(inv.Key()), "email": fwfix.StringPointer(inv.Email), "username": fwfix.StringPointer(inv.Username),
			"user_id": fwfix.Int64Pointer(inv.UserID), "active": fwfix.Bool(inv.Active),
			"source": fwfix.StringPointer(inv.Source), "redirect_to": fwfix.StringPointer(inv.RedirectTo), "expired": fwfix.StringPointer(inv.Expired),
			"created": fwfix.StringPointer(inv.Created), "started": fwfix.StringPointer(inv.Started), "metadata": fwfix.String(fwtypes.JSONObject(inv.Metadata).ValueString()),
		})
	})...)
}

// apiFilter is the API's filter for a kind's data source or list resource
// (key, its key filter); org defaults to the provider's.
func apiFilter(ctx context.Context, m *iblFiltersModel, key *types.String, defaultOrg string, maxResults int64) (ibl.Filter, diag.Diagnostics) {
	f := ibl.Filter{
		Key: key.ValueString(), Org: m.Org.ValueString(), Email: m.Email.ValueString(),
		Username: m.Username.ValueString(), Source: m.Source.ValueString(), Active: m.Active.ValueBoolPointer(),
		Sort: m.Sort.ValueString(), Max: int(maxResults),
	}
	if f.Org == "" {
		f.Org = defaultOrg
	}
	var diags diag.Diagnostics
	if !m.Metadata.IsNull() {
		diags = m.Metadata.ElementsAs(ctx, &f.Metadata, false)
	}
	return f, diags
}

// iblOrgOf is the org of a listed invitation: the one it names, else (a
// course's) the org the listing asked for.
func iblOrgOf(inv *ibl.Invitation, asked string) string {
	if org := inv.Org(); org != "" {
		return org
	}
	return asked
}

// withSigns lists each field and its descending form.
func withSigns(fields []string) []string {
	out := make([]string, 0, 2*len(fields))
	for _, f := range fields {
		out = append(out, f, "-"+f)
	}
	return out
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
