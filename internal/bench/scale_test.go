package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
)

// scale is target 4: a state of many stage invitations (a large
// enrolment), seeded on the mock and read into a state once (the setup,
// not measured), then in each run a no-op plan next to the framework floor
// holding the same state, and terraform query -generate-config-out of them
// all.
type scale struct {
	n            int
	prov, floor  *subject
	query        *subject
	queryCLI     string // a Terraform with terraform query, or "" to skip it
	setupSeconds float64
}

// enrolmentConfig is the configuration of the seeded invitations, one
// resource instance each, from enrolment.json (written by newScale). By
// count: Terraform 1.11 plans 2,000 instances of a for_each twice as slowly.
func enrolmentConfig() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    invitations = { source = %q }
  }
}
provider "invitations" {}
locals {
  enrolment = jsondecode(file("${path.module}/enrolment.json"))
}
resource "invitations_stage_invitation" "enrolment" {
  count      = length(local.enrolment)
  name       = local.enrolment[count.index].name
  flow       = local.enrolment[count.index].flow
  expires    = local.enrolment[count.index].expires
  single_use = local.enrolment[count.index].single_use
  fixed_data = jsonencode(local.enrolment[count.index].fixed_data)
}
`, provider.RegistryAddress)
}

// enrolmentState is a Terraform state holding each invitation's id and
// name alone: the setup's refresh has the provider read the rest from the
// mock, as an import's read does (an import through Terraform costs
// Terraform minutes of CPU for 10,000).
func enrolmentState(ids []string, names []string) any {
	type instance struct {
		IndexKey      int               `json:"index_key"`
		SchemaVersion int               `json:"schema_version"`
		Attributes    map[string]string `json:"attributes"`
	}
	instances := make([]instance, len(ids))
	for i := range ids {
		instances[i] = instance{IndexKey: i, Attributes: map[string]string{"id": ids[i], "name": names[i]}}
	}
	return map[string]any{
		"version": 4, "serial": 1, "lineage": "2f6d1c0e-6b1a-4c1e-9a5e-0e3b7c8d9f10", "outputs": map[string]any{},
		"resources": []any{map[string]any{
			"mode": "managed", "type": "invitations_stage_invitation", "name": "enrolment",
			"provider":  fmt.Sprintf("provider[%q]", provider.RegistryAddress),
			"instances": instances,
		}},
	}
}

func newScale(t *testing.T, s settings) *scale {
	t.Helper()
	start := time.Now()
	sc := &scale{n: s.scale, queryCLI: queryTerraform(t)}
	sc.prov = newSubject(t, "invitations", "./internal/bench/provider", s.latency, enrolmentConfig())
	sc.prov.srv.SeedAuthentik(sc.n, "enrolment")
	type invitation struct {
		Name      string         `json:"name"`
		Flow      *string        `json:"flow"`
		Expires   string         `json:"expires"`
		SingleUse bool           `json:"single_use"`
		FixedData map[string]any `json:"fixed_data"`
	}
	seeded := sc.prov.srv.AuthentikInvitations()
	sort.Slice(seeded, func(i, j int) bool { return seeded[i].Name < seeded[j].Name })
	var enrolment []invitation
	var ids, names []string
	for _, inv := range seeded {
		enrolment = append(enrolment, invitation{Name: inv.Name, Flow: inv.Flow, Expires: inv.Expires.UTC().Format(time.RFC3339), SingleUse: inv.SingleUse, FixedData: inv.FixedData})
		ids, names = append(ids, inv.PK), append(names, inv.Name)
	}
	writeJSON(t, sc.prov, "enrolment.json", enrolment)
	writeJSON(t, sc.prov, "terraform.tfstate", enrolmentState(ids, names))
	if err := sc.prov.ws.TF.Apply(t.Context(), tfexec.Refresh(true), tfexec.RefreshOnly(true), tfexec.Parallelism(10)); err != nil {
		t.Fatalf("refreshing the enrolment's state: %v", err)
	}
	// The floor holds the same state and configuration; its reads keep it.
	sc.floor = newSubject(t, "framework floor", "./internal/bench/floor", s.latency, enrolmentConfig())
	for _, f := range []string{"enrolment.json", "terraform.tfstate"} {
		raw, err := os.ReadFile(filepath.Join(sc.prov.ws.Dir, f))
		if err != nil {
			t.Fatal(err)
		}
		sc.floor.ws.Write(f, string(raw))
	}
	if sc.queryCLI != "" {
		sc.query = newSubjectOn(t, "invitations", "./internal/bench/provider", sc.prov.srv, sc.prov.url, fmt.Sprintf(`terraform {
  required_providers {
    invitations = { source = %q }
  }
}
provider "invitations" {}
`, provider.RegistryAddress))
		sc.query.ws.Write("enrolment.tfquery.hcl", fmt.Sprintf(`list "invitations_stage_invitation" "enrolment" {
  provider = invitations
  limit    = %d
}
`, sc.n))
	}
	sc.setupSeconds = time.Since(start).Seconds()
	return sc
}

// run measures one run of the scale section and adds its figures.
func (sc *scale) run(t *testing.T, report *strings.Builder, figs *figures) {
	plan := func(s *subject) error {
		changes, err := s.ws.TF.Plan(t.Context(), tfexec.Parallelism(10))
		if err == nil && changes {
			err = fmt.Errorf("the plan is not empty")
		}
		return err
	}
	p := sc.prov.measure(t, "no-op plan", func() error { return plan(sc.prov) })
	f := sc.floor.measure(t, "no-op plan", func() error { return plan(sc.floor) })
	fmt.Fprintf(report, "scale: no-op plan of %d stage invitations in one state: %.2fs (floor %.2fs), %d requests, plugin cpu %d ms (floor %d ms), peak rss %.0f MiB (floor %.0f MiB)\n",
		sc.n, p.wall.Seconds(), f.wall.Seconds(), p.stage+p.prog, p.cpuMS, f.cpuMS, mib(p.rssKiB), mib(f.rssKiB))
	pages := (sc.n + 99) / 100
	figs.add(fmt.Sprintf("(4) no-op plan of %d stage: requests", sc.n), fmt.Sprintf("≤ %d (%d pages of 100 + 10)", pages+10, pages),
		"%.0f", float64(p.stage+p.prog), "", p.stage+p.prog <= pages+10)
	figs.add(fmt.Sprintf("(4) no-op plan of %d stage: plugin peak", sc.n), "< 100 MiB", "%.0f MiB", mib(p.rssKiB), "", mib(p.rssKiB) < 100)
	figs.ratio(fmt.Sprintf("(4) no-op plan of %d stage: wall vs floor", sc.n), p.wall.Seconds()/max(f.wall.Seconds(), 0.001), 1.3)

	if sc.query == nil {
		fmt.Fprintf(report, "scale: terraform query skipped: no Terraform 1.14 or later (BENCH_TERRAFORM_QUERY, or make tools builds bin/terraform-1.16.4)\n")
		return
	}
	_ = os.Remove(filepath.Join(sc.query.ws.Dir, "generated.tf"))
	q := sc.query.measure(t, "query", func() error {
		cmd := exec.CommandContext(t.Context(), sc.queryCLI, "query", "-no-color", "-generate-config-out=generated.tf")
		cmd.Dir = sc.query.ws.Dir
		cmd.Env = sc.query.env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v\n%s", err, tail(out))
		}
		return nil
	})
	generated, err := os.ReadFile(filepath.Join(sc.query.ws.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	imports := strings.Count(string(generated), "\nimport {") + map[bool]int{true: 1}[strings.HasPrefix(string(generated), "import {")]
	if imports != sc.n {
		t.Errorf("terraform query -generate-config-out wrote %d import blocks, want %d", imports, sc.n)
	}
	fmt.Fprintf(report, "scale: terraform query -generate-config-out of %d stage invitations (%s): %.2fs, %d requests, %d import blocks, plugin cpu %d ms, peak rss %.0f MiB\n",
		sc.n, cliVersion(sc.queryCLI), q.wall.Seconds(), q.stage+q.prog, imports, q.cpuMS, mib(q.rssKiB))
	figs.add(fmt.Sprintf("(4) query -generate-config-out of %d: plugin peak", sc.n), "< 150 MiB", "%.0f MiB", mib(q.rssKiB), "", mib(q.rssKiB) < 150)
}

func writeJSON(t *testing.T, s *subject, name string, v any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s.ws.Write(name, string(raw))
}

// queryTerraform is the CLI for terraform query: BENCH_TERRAFORM_QUERY,
// else the newest bin/terraform-1.x make tools built, when it is 1.14 or
// later; "" when there is none.
func queryTerraform(t *testing.T) string {
	if p := os.Getenv("BENCH_TERRAFORM_QUERY"); p != "" {
		return p
	}
	found, _ := filepath.Glob("../../bin/terraform-1.*")
	best := ""
	for _, p := range found {
		if m := regexp.MustCompile(`terraform-1\.(\d+)\.`).FindStringSubmatch(p); m != nil && len(m[1]) >= 2 && m[1] >= "14" {
			best = max(best, p)
		}
	}
	if best != "" {
		abs, err := filepath.Abs(best)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return ""
}

func cliVersion(path string) string {
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return "?"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

func tail(out []byte) string {
	s := string(out)
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

func mib(kib int) float64 { return float64(kib) / 1024 }
