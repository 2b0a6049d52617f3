package fwfix

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A Listing is a list like any other to whoever asks: the same Terraform
// value, the same framework value, the same equality; it only converts later.
func TestListingIsAList(t *testing.T) {
	ctx := t.Context()
	elem := types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType, "n": types.Int64Type}}
	lt := NewListingType(elem)
	item := func(name string, n int64) tftypes.Value {
		return tftypes.NewValue(elem.TerraformType(ctx), map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, name), "n": tftypes.NewValue(tftypes.Number, n)})
	}
	raw := tftypes.NewValue(lt.TerraformType(ctx), []tftypes.Value{item("a", 1), item("b", 2)})

	v, err := lt.ValueFromTerraform(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := v.ToTerraformValue(ctx); err != nil || !back.Equal(raw) {
		t.Errorf("ToTerraformValue = %v, %v; want the value it was made from", back, err)
	}
	want, err := basetypes.ListType{ElemType: elem}.ValueFromTerraform(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	got, diags := v.(Listing).ToListValue(ctx)
	if diags.HasError() || !got.Equal(want) {
		t.Errorf("ToListValue = %v, %v; want %v", got, diags, want)
	}
	if v.String() != want.String() {
		t.Errorf("String() = %s, want %s", v.String(), want.String())
	}
	if !v.Type(ctx).Equal(lt) || lt.Equal(basetypes.ListType{ElemType: elem}) || !lt.Equal(NewListingType(elem)) ||
		lt.Equal(NewListingType(types.StringType)) {
		t.Error("type equality")
	}

	// Equality: itself, an equal copy, a different listing, a plain list.
	same, _ := lt.ValueFromTerraform(ctx, raw.Copy())
	other, _ := lt.ValueFromTerraform(ctx, tftypes.NewValue(lt.TerraformType(ctx), []tftypes.Value{item("a", 1)}))
	if !v.Equal(v) || !v.Equal(same) || v.Equal(other) || v.Equal(want) {
		t.Error("value equality")
	}

	// Null and unknown, typed or not, as the framework makes them.
	for name, tc := range map[string]struct {
		in            tftypes.Value
		null, unknown bool
	}{
		"null":         {tftypes.NewValue(lt.TerraformType(ctx), nil), true, false},
		"untyped null": {tftypes.Value{}, true, false},
		"unknown":      {tftypes.NewValue(lt.TerraformType(ctx), tftypes.UnknownValue), false, true},
	} {
		v, err := lt.ValueFromTerraform(ctx, tc.in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		l, diags := v.(Listing).ToListValue(ctx)
		if v.IsNull() != tc.null || v.IsUnknown() != tc.unknown || diags.HasError() || l.IsNull() != tc.null || l.IsUnknown() != tc.unknown {
			t.Errorf("%s: IsNull %v, IsUnknown %v, list %v", name, v.IsNull(), v.IsUnknown(), l)
		}
		if back, err := v.ToTerraformValue(ctx); err != nil || !back.Type().Equal(lt.TerraformType(ctx)) || back.IsNull() != tc.null {
			t.Errorf("%s: ToTerraformValue = %v, %v", name, back, err)
		}
	}
	if nulls, _ := lt.ValueFromTerraform(ctx, tftypes.Value{}); !nulls.Equal(lt.ValueType(ctx)) {
		t.Error("two nulls differ")
	}

	// From a framework list (a model's slice goes this way) and back.
	fromList, diags := lt.ValueFromList(ctx, want.(basetypes.ListValue))
	if diags.HasError() || !fromList.Equal(v) {
		t.Errorf("ValueFromList = %v, %v", fromList, diags)
	}

	if _, err := lt.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, nil)); err == nil {
		t.Error("a list of another element type was accepted")
	}
}

// The point of the type: making a Listing from a Terraform value of 1,000
// objects allocates next to nothing (a plain list converts each object).
func TestListingConvertsLazily(t *testing.T) {
	ctx := t.Context()
	elem := types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType}}
	lt := NewListingType(elem)
	items := make([]tftypes.Value, 1000)
	for i := range items {
		items[i] = tftypes.NewValue(elem.TerraformType(ctx), map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "x")})
	}
	raw := tftypes.NewValue(lt.TerraformType(ctx), items)
	lazy := testing.AllocsPerRun(10, func() { _, _ = lt.ValueFromTerraform(ctx, raw) })
	eager := testing.AllocsPerRun(10, func() { _, _ = lt.ListType.ValueFromTerraform(ctx, raw) })
	if lazy > 20 || eager < 1000 {
		t.Errorf("allocations: %v for a Listing, %v for a plain list", lazy, eager)
	}
}
