// Package bench is make bench: real Terraform, the bundled mock with a
// chosen latency, and for each size the provider next to the same work
// done by terraform_data and by the framework floor (the provider's own
// schemas served by resources that call no API), and next to itself without
// each framework workaround it keeps. It prints wall time, requests, the
// plugin's CPU time and peak memory, and the ratios. make test runs a short
// form, to check that it works; no timing is asserted.
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
)

func TestMain(m *testing.M) {
	code := m.Run()
	acctest.Cleanup()
	os.Exit(code)
}

// settings come from the environment make bench sets; the defaults are the
// short form make test runs.
type settings struct {
	sizes   []int
	latency time.Duration
	list    int
	// listLatency is the listing section's latency (BENCH_LIST_LATENCY,
	// else latency): the listing target is at 100 ms a request.
	listLatency time.Duration
	// scale is the number of stage invitations of the scale section; runs
	// how many times every section is measured, scaleRuns in how many of
	// them the scale section is (a plan of 10,000 costs Terraform minutes).
	scale, runs, scaleRuns int
	// report is a file the report is also written to (make bench gives
	// scripts/bench-report.sh the latest).
	report string
}

func readSettings(t *testing.T) settings {
	s := settings{sizes: []int{5}, list: 100, scale: 50, runs: 1, scaleRuns: 0, report: os.Getenv("BENCH_REPORT")}
	if v := os.Getenv("BENCH_N"); v != "" {
		s.sizes = nil
		for _, f := range strings.Fields(v) {
			s.sizes = append(s.sizes, positive(t, "BENCH_N", f))
		}
	}
	for name, p := range map[string]*time.Duration{"BENCH_LATENCY": &s.latency, "BENCH_LIST_LATENCY": &s.listLatency} {
		if v := os.Getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				t.Fatalf("%s=%q", name, v)
			}
			*p = d
		}
	}
	if os.Getenv("BENCH_LIST_LATENCY") == "" {
		s.listLatency = s.latency
	}
	for name, p := range map[string]*int{"BENCH_LIST": &s.list, "BENCH_SCALE": &s.scale, "BENCH_RUNS": &s.runs, "BENCH_SCALE_RUNS": &s.scaleRuns} {
		if v := os.Getenv(name); v != "" {
			*p = positive(t, name, v)
		}
	}
	if s.scaleRuns == 0 || s.scaleRuns > s.runs {
		s.scaleRuns = s.runs
	}
	return s
}

func positive(t *testing.T, name, v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q", name, v)
	}
	return n
}

// measurement is one Terraform command.
type measurement struct {
	wall          time.Duration
	stage, prog   int // requests to each API
	progPOST      int // of them, ibl.ai POSTs (creates and deactivations)
	cpuMS, rssKiB int // the plugin's, summed over its processes; the peak
}

type subject struct {
	name string
	ws   *acctest.Workspace
	srv  *mockserver.Server
	url  string
	// env is the environment Terraform runs in, for commands run without
	// terraform-exec (terraform query).
	env []string
	// rusage is the file the plugin reports to; empty for terraform_data.
	rusage string
}

func newSubject(t *testing.T, name, pkg string, latency time.Duration, config string, extraEnv ...string) *subject {
	return newSubjectWith(t, name, pkg, mockserver.Options{}, latency, config, extraEnv...)
}

// newSubjectWith is newSubject on a mock started with opts (a variant).
func newSubjectWith(t *testing.T, name, pkg string, opts mockserver.Options, latency time.Duration, config string, extraEnv ...string) *subject {
	srv, ts := mockserver.Start(t, opts)
	srv.SetLatency(latency)
	return newSubjectOn(t, name, pkg, srv, ts.URL, config, extraEnv...)
}

