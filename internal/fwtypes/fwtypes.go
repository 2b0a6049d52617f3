// Package fwtypes holds terraform-plugin-framework attribute types that carry
// the APIs' notion of equality, so that the framework keeps a
// configuration's spelling of a value a server writes differently (their
// semantic equality), and a model can be filled from an API object by plain
// assignment; and the small conversions between API values and framework
// values both platforms' mappings use (values.go).
package fwtypes

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

// InstantType is an RFC 3339 timestamp compared as an Instant: Z and
// +00:00, other offsets and fractional seconds name the same Instant or
// not. timetypes.RFC3339's own equality compares offsets and drops
// fractions; its validation is kept.
type InstantType struct{ timetypes.RFC3339Type }

var _ basetypes.StringTypable = InstantType{}

func (t InstantType) Equal(o attr.Type) bool { _, ok := o.(InstantType); return ok }
func (t InstantType) String() string         { return "InstantType" }
func (t InstantType) ValueType(context.Context) attr.Value {
	return Instant{}
}

func (t InstantType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return Instant{RFC3339: timetypes.RFC3339{StringValue: in}}, nil
}

func (t InstantType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	s, err := stringFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	return Instant{RFC3339: timetypes.RFC3339{StringValue: s}}, nil
}

// stringFromTerraform reads a Terraform value as a framework string.
func stringFromTerraform(ctx context.Context, in tftypes.Value) (basetypes.StringValue, error) {
	v, err := basetypes.StringType{}.ValueFromTerraform(ctx, in)
	if err != nil {
		return basetypes.StringValue{}, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return basetypes.StringValue{}, fmt.Errorf("unexpected value type %T", v)
	}
	return s, nil
}

// Instant is a value of InstantType.
type Instant struct{ timetypes.RFC3339 }

var _ basetypes.StringValuableWithSemanticEquals = Instant{}

func (v Instant) Type(context.Context) attr.Type { return InstantType{} }

func (v Instant) Equal(o attr.Value) bool {
	other, ok := o.(Instant)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v Instant) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(Instant)
	return ok && v.SameAs(other), nil
}

// SameAs tells whether both name the same Instant, or are both null.
func (v Instant) SameAs(o Instant) bool {
	if v.IsNull() || o.IsNull() || v.IsUnknown() || o.IsUnknown() {
		return v.Equal(o)
	}
	a, okA := v.Time()
	b, okB := o.Time()
	return okA && okB && a.Equal(b)
}

// time is the Instant, when the value is a known timestamp.
func (v Instant) Time() (time.Time, bool) {
	if v.IsNull() || v.IsUnknown() {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, v.ValueString())
	return t, err == nil
}

// InstantPointer is the server's timestamp, or null.
func InstantPointer(s *string) Instant {
	return Instant{RFC3339: timetypes.RFC3339{StringValue: basetypes.NewStringPointerValue(s)}}
}

// CaseInsensitiveType is a string compared without regard to letter case:
// emails (as the servers compare them) and UUIDs.
type CaseInsensitiveType struct{ basetypes.StringType }

var _ basetypes.StringTypable = CaseInsensitiveType{}

func (t CaseInsensitiveType) Equal(o attr.Type) bool { _, ok := o.(CaseInsensitiveType); return ok }
func (t CaseInsensitiveType) String() string         { return "CaseInsensitiveType" }
func (t CaseInsensitiveType) ValueType(context.Context) attr.Value {
	return CaseInsensitive{}
}

func (t CaseInsensitiveType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return CaseInsensitive{StringValue: in}, nil
}

func (t CaseInsensitiveType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	s, err := stringFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	return CaseInsensitive{StringValue: s}, nil
}

// CaseInsensitive is a value of CaseInsensitiveType.
type CaseInsensitive struct{ basetypes.StringValue }

var _ basetypes.StringValuableWithSemanticEquals = CaseInsensitive{}

func (v CaseInsensitive) Type(context.Context) attr.Type { return CaseInsensitiveType{} }

func (v CaseInsensitive) Equal(o attr.Value) bool {
	other, ok := o.(CaseInsensitive)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v CaseInsensitive) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(CaseInsensitive)
	return ok && v.SameAs(other), nil
}

// SameAs tells whether both hold the same string but for case, or are both null.
func (v CaseInsensitive) SameAs(o CaseInsensitive) bool {
	if v.IsNull() || o.IsNull() || v.IsUnknown() || o.IsUnknown() {
		return v.Equal(o)
	}
	return strings.EqualFold(v.ValueString(), o.ValueString())
}

// CaseInsensitivePointer is the server's string, or null.
func CaseInsensitivePointer(s *string) CaseInsensitive {
	return CaseInsensitive{StringValue: basetypes.NewStringPointerValue(s)}
}
