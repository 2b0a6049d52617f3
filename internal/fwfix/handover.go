package fwfix

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Workaround: terraform-plugin-framework v1.19.0 encodes a data source's
// new state for the protocol (toproto6.DynamicValue) only after
// ReifyNullCollectionBlocks, which visits every value of the state and,
// for each null one, resolves its schema path twice
// (AttributeAtTerraformPath, fromtftypes.AttributePath) to learn whether it
// is a list or set block. A listing of 10,000 invitations holds tens of
// thousands of nulls (no username, no source, ...): two thirds of the
// plugin's CPU in the read. The provider's data sources have no blocks, so
// for them the walk changes nothing.
//
// SetList therefore hands a large list over (handover) instead of putting
// it in the state: the framework gets the list empty, converts and encodes
// the small state as it always does (semantic equality included), and the
// server's ReadDataSource puts the lists back into the encoded state. A
// read with no handover in its context (another server, a test) sets the
// list in the state as before. TestHandoverMatchesTheFramework checks
// that the state Terraform gets is the framework's own.
type handover struct {
	typ   tftypes.Type // the state's object type
	lists map[string]tftypes.Value
}

type handoverKey struct{}

func handoverFrom(ctx context.Context) *handover {
	h, _ := ctx.Value(handoverKey{}).(*handover)
	return h
}

// readDataSource calls the framework's ReadDataSource with a handover in
// its context, then puts what was handed over into the state it encoded.
func readDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest,
	read func(context.Context, *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error),
) (*tfprotov6.ReadDataSourceResponse, error) {
	h := &handover{}
	resp, err := read(context.WithValue(ctx, handoverKey{}, h), req)
	if err != nil || resp == nil || resp.State == nil || len(h.lists) == 0 {
		return resp, err
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return resp, nil // the framework sends no state with an error
		}
	}
	state, err := resp.State.Unmarshal(h.typ)
	var top map[string]tftypes.Value
	if err == nil {
		err = state.As(&top)
	}
	if err == nil {
		for name, list := range h.lists {
			top[name] = list
		}
		var dv tfprotov6.DynamicValue
		if dv, err = tfprotov6.NewDynamicValue(h.typ, tftypes.NewValue(h.typ, top)); err == nil {
			resp.State = &dv
			return resp, nil
		}
	}
	resp.State = nil
	resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
		Severity: tfprotov6.DiagnosticSeverityError,
		Summary:  "Internal error",
		Detail:   "Encoding the data source's listing failed: " + err.Error(),
	})
	return resp, nil
}
