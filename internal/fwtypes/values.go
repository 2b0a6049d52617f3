package fwtypes

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Small conversions between the APIs' values and framework values, which
// both platforms' mappings use.

// Known is true for a value that is neither null nor unknown.
func Known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// StringPointer is a known string's value, else nil: what a request body
// leaves out.
func StringPointer(v types.String) *string {
	if Known(v) {
		return v.ValueStringPointer()
	}
	return nil
}

// StringList is a known list of strings (empty, not null, for none).
func StringList(values []string) (types.List, diag.Diagnostics) {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.ListValue(types.StringType, elems)
}

// JSONObject is a JSON object an API may leave out or send as null: {}
// then, as the APIs default it.
func JSONObject(raw json.RawMessage) jsontypes.Normalized {
	if len(raw) == 0 || string(raw) == "null" {
		return jsontypes.NewNormalizedValue("{}")
	}
	return jsontypes.NewNormalizedValue(string(raw))
}

// SameJSON tells whether two JSON values are equal as JSON (key order and
// spacing aside), or both null, or both unknown.
func SameJSON(a, b jsontypes.Normalized) bool {
	if a.Equal(b) {
		return true
	}
	if !Known(a) || !Known(b) {
		return false
	}
	eq, diags := a.StringSemanticEquals(context.Background(), b)
	return eq && !diags.HasError()
}
