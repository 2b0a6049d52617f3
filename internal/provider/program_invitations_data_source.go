package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

var _ datasource.DataSourceWithConfigure = &programInvitationsDataSource{}

// NewProgramInvitationsDataSource returns the invitations_program_invitations data source.
func NewProgramInvitationsDataSource() datasource.DataSource {
	return &programInvitationsDataSource{platform: iblPlatform()}
}

type programInvitationsDataSource struct {
	platform[ibl.Client]
}

type programInvitationsModel struct {
	programFilterModel
	MaxResults  types.Int64        `tfsdk:"max_results"`
	Timeouts    timeouts.Value     `tfsdk:"timeouts"`
	Invitations []programItemModel `tfsdk:"invitations"`
	TotalCount  types.Int64        `tfsdk:"total_count"`
}

type programItemModel struct {
	ID         types.String `tfsdk:"id"`
	ImportID   types.String `tfsdk:"import_id"`
	Org        types.String `tfsdk:"org"`
	ProgramKey types.String `tfsdk:"program_key"`
	Email      types.String `tfsdk:"email"`
	Username   types.String `tfsdk:"username"`
	UserID     types.Int64  `tfsdk:"user_id"`
	Active     types.Bool   `tfsdk:"active"`
	Source     types.String `tfsdk:"source"`
	RedirectTo types.String `tfsdk:"redirect_to"`
	Expired    types.String `tfsdk:"expired"`
	Created    types.String `tfsdk:"created"`
	Started    types.String `tfsdk:"started"`
	Metadata   types.String `tfsdk:"metadata"`
}

func (d *programInvitationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_program_invitations"
}

func (d *programInvitationsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists ibl.ai program invitations with the API's filters, at the largest page size, stopping at the last page. " +
			"Only the documented filters are sent: the server reads any other query parameter as a metadata filter.",
		Attributes: withDataSourceFilters(programFilters(), map[string]schema.Attribute{
			"timeouts": dataSourceTimeouts(ctx),
			"max_results": schema.Int64Attribute{
				MarkdownDescription: "Stop after this many invitations; by default every matching invitation is listed.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"total_count": schema.Int64Attribute{
				MarkdownDescription: "How many invitations match the filters on the server, even when `max_results` cut the list short.",
				Computed:            true,
			},
			"invitations": schema.ListNestedAttribute{
				MarkdownDescription: "The matching invitations, in the requested order.",
				Computed:            true,
				NestedObject:        programItemObject,
				CustomType:          fwfix.NewListingType(programItemObject.Type()),
			},
		}),
	}
}

func (d *programInvitationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure("invitations_program_invitations", req.ProviderData, &resp.Diagnostics)
}

func (d *programInvitationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m programInvitationsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	ctx, cancel, ok := d.start(ctx, &resp.Diagnostics, m.Timeouts.Read, defaultListTimeout)
	if !ok {
		return
	}
	defer cancel()
	f, diags := m.listFilter(ctx, d.data.IBLOrg, m.MaxResults.ValueInt64())
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	if f.Sort == "" {
		// The server's default, sent so that pages follow the unique id
		// whatever a deployment's default is.
		f.Sort = "-id"
	}
	list, total, err := d.client.List(ctx, f)
	if err != nil {
		resp.Diagnostics.AddError("Listing ibl.ai program invitations failed", describe(err))
		return
	}
	m.TotalCount = types.Int64Value(int64(total))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	resp.Diagnostics.Append(fwfix.SetList(ctx, &resp.State, "invitations", func(item tftypes.Type) []tftypes.Value {
		out := make([]tftypes.Value, len(list))
		shared := tfShared{}
		for i := range list {
			inv := &list[i]
			id := strconv.FormatInt(inv.ID, 10)
			out[i] = tftypes.NewValue(item, map[string]tftypes.Value{
				"id": tfString(id), "import_id": tfString(inv.Org() + "/" + id), "org": shared.string(inv.Org()),
				"program_key": shared.string(inv.ProgramKey), "email": tfStringPointer(inv.Email), "username": tfStringPointer(inv.Username),
				"user_id": tfInt64Pointer(inv.UserID), "active": tfBool(inv.Active),
				"source": shared.stringPointer(inv.Source), "redirect_to": tfStringPointer(inv.RedirectTo), "expired": tfStringPointer(inv.Expired),
				"created": tfStringPointer(inv.Created), "started": tfStringPointer(inv.Started), "metadata": tfString(string(orEmptyObject(inv.Metadata))),
			})
		}
		return out
	})...)
}

// programItemObject is the schema of one listed invitation.
var programItemObject = schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
	"id":          schema.StringAttribute{Computed: true, MarkdownDescription: "The invitation's numeric id."},
	"import_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "`<org>/<id>`, ready for `terraform import` or an `import` block."},
	"org":         schema.StringAttribute{Computed: true, MarkdownDescription: "Platform organization (the part of `program_key` before `+`)."},
	"program_key": schema.StringAttribute{Computed: true, MarkdownDescription: "Key of the program."},
	"email":       schema.StringAttribute{Computed: true, MarkdownDescription: "Email address of the invited user, or null."},
	"username":    schema.StringAttribute{Computed: true, MarkdownDescription: "Username of the invited user, or null."},
	"user_id":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Id of the platform user, or null."},
	"active":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the invitation can be used (pending); `false` once the invitee accepted it or it was deactivated (ibl.ai reports both as inactive)."},
	"source":      schema.StringAttribute{Computed: true, MarkdownDescription: "Source of the invitation, or null."},
	"redirect_to": schema.StringAttribute{Computed: true, MarkdownDescription: "Redirect URL after acceptance, or null."},
	"expired":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the invitation expires (RFC 3339), or null."},
	"created":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the invitation was created (RFC 3339)."},
	"started":     schema.StringAttribute{Computed: true, MarkdownDescription: "When the user started the program (RFC 3339), or null."},
	"metadata":    schema.StringAttribute{Computed: true, MarkdownDescription: "Metadata, as a JSON object."},
}}
