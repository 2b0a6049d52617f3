package ibl

import (
	"context"
	"testing"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// BenchmarkList2500 lists 2,500 program invitations from the in-process
// mock at the client's page size, and reports the requests each took.
func BenchmarkList2500(b *testing.B) {
	srv, ts := mockserver.Start(b, mockserver.Options{})
	srv.IBLOf(mockserver.IBLKindProgram).Seed(2500, "acme+onboarding")
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

// BenchmarkList10000At100ms lists 10,000 program invitations from a mock
// that takes 100 ms to answer each request, as a distant SaaS endpoint
// does. It reports the wall time next to what reading the 100 pages one
// after another would take on the wire alone.
func BenchmarkList10000At100ms(b *testing.B) {
	srv, ts := mockserver.Start(b, mockserver.Options{})
	srv.IBLOf(mockserver.IBLKindProgram).Seed(10000, "acme+onboarding")
	srv.SetLatency(100 * time.Millisecond)
	c := newClient(b, ts.URL, "Api-Token")
	srv.ResetCounts()
	start := time.Now()
	for b.Loop() {
		all, _, err := c.List(context.Background(), Filter{Org: "acme"})
		if err != nil || len(all) != 10000 {
			b.Fatalf("got %d, %v", len(all), err)
		}
	}
	perOp := time.Since(start) / time.Duration(b.N)
	requests := srv.Count("GET", "") / b.N
	sequential := time.Duration(requests) * 100 * time.Millisecond
	b.ReportMetric(float64(requests), "requests/op")
	b.ReportMetric(perOp.Seconds(), "s/op")
	b.ReportMetric(float64(perOp)/float64(sequential), "x_sequential_wire_time")
}