// newSubjectOn is a subject whose provider talks to a mock already serving
// at url.
func newSubjectOn(t *testing.T, name, pkg string, srv *mockserver.Server, url, config string, extraEnv ...string) *subject {
	dir := t.TempDir()
	s := &subject{name: name, srv: srv, url: url}
	env := []string{"AUTHENTIK_URL=" + url, "AUTHENTIK_TOKEN=" + mockserver.AuthentikAdminToken,
		"IBLAI_URL=" + url, "IBLAI_API_KEY=" + mockserver.IBLAdminKey}
	if pkg != "" {
		s.rusage = filepath.Join(dir, "rusage")
		env = append(env, "INVITATIONS_RUSAGE_FILE="+s.rusage)
	}
	if pkg == "" {
		pkg = "."
	}
	env = append(env, extraEnv...)
	s.ws = acctest.NewWorkspaceFor(t, "../..", pkg, provider.RegistryAddress, env...)
	s.ws.Write("main.tf", config)
	s.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(s.ws.Dir, ".terraformrc"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	s.env = append(s.env, env...)
	return s
}

func (s *subject) measure(t *testing.T, what string, run func() error) measurement {
	t.Helper()
	s.srv.ResetCounts()
	if s.rusage != "" {
		_ = os.Remove(s.rusage)
	}
	start := time.Now()
	if err := run(); err != nil {
		t.Fatalf("%s, %s: %v", s.name, what, err)
	}
	m := measurement{wall: time.Since(start), stage: s.srv.Count("", "/api/v3/"), prog: s.srv.Count("", "/api/catalog/"),
		progPOST: s.srv.Count("POST", "/api/catalog/")}
	if s.rusage != "" {
		raw, _ := os.ReadFile(s.rusage)
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var cpu, rss int
			if _, err := fmt.Sscan(line, &cpu, &rss); err == nil {
				m.cpuMS += cpu
				m.rssKiB = max(m.rssKiB, rss)
			}
		}
	}
	return m
}

func invitationsConfig(n int) string {
	return stageConfig(n) + programConfig(n)
}

func stageConfig(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    invitations = { source = %q }
  }
}
provider "invitations" {}
resource "invitations_stage_invitation" "bench" {
  count      = %d
  name       = "bench-${count.index}"
  expires = "2099-01-01T00:00:00Z"
  fixed_data = jsonencode({ n = count.index })
}
`, provider.RegistryAddress, n)
}

func programConfig(n int) string {
	return fmt.Sprintf(`resource "invitations_program_invitation" "bench" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "bench-${count.index}@example.com"
  metadata    = jsonencode({ n = count.index })
}
`, n)
}

func terraformDataConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  count = %d
  input = { name = "bench-${count.index}", n = count.index }
}
`, 2*n)
}

// TestBench is make bench: BENCH_RUNS runs of every section, each run's
// table as it comes, then the figures with their targets and the spread
// over the runs. The setups that need no measuring (the deleting ibl.ai
// variant's apply, terraform_data, the scale state) are made once.
func TestBench(t *testing.T) {
	acctest.RequireAcc(t)
	s := readSettings(t)
	var report strings.Builder
	var figs figures
	started := time.Now()
	fmt.Fprintf(&report, "make bench: %s, %s, %d cores (%s), %s; mock latency %v a request (the listing %v), parallelism 10; %d run(s), the scale section in %d\n",
		started.UTC().Format("2006-01-02 15:04 UTC"), terraformVersion(t), runtime.NumCPU(), cpuModel(), runtime.GOOS+"/"+runtime.GOARCH, s.latency, s.listLatency, s.runs, s.scaleRuns)
	// Each run's part is printed as soon as it is measured: a make bench
	// takes minutes.
	done := 0
	flush := func() { fmt.Print(report.String()[done:]); done = report.Len() }
	var sc *scale
	for run := 1; run <= s.runs; run++ {
		fmt.Fprintf(&report, "\nrun %d of %d\n", run, s.runs)
		for _, n := range s.sizes {
			rows(t, s, n, run == 1, &report, &figs)
		}
		if run <= s.scaleRuns {
			if sc == nil {
				sc = newScale(t, s)
				fmt.Fprintf(&report, "scale: %d stage invitations seeded and refreshed into a state (setup, once, not measured: %.0fs)\n", sc.n, sc.setupSeconds)
			}
			sc.run(t, &report, &figs)
		}
		listing(t, s, &report, &figs)
		flush()
	}
	figs.write(&report, s.runs)
	fmt.Fprintf(&report, "make bench took %s\n", time.Since(started).Round(time.Second))
	flush()
	if s.report != "" {
		if err := os.WriteFile(s.report, []byte(report.String()), 0o600); err != nil {
			t.Error(err)
		}
	}
}

