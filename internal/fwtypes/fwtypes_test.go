package fwtypes

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestInstantSemanticEquality(t *testing.T) {
	s := func(v string) Instant { return InstantPointer(&v) }
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"2027-01-31T23:59:59Z", "2027-01-31T23:59:59+00:00", true},
		{"2027-01-31T23:59:59Z", "2027-02-01T01:59:59+02:00", true},
		{"2027-01-31T23:59:59.500Z", "2027-01-31T23:59:59.5+00:00", true},
		// timetypes.RFC3339's own equality drops fractions: these differ.
		{"2027-01-31T23:59:59.500Z", "2027-01-31T23:59:59Z", false},
		{"2027-01-31T23:59:59Z", "2027-01-31T23:59:58Z", false},
	} {
		got, diags := s(tc.a).StringSemanticEquals(t.Context(), s(tc.b))
		if got != tc.same || diags.HasError() {
			t.Errorf("%s ~ %s: %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
	if !InstantPointer(nil).SameAs(InstantPointer(nil)) || InstantPointer(nil).SameAs(s("2027-01-31T23:59:59Z")) {
		t.Error("null instants")
	}
	if ok, _ := s("2027-01-31T23:59:59Z").StringSemanticEquals(t.Context(), basetypes.NewStringValue("2027-01-31T23:59:59Z")); ok {
		t.Error("an Instant equals a plain string")
	}
}

func TestCaseInsensitiveSemanticEquality(t *testing.T) {
	s := func(v string) CaseInsensitive { return CaseInsensitivePointer(&v) }
	if ok, _ := s("Ada@Example.com").StringSemanticEquals(t.Context(), s("ada@example.com")); !ok {
		t.Error("emails differing in case")
	}
	if ok, _ := s("0B4CF3A3-5AD1-4D38-8F5B-0D1C5C3C7F10").StringSemanticEquals(t.Context(), s("0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10")); !ok {
		t.Error("UUIDs differing in case")
	}
	if ok, _ := s("ada@example.com").StringSemanticEquals(t.Context(), s("grace@example.com")); ok {
		t.Error("different emails")
	}
	if s("a").Equal(s("A")) {
		t.Error("Equal must stay exact: Terraform's own comparisons rely on it")
	}
}
