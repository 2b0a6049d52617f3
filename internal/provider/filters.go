package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// The filters of each kind of invitation are written once here and used by
// its data source and its list resource, so that both take the same names
// and are validated by the same rules, at plan time.

// filterAttr is one filter argument: a string, a bool or a map of strings.
type filterAttr struct {
	description string
	kind        string // "string" (default), "bool", "map"
	rfc3339     bool
	validators  []validator.String
	mapRules    []validator.Map
}

// schemas are the filter as a data source's attribute and as a list
// resource's: the two schema packages' types differ, the arguments do not.
func (f filterAttr) schemas() (dsschema.Attribute, listschema.Attribute) {
	switch f.kind {
	case "bool":
		return dsschema.BoolAttribute{MarkdownDescription: f.description, Optional: true},
			listschema.BoolAttribute{MarkdownDescription: f.description, Optional: true}
	case "map":
		return dsschema.MapAttribute{MarkdownDescription: f.description, Optional: true, ElementType: types.StringType, Validators: f.mapRules},
			listschema.MapAttribute{MarkdownDescription: f.description, Optional: true, ElementType: types.StringType, Validators: f.mapRules}
	}
	var custom basetypes.StringTypable // nil: a plain string
	if f.rfc3339 {
		custom = timetypes.RFC3339Type{}
	}
	return dsschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators, CustomType: custom},
		listschema.StringAttribute{MarkdownDescription: f.description, Optional: true, Validators: f.validators, CustomType: custom}
}

// withDataSourceFilters adds the filters to a data source's other attributes.
func withDataSourceFilters(filters map[string]filterAttr, others map[string]dsschema.Attribute) map[string]dsschema.Attribute {
	for name, f := range filters {
		others[name], _ = f.schemas()
	}
	return others
}

// listFilters are the filters as a list resource's configuration.
func listFilters(filters map[string]filterAttr) map[string]listschema.Attribute {
	out := map[string]listschema.Attribute{}
	for name, f := range filters {
		_, out[name] = f.schemas()
	}
	return out
}

// withSigns lists each field and its descending form.
func withSigns(fields []string) []string {
	out := make([]string, 0, 2*len(fields))
	for _, f := range fields {
		out = append(out, f, "-"+f)
	}
	return out
}

// stageOrderings are the fields authentik's invitation list can be ordered
// by: DRF's defaults for the serializer, as the viewset names none.
var stageOrderings = []string{"name", "expires", "pk", "created_by", "single_use", "flow"}

func stageFilters() map[string]filterAttr {
	notEmpty := stringvalidator.LengthAtLeast(1)
	return map[string]filterAttr{
		"name": {description: "Only the invitations with exactly this name.",
			validators: []validator.String{fwvalidators.AuthentikName()}},
		"flow_slug":           {description: "Only the invitations bound to the flow with this slug.", validators: []validator.String{notEmpty}},
		"created_by_username": {description: "Only the invitations created by this user.", validators: []validator.String{notEmpty}},
		"search": {description: "Only the invitations whose name, creator's username, expiry or flow slug contains this text (authentik's search).",
			validators: []validator.String{notEmpty}},
		"ordering": {description: "Field to order by, `-` first for descending: one of `name`, `expires`, `pk`, `created_by`, `single_use`, `flow`. Defaults to authentik's `-expires`.",
			validators: []validator.String{stringvalidator.OneOf(withSigns(stageOrderings)...)}},
		"expires": {description: "Only the invitations expiring at exactly this instant (RFC 3339).", rfc3339: true},
	}
}

// stageFilterModel holds the filters (read attribute-wise, as
// iblFilterModel).
type stageFilterModel struct {
	Name, FlowSlug, CreatedByUsername, Search, Ordering types.String
	Expires                                             timetypes.RFC3339
}

// getStageFilters reads the filters of a data source's or list resource's
// configuration.
func getStageFilters(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) stageFilterModel {
	var m stageFilterModel
	diags.Append(fwfix.GetAttributes(ctx, config.GetAttribute, map[string]any{"name": &m.Name, "flow_slug": &m.FlowSlug,
		"created_by_username": &m.CreatedByUsername, "search": &m.Search, "ordering": &m.Ordering, "expires": &m.Expires})...)
	return m
}

func (m stageFilterModel) listFilter(maxResults int64) authentik.ListFilter {
	return authentik.ListFilter{
		Name: m.Name.ValueString(), FlowSlug: m.FlowSlug.ValueString(), CreatedByUsername: m.CreatedByUsername.ValueString(),
		Search: m.Search.ValueString(), Ordering: m.Ordering.ValueString(), Expires: m.Expires.ValueString(),
		Max: int(maxResults),
	}
}

// programSortFields are the invitation fields the ibl.ai lists can be
// sorted by (every kind).
var programSortFields = []string{"id", "created", "started", "expired", "email", "username", "source", "active"}

// iblFilters are the filters of a kind of ibl.ai invitation: its key and
// the filters every kind has.
func iblFilters(k *iblKind) map[string]filterAttr {
	notEmpty := stringvalidator.LengthAtLeast(1)
	return map[string]filterAttr{
		k.key: {description: "Only invitations to this " + k.name + ".", validators: k.keyAttribute.Validators},
		"org": {description: "Only invitations of this platform organization. Defaults to the provider's `ibl.org`; with neither, every org the key may see.",
			validators: []validator.String{notEmpty}},
		"email":    {description: "Only invitations for this email address.", validators: []validator.String{fwvalidators.EmailAddress()}},
		"username": {description: "Only invitations for this username.", validators: []validator.String{notEmpty}},
		"source":   {description: "Only invitations from this source.", validators: []validator.String{notEmpty}},
		"active":   {description: "Only active (`true`) or inactive (`false`) invitations.", kind: "bool"},
		"sort": {description: "Field to sort by, `-` first for descending: one of `id`, `created`, `started`, `expired`, `email`, `username`, `source`, `active`. Defaults to the server's `-id`.",
			validators: []validator.String{stringvalidator.OneOf(withSigns(programSortFields)...)}},
		"metadata": {description: "Only invitations whose metadata has these values, e.g. `{ cohort = \"2027-spring\" }`. Keys that are also filter names (`email`, `page`, ...) cannot be used.",
			kind: "map", mapRules: []validator.Map{
				mapvalidator.KeysAre(notEmpty, stringvalidator.NoneOf(k.kind.ReservedParams()...)),
				mapvalidator.ValueStringsAre(notEmpty),
			}},
	}
}

// iblFilterModel holds the filters of any kind (read attribute-wise, the
// key under the kind's name).
type iblFilterModel struct {
	Key, Org, Email, Username, Source, Sort types.String
	Active                                  types.Bool
	Metadata                                types.Map
}

// getIBLFilters reads the filters of a data source's or list resource's
// configuration.
func getIBLFilters(ctx context.Context, k *iblKind, config tfsdk.Config, diags *diag.Diagnostics) iblFilterModel {
	var m iblFilterModel
	diags.Append(fwfix.GetAttributes(ctx, config.GetAttribute, map[string]any{k.key: &m.Key, "org": &m.Org, "email": &m.Email,
		"username": &m.Username, "source": &m.Source, "sort": &m.Sort, "active": &m.Active, "metadata": &m.Metadata})...)
	return m
}

// listFilter builds the API filter; org defaults to the provider's.
func (m iblFilterModel) listFilter(ctx context.Context, defaultOrg string, maxResults int64) (ibl.Filter, diag.Diagnostics) {
	f := ibl.Filter{
		Key: m.Key.ValueString(), Org: m.Org.ValueString(), Email: m.Email.ValueString(),
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