// rows measures apply, no-op plan, refresh and destroy of n invitations of
// each kind, the provider next to the floor (and, in the first run, to
// terraform_data, to the provider on an ibl.ai server whose DELETE deletes,
// and to the provider without each of its framework workarounds), and adds
// the figures of targets 1 to 3 and the workarounds'.
func rows(t *testing.T, s settings, n int, first bool, report *strings.Builder, figs *figures) {
	fmt.Fprintf(report, "%-6s %-13s %-22s %9s %7s %7s %9s %9s %13s %12s\n",
		"N", "operation", "subject", "wall", "authn", "ibl", "cpu(ms)", "rss(MiB)", "cpu/invitation", "ratio")
	subjects := []*subject{
		newSubject(t, "invitations", "./internal/bench/provider", s.latency, invitationsConfig(n)),
		newSubject(t, "framework floor", "./internal/bench/floor", s.latency, invitationsConfig(n)),
	}
	if first {
		subjects = append(subjects, newSubject(t, "terraform_data", "", s.latency, terraformDataConfig(n)),
			newSubjectWith(t, "invitations, deleting", "./internal/bench/provider", mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}},
				s.latency, stageConfig(0)+programConfig(n)),
			// The shipped provider with a log level set: quietLogs leaves the
			// libraries' loggers as they make them.
			newSubject(t, "without quiet logs", "./internal/bench/provider", s.latency, invitationsConfig(n), "TF_LOG_SDK=TRACE"),
			// The framework's own server, its logs quieted as quietLogs does.
			newSubject(t, "without ctx release", "./internal/bench/asis", s.latency, invitationsConfig(n),
				"TF_LOG_SDK=OFF", "TF_LOG_SDK_PROTO=OFF", "TF_LOG_SDK_FRAMEWORK=OFF", "TF_LOG_PROVIDER_INVITATIONS=OFF"))
	}
	ops := []struct {
		name string
		run  func(*subject) error
	}{
		{"apply", func(s *subject) error { return s.ws.TF.Apply(t.Context(), tfexec.Parallelism(10)) }},
		{"no-op plan", func(s *subject) error {
			changes, err := s.ws.TF.Plan(t.Context(), tfexec.Parallelism(10))
			if err == nil && changes {
				err = fmt.Errorf("the plan is not empty")
			}
			return err
		}},
		{"refresh", func(s *subject) error { return s.ws.TF.Refresh(t.Context()) }},
		{"destroy", func(s *subject) error { return s.ws.TF.Destroy(t.Context(), tfexec.Parallelism(10)) }},
	}
	for _, op := range ops {
		ms := make([]measurement, len(subjects))
		for i, sub := range subjects {
			if sub.name == "invitations, deleting" && (op.name == "no-op plan" || op.name == "refresh") {
				continue // only its destroy differs
			}
			ms[i] = sub.measure(t, op.name, func() error { return op.run(sub) })
		}
		for i, sub := range subjects {
			m := ms[i]
			if m.wall == 0 {
				continue
			}
			cpu, rss, per, ratio := "-", "-", "-", ""
			if sub.rusage != "" {
				cpu, rss = strconv.Itoa(m.cpuMS), fmt.Sprintf("%.0f", mib(m.rssKiB))
				per = fmt.Sprintf("%.2f ms", float64(m.cpuMS)/float64(2*n))
			}
			switch sub.name {
			case "invitations": // plugin CPU next to the floor's; wall time next to terraform_data's
				ratio = fmt.Sprintf("cpu %.2fx", float64(m.cpuMS)/float64(max(ms[1].cpuMS, 1)))
			case "terraform_data":
				ratio = fmt.Sprintf("wall %.2fx", ms[0].wall.Seconds()/max(m.wall.Seconds(), 0.001))
			case "without quiet logs", "without ctx release": // the provider as it ships, next to this
				ratio = fmt.Sprintf("wall %.2fx", ms[0].wall.Seconds()/max(m.wall.Seconds(), 0.001))
			}
			fmt.Fprintf(report, "%-6d %-13s %-22s %8.2fs %7d %7d %9s %9s %13s %12s\n",
				n, op.name, sub.name, m.wall.Seconds(), m.stage, m.prog, cpu, rss, per, ratio)
		}
		p := ms[0]
		cpuRatio := float64(p.cpuMS) / float64(max(ms[1].cpuMS, 1))
		if first {
			workaroundFigures(figs, n, op.name, p, ms[4], ms[5])
		}
		switch op.name {
		case "apply":
			others := p.prog - p.progPOST
			figs.add(fmt.Sprintf("(1) apply of %d program: requests", n), fmt.Sprintf("≤ %d POSTs + %d looks", n, n), "%.0f", float64(p.prog),
				fmt.Sprintf("%d POSTs + %d others", p.progPOST, others), p.progPOST <= n && others <= n)
			figs.ratio(fmt.Sprintf("(3) apply of %d of each: cpu vs floor", n), cpuRatio, 1.0)
		case "no-op plan":
			checkPlanRequests(t, n, p)
			figs.ratio(fmt.Sprintf("(3) no-op plan of %d of each: cpu vs floor", n), cpuRatio, 0.85)
		case "refresh":
			figs.ratio(fmt.Sprintf("(3) refresh of %d of each: cpu vs floor", n), cpuRatio, 0.85)
		case "destroy":
			// The budgets at 1,000, in proportion for other sizes.
			budget := func(per1000 int) int { return (per1000*n + 999) / 1000 }
			figs.add(fmt.Sprintf("(2) destroy of %d program, row-keeping: requests", n), fmt.Sprintf("≤ %d", budget(1100)), "%.0f", float64(p.prog), "", p.prog <= budget(1100))
			figs.add(fmt.Sprintf("(2) destroy of %d stage: requests", n), fmt.Sprintf("≤ %d", budget(1020)), "%.0f", float64(p.stage), "", p.stage <= budget(1020))
			if len(ms) > 3 {
				d := ms[3].prog
				figs.add(fmt.Sprintf("(2) destroy of %d program, deleting: requests", n), fmt.Sprintf("≤ %d", budget(2050)), "%.0f", float64(d), "", d <= budget(2050))
			}
			figs.ratio(fmt.Sprintf("(3) destroy of %d of each: cpu vs floor", n), cpuRatio, 1.0)
		}
	}
}

