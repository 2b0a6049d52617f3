package authentik

import (
	"context"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// BenchmarkList2500 lists 2,500 invitations from the in-process mock at the
// client's page size, and reports the requests each listing took.
func BenchmarkList2500(b *testing.B) {
	srv, ts := mockserver.Start(b, mockserver.Options{})
	srv.SeedAuthentik(2500, "bench")
	c := newClient(b, ts.URL)
	srv.ResetCounts()
	b.ResetTimer()
	for b.Loop() {
		all, _, err := c.List(context.Background(), ListFilter{})
		if err != nil || len(all) != 2500 {
			b.Fatalf("got %d, %v", len(all), err)
		}
	}
	b.ReportMetric(float64(srv.Count("GET", ""))/float64(b.N), "requests/op")
}
