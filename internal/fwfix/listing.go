package fwfix

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ListingType is the type of a data source's computed list of API
// objects: a list whose elements become framework values only when
// something asks for them.
//
// Works around terraform-plugin-framework v1.19.0: after every data source read the framework
// converts each attribute of the new state to framework values for
// semantic equality, even where the prior value (the configuration's, null
// for a computed attribute) leaves nothing to compare. For a listing of
// 10,000 invitations that conversion is a third copy of the listing,
// alive at the read's peak of memory with the state and the framework's
// own copy of it, and then thrown away.
type ListingType struct{ basetypes.ListType }

var _ basetypes.ListTypable = ListingType{}

// NewListingType is a ListingType of the given element type.
func NewListingType(elem attr.Type) ListingType {
	return ListingType{basetypes.ListType{ElemType: elem}}
}

func (t ListingType) Equal(o attr.Type) bool {
	other, ok := o.(ListingType)
	return ok && t.ListType.Equal(other.ListType)
}

func (t ListingType) String() string { return "ListingType[" + t.ElementType().String() + "]" }

func (t ListingType) ValueType(context.Context) attr.Value { return Listing{typ: t} }

func (t ListingType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	if in.Type() == nil {
		return Listing{typ: t}, nil
	}
	if want := t.TerraformType(ctx); !in.Type().Equal(want) {
		return nil, fmt.Errorf("can't use %s as value of %s, expected %s", in.Type(), t, want)
	}
	return Listing{typ: t, raw: &in}, nil
}

func (t ListingType) ValueFromList(ctx context.Context, in basetypes.ListValue) (basetypes.ListValuable, diag.Diagnostics) {
	var diags diag.Diagnostics
	raw, err := in.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Listing conversion error", err.Error())
		return nil, diags
	}
	if raw.Type() != nil && !raw.Type().Equal(t.TerraformType(ctx)) {
		diags.AddError("Listing conversion error", fmt.Sprintf("can't use %s as value of %s", raw.Type(), t))
		return nil, diags
	}
	return Listing{typ: t, raw: &raw}, diags
}

// Listing is a value of ListingType. It keeps the Terraform value it was
// made from; ToListValue converts it.
type Listing struct {
	typ ListingType
	// raw is nil for a null list without a type.
	raw *tftypes.Value
}

var _ basetypes.ListValuable = Listing{}

func (v Listing) Type(context.Context) attr.Type { return v.typ }

func (v Listing) IsNull() bool { return v.raw == nil || v.raw.IsNull() }

func (v Listing) IsUnknown() bool { return v.raw != nil && !v.raw.IsKnown() }

func (v Listing) ToTerraformValue(ctx context.Context) (tftypes.Value, error) {
	if v.raw == nil {
		return tftypes.NewValue(v.typ.TerraformType(ctx), nil), nil
	}
	return *v.raw, nil
}

func (v Listing) Equal(o attr.Value) bool {
	other, ok := o.(Listing)
	if !ok || !v.typ.Equal(other.typ) {
		return false
	}
	if v.raw == other.raw || v.IsNull() && other.IsNull() {
		return true // the same value, as the framework compares a result with itself
	}
	if v.raw == nil || other.raw == nil {
		return false
	}
	return v.raw.Equal(*other.raw)
}

func (v Listing) String() string {
	l, diags := v.ToListValue(context.Background())
	if diags.HasError() {
		return "<invalid listing>"
	}
	return l.String()
}

func (v Listing) ToListValue(ctx context.Context) (basetypes.ListValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	switch {
	case v.IsNull():
		return basetypes.NewListNull(v.typ.ElementType()), nil
	case v.IsUnknown():
		return basetypes.NewListUnknown(v.typ.ElementType()), nil
	}
	lv, err := v.typ.ListType.ValueFromTerraform(ctx, *v.raw)
	if err != nil {
		diags.AddError("Listing conversion error", err.Error())
		return basetypes.NewListUnknown(v.typ.ElementType()), diags
	}
	l, ok := lv.(basetypes.ListValue)
	if !ok {
		diags.AddError("Listing conversion error", fmt.Sprintf("unexpected value type %T", lv))
		return basetypes.NewListUnknown(v.typ.ElementType()), diags
	}
	return l, diags
}
