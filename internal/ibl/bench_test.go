package ibl

import (
	"context"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// BenchmarkList2500 lists 2,500 program invitations from the in-process
// mock at the client's page size, and reports the requests each took.
func BenchmarkList2500(b *testing.B) {
	srv, ts := mockserver.Start(b, mockserver.Options{})
	srv.SeedIBL(2500, "acme+onboarding")
	c := newClient(b, ts.URL, "Api-Token")
	srv.ResetCounts()
	b.ResetTimer()
	for b.Loop() {
		all, _, err := c.List(context.Background(), Filter{Org: "acme"})
		if err != nil || len(all) != 2500 {
			b.Fatalf("got %d, %v", len(all), err)
		}
	}
	b.ReportMetric(float64(srv.Count("GET", ""))/float64(b.N), "requests/op")
}