// workaroundFigures add what each framework workaround the provider keeps
// buys in one operation: the provider's wall time and peak memory next to
// the same provider without it (quiet, the libraries' logs; release, the
// framework's own server). A workaround stays where it buys at least 20 %
// of one of them (a ratio of 0.80 or less).
func workaroundFigures(figs *figures, n int, op string, p, quiet, release measurement) {
	if quiet.wall == 0 || release.wall == 0 {
		return
	}
	figs.ratio(fmt.Sprintf("(w) quiet logs, %s of %d of each: wall", op, n), p.wall.Seconds()/max(quiet.wall.Seconds(), 0.001), 0.8)
	figs.ratio(fmt.Sprintf("(w) ctx release, %s of %d of each: peak rss", op, n), float64(p.rssKiB)/float64(max(release.rssKiB, 1)), 0.8)
}

// checkPlanRequests holds the batched refresh to its budget: the first
// read of each scope on its own, then its listing (100 invitations a page,
// the cap of both APIs' real servers).
func checkPlanRequests(t *testing.T, n int, m measurement) {
	t.Helper()
	want := 1 + (n+99)/100
	if n == 1 {
		want = 1
	}
	if m.stage > want || m.prog > want {
		t.Errorf("a no-op plan of %d invitations of each kind sent %d and %d requests, want at most %d each", n, m.stage, m.prog, want)
	}
}

// cpuModel names the machine's processor (Linux), for the report's header.
func cpuModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown processor"
}

func terraformVersion(t *testing.T) string {
	ws := acctest.NewWorkspace(t, "../..", provider.RegistryAddress)
	v, _, err := ws.TF.Version(t.Context(), true)
	if err != nil {
		return "Terraform ?"
	}
	return "Terraform " + v.String()
}
