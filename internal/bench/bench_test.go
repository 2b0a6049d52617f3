// Package bench is make bench: real Terraform, the bundled mock with a
// chosen latency, and for each size the provider next to the same work
// done by terraform_data and by the framework floor (the provider's own
// schemas served by resources that call no API). It prints wall time,
// requests, the plugin's CPU time and peak memory, and the ratios. make
// test runs a short form, to check that it works; no timing is asserted.
package bench

import (
	"fmt"
	"os"
	"path/filepath"
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
// short form.
type settings struct {
	sizes   []int
	latency time.Duration
	list    int
}

func readSettings(t *testing.T) settings {
	s := settings{sizes: []int{5}, list: 100}
	if v := os.Getenv("BENCH_N"); v != "" {
		s.sizes = nil
		for _, f := range strings.Fields(v) {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				t.Fatalf("BENCH_N=%q", v)
			}
			s.sizes = append(s.sizes, n)
		}
	}
	if v := os.Getenv("BENCH_LATENCY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("BENCH_LATENCY=%q", v)
		}
		s.latency = d
	}
	if v := os.Getenv("BENCH_LIST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BENCH_LIST=%q", v)
		}
		s.list = n
	}
	return s
}

// measurement is one Terraform command.
type measurement struct {
	wall          time.Duration
	stage, prog   int // requests to each API
	cpuMS, rssKiB int // the plugin's, summed over its processes; the peak
}

type subject struct {
	name string
	ws   *acctest.Workspace
	srv  *mockserver.Server
	// rusage is the file the plugin reports to; empty for terraform_data.
	rusage string
}

func newSubject(t *testing.T, name, pkg string, latency time.Duration, config string, extraEnv ...string) *subject {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	srv.SetLatency(latency)
	dir := t.TempDir()
	s := &subject{name: name, srv: srv}
	env := []string{"AUTHENTIK_URL=" + ts.URL, "AUTHENTIK_TOKEN=" + mockserver.AuthentikAdminToken,
		"IBLAI_URL=" + ts.URL, "IBLAI_API_KEY=" + mockserver.IBLAdminKey}
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
	m := measurement{wall: time.Since(start), stage: s.srv.Count("", "/api/v3/"), prog: s.srv.Count("", "/api/catalog/")}
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
resource "invitations_program_invitation" "bench" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "bench-${count.index}@example.com"
  metadata    = jsonencode({ n = count.index })
}
`, provider.RegistryAddress, n, n)
}

func terraformDataConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  count = %d
  input = { name = "bench-${count.index}", n = count.index }
}
`, 2*n)
}

func TestBench(t *testing.T) {
	acctest.RequireAcc(t)
	s := readSettings(t)
	var report strings.Builder
	fmt.Fprintf(&report, "make bench: mock latency %v a request, parallelism 10, %s\n", s.latency, terraformVersion(t))
	fmt.Fprintf(&report, "%-6s %-13s %-15s %9s %7s %7s %9s %9s %13s %12s\n",
		"N", "operation", "subject", "wall", "authn", "ibl", "cpu(ms)", "rss(MiB)", "cpu/invitation", "ratio")
	for _, n := range s.sizes {
		subjects := []*subject{
			newSubject(t, "invitations", "./internal/bench/provider", s.latency, invitationsConfig(n)),
			newSubject(t, "framework floor", "./internal/bench/floor", s.latency, invitationsConfig(n)),
			newSubject(t, "terraform_data", "", s.latency, terraformDataConfig(n)),
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
				ms[i] = sub.measure(t, op.name, func() error { return op.run(sub) })
			}
			for i, sub := range subjects {
				m := ms[i]
				cpu, rss, per, ratio := "-", "-", "-", ""
				if sub.rusage != "" {
					cpu, rss = strconv.Itoa(m.cpuMS), fmt.Sprintf("%.0f", float64(m.rssKiB)/1024)
					per = fmt.Sprintf("%.2f ms", float64(m.cpuMS)/float64(2*n))
				}
				switch sub.name {
				case "invitations": // plugin CPU next to the floor's; wall time next to terraform_data's
					ratio = fmt.Sprintf("cpu %.2fx", float64(m.cpuMS)/float64(max(ms[1].cpuMS, 1)))
				case "terraform_data":
					ratio = fmt.Sprintf("wall %.2fx", ms[0].wall.Seconds()/max(m.wall.Seconds(), 0.001))
				}
				fmt.Fprintf(&report, "%-6d %-13s %-15s %8.2fs %7d %7d %9s %9s %13s %12s\n",
					n, op.name, sub.name, m.wall.Seconds(), m.stage, m.prog, cpu, rss, per, ratio)
			}
			if op.name == "no-op plan" {
				checkPlanRequests(t, n, ms[0])
			}
		}
	}
	listing(t, s, &report)
	fmt.Print(report.String())
}

// checkPlanRequests holds the batched refresh to its budget: the first
// read of each scope on its own, then its listing (1,000 invitations a page
// on authentik, 100 on ibl.ai).
func checkPlanRequests(t *testing.T, n int, m measurement) {
	t.Helper()
	wantStage, wantProgram := 1+(n+999)/1000, 1+(n+99)/100
	if n == 1 {
		wantStage, wantProgram = 1, 1
	}
	if m.stage > wantStage || m.prog > wantProgram {
		t.Errorf("a no-op plan of %d invitations of each kind sent %d and %d requests, want at most %d and %d", n, m.stage, m.prog, wantStage, wantProgram)
	}
}

func terraformVersion(t *testing.T) string {
	ws := acctest.NewWorkspace(t, "../..", provider.RegistryAddress)
	v, _, err := ws.TF.Version(t.Context(), true)
	if err != nil {
		return "Terraform ?"
	}
	return "Terraform " + v.String()
}
