package provider

// What every listing shares, the data sources' and the list resources':
// the data sources' attributes besides their filters, and the bodies of a
// data source's Read and a list resource's List.

import (
	"context"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwfix"
)

// listingAttributes are the attributes every listing data source has
// besides its filters: timeouts, max_results, total_count and the
// invitations (in the lazy listing type, fwfix.ListingType), plus extra.
func listingAttributes(ctx context.Context, item dsschema.NestedAttributeObject, extra map[string]dsschema.Attribute) map[string]dsschema.Attribute {
	attrs := map[string]dsschema.Attribute{
		"timeouts": dataSourceTimeouts(ctx),
		"max_results": dsschema.Int64Attribute{
			MarkdownDescription: "Stop after this many invitations; by default every matching invitation is listed.",
			Optional:            true,
			Validators:          []validator.Int64{int64validator.AtLeast(1)},
		},
		"total_count": dsschema.Int64Attribute{
			MarkdownDescription: "How many invitations match the filters on the server, even when `max_results` cut the list short.",
			Computed:            true,
		},
		"invitations": dsschema.ListNestedAttribute{
			MarkdownDescription: "The matching invitations, in the requested order.",
			Computed:            true,
			NestedObject:        item,
			CustomType:          fwfix.NewListingType(item.Type()),
		},
	}
	for name, a := range extra {
		attrs[name] = a
	}
	return attrs
}

// readListing is the body of a listing data source's Read, as streamList
// is a list resource's List: read max_results and timeouts (the filters
// were read into diags before), fetch the invitations under the read's
// timeout, and set the state: the configuration as it is, total_count, and
// the lists fill sets. The state is written attribute-wise, not from a
// model: the lists are built as Terraform values (fwfix.SetList).
func readListing[C, T any](ctx context.Context, p *platform[C], req datasource.ReadRequest, resp *datasource.ReadResponse,
	failure string, fetch func(ctx context.Context, maxResults int64) ([]T, int, error), fill func(context.Context, []T, *tfsdk.State) diag.Diagnostics) {
	var maxResults types.Int64
	var tm dstimeouts.Value
	resp.Diagnostics.Append(fwfix.GetAttributes(ctx, req.Config.GetAttribute, map[string]any{"max_results": &maxResults, "timeouts": &tm})...)
	ctx, cancel, ok := p.start(ctx, &resp.Diagnostics, tm.Read, defaultListTimeout)
	defer cancel()
	if !ok {
		return
	}
	items, total, err := fetch(ctx, maxResults.ValueInt64())
	if err != nil {
		resp.Diagnostics.AddError(failure, describe(err))
		return
	}
	resp.State.Raw = req.Config.Raw.Copy()
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("total_count"), int64(total))...)
	resp.Diagnostics.Append(fill(ctx, items, &resp.State)...)
}

// streamList is the body of a list resource's List: start the operation,
// fetch the invitations, and stream one result per invitation, filled by
// fill; failures become a single result with the diagnostics.
func streamList[C, T any](ctx context.Context, p *platform[C], req list.ListRequest, stream *list.ListResultsStream, diags diag.Diagnostics,
	failure string, fetch func(context.Context) ([]T, error), fill func(context.Context, *T, *list.ListResult)) {
	ctx, cancel, ok := p.start(ctx, &diags, noTimeoutAttribute, defaultListTimeout)
	defer cancel()
	var items []T
	if ok {
		var err error
		if items, err = fetch(ctx); err != nil {
			diags.AddError(failure, describe(err))
		}
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range items {
			result := req.NewListResult(ctx)
			fill(ctx, &items[i], &result)
			if !push(result) {
				return
			}
		}
	}
}
