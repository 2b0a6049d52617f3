package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
)

// TestBenchListing is listing alone, for a quick run (BENCH_LIST,
// BENCH_LATENCY as make bench reads them).
func TestBenchListing(t *testing.T) {
	acctest.RequireAcc(t)
	if os.Getenv("BENCH_LISTING") == "" {
		t.Skip("BENCH_LISTING=1 runs the listing alone; TestBench runs it with the rest")
	}
	var report strings.Builder
	var figs figures
	s := readSettings(t)
	listing(t, s, &report, &figs)
	figs.write(&report, 1)
	fmt.Print(report.String())
}

// listingTarget: a plan listing 10,000 program invitations
// at 100 ms a request takes at most this much longer than one listing one.
const listingTarget = 3 * time.Second

// listing reads s.list invitations of each kind through its data source,
// one kind per plan (one plugin process each), next to the same plan
// listing one invitation: what a user waits for the rows, Terraform
// included. It says how much of that the wire must take (the pages over
// the concurrency the client reads them at, times the latency) and what
// the plugin's CPU took. Then the framework floor returns the same state
// from a file: the framework's own cost for that result.
func listing(t *testing.T, s settings, report *strings.Builder, figs *figures) {
	for _, kind := range []struct{ name, block string }{
		{"stage", `data "invitations_stage_invitations" "all" {}`},
		{"program", `data "invitations_program_invitations" "all" {
  org = "acme"
}`},
	} {
		config := fmt.Sprintf(`terraform {
  required_providers {
    invitations = { source = %q }
  }
}
provider "invitations" {}
%s
`, provider.RegistryAddress, kind.block)
		plan := func(sub *subject) func() error {
			return func() error { _, err := sub.ws.TF.Plan(t.Context(), tfexec.Out("plan")); return err }
		}
		one := newSubject(t, "invitations", "./internal/bench/provider", s.listLatency, config)
		one.srv.SeedAuthentik(1, "listed")
		one.srv.IBLOf(mockserver.IBLKindProgram).Seed(1, "acme+onboarding")
		_ = one.measure(t, "warm-up", plan(one)) // Terraform's and the OS's caches, as for the plan measured next
		m1 := one.measure(t, "listing one", plan(one))

		sub := newSubject(t, "invitations", "./internal/bench/provider", s.listLatency, config)
		sub.srv.SeedAuthentik(s.list, "listed")
		sub.srv.IBLOf(mockserver.IBLKindProgram).Seed(s.list, "acme+onboarding")
		m := sub.measure(t, "listing", plan(sub))
		state := filepath.Join(t.TempDir(), "state.json")
		listed := saveListing(t, sub, state)
		if listed != s.list {
			t.Errorf("the %s data source listed %d invitations, want %d", kind.name, listed, s.list)
		}

		pages := m.stage + m.prog
		// Page 1 alone (it tells the count), then the rest at the
		// client's concurrency.
		rounds := 1 + (pages-1+client.MaxPageConcurrency-1)/client.MaxPageConcurrency
		wire := time.Duration(rounds) * s.listLatency
		extra := m.wall - m1.wall
		target := ""
		if kind.name == "program" {
			target = fmt.Sprintf(" (target at 100ms and 10000: at most %.2fs)", listingTarget.Seconds())
			figs.add(fmt.Sprintf("(5) plan listing %d program at %v: more than one", s.list, s.listLatency),
				fmt.Sprintf("≤ %.2fs at 100ms and 10000", listingTarget.Seconds()), "%.2fs", extra.Seconds(), "", extra <= listingTarget)
		}
		fmt.Fprintf(report, "listing %d %s invitations (data source, one plan): %.2fs, %d requests, plugin cpu %d ms, peak rss %.0f MiB; "+
			"listing one: %.2fs, plugin cpu %d ms; %.2fs more%s, of which the wire at least %.2fs (%d pages, 1 then %d at a time, x %v) "+
			"and plugin cpu %d ms more\n",
			s.list, kind.name, m.wall.Seconds(), pages, m.cpuMS, float64(m.rssKiB)/1024,
			m1.wall.Seconds(), m1.cpuMS, extra.Seconds(), target, wire.Seconds(), pages, client.MaxPageConcurrency, s.listLatency,
			m.cpuMS-m1.cpuMS)

		// The framework's own server: no handover of the listing (fwfix.SetList).
		asis := newSubject(t, "without handover", "./internal/bench/asis", s.listLatency, config,
			"TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_PROVIDER_INVITATIONS=OFF")
		asis.srv.SeedAuthentik(s.list, "listed")
		asis.srv.IBLOf(mockserver.IBLKindProgram).Seed(s.list, "acme+onboarding")
		a := asis.measure(t, "listing", plan(asis))
		fmt.Fprintf(report, "  without handover (the framework's own server): %.2fs, plugin cpu %d ms, peak rss %.0f MiB\n",
			a.wall.Seconds(), a.cpuMS, float64(a.rssKiB)/1024)
		figs.ratio(fmt.Sprintf("(w) handover, plan listing %d %s: wall", s.list, kind.name), m.wall.Seconds()/max(a.wall.Seconds(), 0.001), 0.8)
		figs.ratio(fmt.Sprintf("(w) handover, plan listing %d %s: peak rss", s.list, kind.name), float64(m.rssKiB)/float64(max(a.rssKiB, 1)), 0.8)

		floor := newSubject(t, "framework floor", "./internal/bench/floor", s.listLatency, config, "FLOOR_STATE="+state)
		f := floor.measure(t, "listing", func() error { _, err := floor.ws.TF.Plan(t.Context()); return err })
		// The floor's plan has the rows and no wire: what Terraform and
		// the framework take for them, which no client can save.
		fmt.Fprintf(report, "  framework floor (the same %d from a file): %.2fs (%.2fs more than listing one; the listing takes %.2fs more than it), cpu %d ms, peak rss %.0f MiB; ratios cpu %.2fx, rss %.2fx\n",
			listed, f.wall.Seconds(), (f.wall - m1.wall).Seconds(), (m.wall - f.wall).Seconds(), f.cpuMS, float64(f.rssKiB)/1024,
			float64(m.cpuMS)/float64(max(f.cpuMS, 1)), float64(m.rssKiB)/float64(max(f.rssKiB, 1)))
	}
}

// saveListing writes the data source's values from the subject's saved
// plan as JSON to path, and returns how many invitations it holds.
func saveListing(t *testing.T, sub *subject, path string) int {
	t.Helper()
	plan, err := sub.ws.TF.ShowPlanFile(t.Context(), "plan")
	if err != nil {
		t.Fatal(err)
	}
	if plan.PriorState == nil || plan.PriorState.Values == nil || len(plan.PriorState.Values.RootModule.Resources) != 1 {
		t.Fatal("the plan holds no data source")
	}
	values := plan.PriorState.Values.RootModule.Resources[0].AttributeValues
	raw, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	items, _ := values["invitations"].([]any)
	return len(items)
}
