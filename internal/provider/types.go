package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The attribute types below carry the APIs' notion of equality, so that the
// framework keeps the configuration's spelling of a value the server writes
// differently (its semantic equality), and the model can be filled from an
// API object by plain assignment.

// instantType is an RFC 3339 timestamp compared as an instant: Z and
// +00:00, other offsets and fractional seconds name the same instant or
// not. timetypes.RFC3339's own equality compares offsets and drops
// fractions; its validation is kept.
type instantType struct{ timetypes.RFC3339Type }

var _ basetypes.StringTypable = instantType{}

func (t instantType) Equal(o attr.Type) bool { _, ok := o.(instantType); return ok }
func (t instantType) String() string         { return "instantType" }
func (t instantType) ValueType(context.Context) attr.Value {
	return instant{}
}

func (t instantType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return instant{RFC3339: timetypes.RFC3339{StringValue: in}}, nil
}

func (t instantType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return instant{RFC3339: timetypes.RFC3339{StringValue: s}}, nil
}

// instant is a value of instantType.
type instant struct{ timetypes.RFC3339 }

var _ basetypes.StringValuableWithSemanticEquals = instant{}

func (v instant) Type(context.Context) attr.Type { return instantType{} }

func (v instant) Equal(o attr.Value) bool {
	other, ok := o.(instant)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v instant) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(instant)
	return ok && v.sameAs(other), nil
}

// sameAs tells whether both name the same instant, or are both null.
func (v instant) sameAs(o instant) bool {
	if v.IsNull() || o.IsNull() || v.IsUnknown() || o.IsUnknown() {
		return v.Equal(o)
	}
	a, okA := v.time()
	b, okB := o.time()
	return okA && okB && a.Equal(b)
}

// time is the instant, when the value is a known timestamp.
func (v instant) time() (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, v.ValueString())
	return t, err == nil
}

// instantPointer is the server's timestamp, or null.
func instantPointer(s *string) instant {
	return instant{RFC3339: timetypes.RFC3339{StringValue: basetypes.NewStringPointerValue(s)}}
}

// caseInsensitiveType is a string compared without regard to letter case:
// emails (as the servers compare them) and UUIDs.
type caseInsensitiveType struct{ basetypes.StringType }

var _ basetypes.StringTypable = caseInsensitiveType{}

func (t caseInsensitiveType) Equal(o attr.Type) bool { _, ok := o.(caseInsensitiveType); return ok }
func (t caseInsensitiveType) String() string         { return "caseInsensitiveType" }
func (t caseInsensitiveType) ValueType(context.Context) attr.Value {
	return caseInsensitive{}
}

func (t caseInsensitiveType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return caseInsensitive{StringValue: in}, nil
}

func (t caseInsensitiveType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return caseInsensitive{StringValue: s}, nil
}

// caseInsensitive is a value of caseInsensitiveType.
type caseInsensitive struct{ basetypes.StringValue }

var _ basetypes.StringValuableWithSemanticEquals = caseInsensitive{}

func (v caseInsensitive) Type(context.Context) attr.Type { return caseInsensitiveType{} }

func (v caseInsensitive) Equal(o attr.Value) bool {
	other, ok := o.(caseInsensitive)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v caseInsensitive) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(caseInsensitive)
	return ok && v.sameAs(other), nil
}

// sameAs tells whether both hold the same string but for case, or are both null.
func (v caseInsensitive) sameAs(o caseInsensitive) bool {
	if v.IsNull() || o.IsNull() || v.IsUnknown() || o.IsUnknown() {
		return v.Equal(o)
	}
	return strings.EqualFold(v.ValueString(), o.ValueString())
}

func caseInsensitivePointer(s *string) caseInsensitive {
	return caseInsensitive{StringValue: basetypes.NewStringPointerValue(s)}
}
