package provider

import (
	"encoding/json"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/invitations-dev/terraform-provider-invitations/internal/fwvalidators"
)

// orEmptyObject is a JSON object the APIs may leave out or send as null:
// {} then, as they default it.
func orEmptyObject(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}")
	}
	return raw
}

// jsonObjectAttribute is an optional JSON object argument compared as JSON,
// defaulting to {} as the APIs do.
func jsonObjectAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		CustomType:          jsontypes.NormalizedType{},
		Default:             stringdefault.StaticString("{}"),
		Validators:          []validator.String{fwvalidators.JSONObject()},
	}
}

// The tf* helpers make the Terraform values of the direct path
// (fwfix.SetList) that data sources and list resources take for large
// listings.
//
// Null and boolean values are made once: tftypes boxes the type of every
// value it makes (48 bytes each), a listing of 10,000 invitations holds
// about 50,000 nulls, and the framework's copies of a value keep the box
// they are given.
var (
	tfNullString = tftypes.NewValue(tftypes.String, nil)
	tfNullNumber = tftypes.NewValue(tftypes.Number, nil)
	tfTrue       = tftypes.NewValue(tftypes.Bool, true)
	tfFalse      = tftypes.NewValue(tftypes.Bool, false)
)

func tfBool(b bool) tftypes.Value {
	if b {
		return tfTrue
	}
	return tfFalse
}

func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func tfStringPointer(p *string) tftypes.Value {
	if p == nil {
		return tfNullString
	}
	return tfString(*p)
}

func tfInt64Pointer(p *int64) tftypes.Value {
	if p == nil {
		return tfNullNumber
	}
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(*p))
}

// tfShared makes each distinct string once per listing, for attributes
// that repeat from one invitation to the next (organization, program,
// source, flow, creator): 64 bytes a value besides its text.
type tfShared map[string]tftypes.Value

func (s tfShared) string(v string) tftypes.Value {
	out, ok := s[v]
	if !ok {
		out = tfString(v)
		s[v] = out
	}
	return out
}

func (s tfShared) stringPointer(p *string) tftypes.Value {
	if p == nil {
		return tfNullString
	}
	return s.string(*p)
}
