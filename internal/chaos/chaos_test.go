// Package chaos is the fault suite: real Terraform applies and destroys
// many invitations of both kinds against the bundled mock while it fails
// requests at random, plays the servers' variants, or holds writes while
// the apply is interrupted as Ctrl-C would, and counts what a user would
// lose: duplicates, orphans, state entries missing on the server, active
// invitations left after destroy. make chaos runs it with 100 invitations
// of each kind; make test runs a shorter form.
package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
	"github.com/invitations-dev/terraform-provider-invitations/internal/provider"
)

// faults is the mix of every run but the interrupted one: 20 % random 5xx,
// 5 % 429 with Retry-After, 5 % dropped connections, and 5 % of writes
// committed and then failed (a 5xx or a dropped connection).
func faults(seed uint64) *mockserver.Chaos {
	return &mockserver.Chaos{Seed: seed, Status5xx: 0.20, TooMany: 0.05, RetryAfter: "1", Drop: 0.05, CommitThenFail: 0.05}
}

// maxApplies is how many applies (or destroys) a run may need.
const maxApplies = 3

// figures are what a run reports.
type figures struct {
	Duplicates, Orphans, MissingOnServer, ActiveAfterDestroy int
	Applies, Destroys                                        int
	Requests                                                 int
	Took                                                     time.Duration
}

func (f figures) row(name string) string {
	return fmt.Sprintf("%-22s %10d %8d %17d %20d %8d %9d %9d %7.1fs", name, f.Duplicates, f.Orphans, f.MissingOnServer,
		f.ActiveAfterDestroy, f.Applies, f.Destroys, f.Requests, f.Took.Seconds())
}

const header = "run                    duplicates  orphans  missing-on-server  active-after-destroy  applies  destroys  requests    time"

func size(t *testing.T) int {
	n := 20
	if v := os.Getenv("CHAOS_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("CHAOS_N=%q is not a positive number", v)
		}
	}
	return n
}

// config is n invitations of each kind.
func config(n int, iblExtra string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    invitations = { source = %q }
  }
}

provider "invitations" {
  ibl = {
    org = "acme"
    %s
  }
  # At a 30 %% failure rate the default 4 retries leave 0.24 %% of reads
  # failing, and one failed read during a plan's refresh fails the whole
  # apply or destroy: a user on such a network raises max_retries.
  max_retries    = 8
  retry_wait_min = "50ms"
  retry_wait_max = "1s"
}

resource "invitations_stage_invitation" "chaos" {
  count      = %d
  name       = "chaos-${count.index}"
  expires = "2099-01-01T00:00:00Z"
  single_use = true
  fixed_data = jsonencode({ n = count.index })
}

resource "invitations_program_invitation" "chaos" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "learner-${count.index}@example.com"
  source      = "chaos"
  metadata    = jsonencode({ n = count.index })
}
`, provider.RegistryAddress, iblExtra, n, n)
}

type run struct {
	t   *testing.T
	srv *mockserver.Server
	ws  *acctest.Workspace
	n   int
}

func newRun(t *testing.T, opts mockserver.Options, iblExtra string) *run {
	srv, ts := mockserver.Start(t, opts)
	ws := acctest.NewWorkspace(t, "../..", provider.RegistryAddress,
		"AUTHENTIK_URL="+ts.URL, "AUTHENTIK_TOKEN="+mockserver.AuthentikAdminToken,
		"IBLAI_URL="+ts.URL, "IBLAI_API_KEY="+mockserver.IBLAdminKey)
	n := size(t)
	ws.Write("main.tf", config(n, iblExtra))
	return &run{t: t, srv: srv, ws: ws, n: n}
}

// converge runs apply or destroy until it succeeds, at most maxApplies times.
func (r *run) converge(destroy bool) int {
	for i := 1; i <= maxApplies; i++ {
		var err error
		if destroy {
			err = r.ws.TF.Destroy(r.t.Context(), tfexec.Parallelism(10))
		} else {
			err = r.ws.TF.Apply(r.t.Context(), tfexec.Parallelism(10))
		}
		if err == nil {
			return i
		}
		r.t.Logf("terraform %s, try %d of %d, failed:\n%s", map[bool]string{false: "apply", true: "destroy"}[destroy], i, maxApplies, errorLines(err.Error()))
	}
	return maxApplies + 1
}

// stateIDs reads the ids in state, by kind.
func (r *run) stateIDs() (stage, program []string) {
	r.t.Helper()
	out, err := r.ws.TF.StatePull(r.t.Context())
	if err != nil {
		r.t.Fatalf("terraform state pull: %v", err)
	}
	if strings.TrimSpace(out) == "" {
		return nil, nil // no state yet
	}
	var st struct {
		Resources []struct {
			Type      string
			Instances []struct {
				Attributes map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		r.t.Fatalf("reading state: %v", err)
	}
	for _, res := range st.Resources {
		for _, inst := range res.Instances {
			id := fmt.Sprint(inst.Attributes["id"])
			switch res.Type {
			case "invitations_stage_invitation":
				stage = append(stage, id)
			case "invitations_program_invitation":
				program = append(program, id)
			}
		}
	}
	return stage, program
}

// compare counts duplicates, orphans and state entries missing on the
// server. The mock starts empty, so every invitation on it is the run's.
func (r *run) compare(f *figures) {
	stage, program := r.stateIDs()
	inState := map[string]bool{}
	for _, id := range stage {
		inState["s:"+id] = true
	}
	for _, id := range program {
		inState["p:"+id] = true
	}
	onServer := map[string]bool{}
	byIdentity := map[string]int{}
	for _, inv := range r.srv.AuthentikInvitations() {
		onServer["s:"+inv.PK] = true
		byIdentity["s:"+inv.Name]++
	}
	for _, inv := range r.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
		onServer["p:"+strconv.Itoa(inv.ID)] = true
		if inv.Active {
			byIdentity["p:"+strings.ToLower(inv.Email)]++
		}
	}
	for _, n := range byIdentity {
		f.Duplicates += n - 1
	}
	for k := range onServer {
		if !inState[k] {
			f.Orphans++
		}
	}
	for k := range inState {
		if !onServer[k] {
			f.MissingOnServer++
		}
	}
}

func (r *run) activeLeft() int {
	n := len(r.srv.AuthentikInvitations())
	for _, inv := range r.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
		if inv.Active {
			n++
		}
	}
	return n
}

// applyAndDestroy is one run under random faults.
func (r *run) applyAndDestroy(name string) figures {
	start := time.Now()
	var f figures
	f.Applies = r.converge(false)
	r.compare(&f)
	if got, want := len(r.srv.AuthentikInvitations()), r.n; got < want {
		r.t.Errorf("%s: %d stage invitations on the server, want %d", name, got, want)
	}
	f.Destroys = r.converge(true)
	f.ActiveAfterDestroy = r.activeLeft()
	if stage, program := r.stateIDs(); len(stage)+len(program) != 0 {
		r.t.Errorf("%s: %d resources left in state after destroy", name, len(stage)+len(program))
	}
	f.Requests = len(r.srv.Requests())
	f.Took = time.Since(start)
	return f
}

func TestMain(m *testing.M) {
	code := m.Run()
	acctest.Cleanup()
	os.Exit(code)
}

func TestChaos(t *testing.T) {
	acctest.RequireAcc(t)
	var mu sync.Mutex
	results := map[string]figures{}
	record := func(name string, f figures) {
		mu.Lock()
		defer mu.Unlock()
		results[name] = f
	}
	runs := []struct {
		name     string
		opts     mockserver.Options
		iblExtra string
	}{
		{"faults", mockserver.Options{}, ""},
		{"faults+always-create", mockserver.Options{IBL: mockserver.IBLOptions{AlwaysCreate: true, RealDelete: true}}, "upsert = false"},
		{"faults+real-delete", mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}}, ""},
	}
	for i, tc := range runs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, tc.opts, tc.iblExtra)
			r.srv.SetChaos(faults(uint64(i + 1)))
			f := r.applyAndDestroy(tc.name)
			record(tc.name, f)
			check(t, tc.name, f)
		})
	}
	t.Run("ctrl-c", func(t *testing.T) {
		t.Parallel()
		record("ctrl-c", interrupted(t))
	})
	t.Cleanup(func() {
		var b strings.Builder
		fmt.Fprintf(&b, "fault suite, %d invitations of each kind per run:\n%s\n", size(t), header)
		for _, name := range []string{"faults", "faults+always-create", "faults+real-delete", "ctrl-c"} {
			if f, ok := results[name]; ok {
				b.WriteString(f.row(name) + "\n")
			}
		}
		// Printed, not logged: the figures are the suite's report.
		fmt.Print(b.String())
	})
}

func check(t *testing.T, name string, f figures) {
	t.Helper()
	if f.Duplicates != 0 || f.Orphans != 0 || f.MissingOnServer != 0 || f.ActiveAfterDestroy != 0 {
		t.Errorf("%s: %d duplicates, %d orphans, %d missing on the server, %d active after destroy: want all 0",
			name, f.Duplicates, f.Orphans, f.MissingOnServer, f.ActiveAfterDestroy)
	}
	if f.Applies > maxApplies || f.Destroys > maxApplies {
		t.Errorf("%s: %d applies and %d destroys, want at most %d each", name, f.Applies, f.Destroys, maxApplies)
	}
}

// interrupted plays Ctrl-C during an apply whose creates are in flight: the
// mock commits every POST and holds its answer, Terraform is interrupted
// once all ten parallel slots wait, and every invitation on the server must
// then be in state.
func interrupted(t *testing.T) figures {
	r := newRun(t, mockserver.Options{}, "")
	start := time.Now()
	r.srv.HoldWrites(true)
	// Ctrl-C: terraform-exec interrupts Terraform (SIGINT) when the
	// context ends, once every parallel slot waits on a held create.
	ctx, interrupt := context.WithCancel(t.Context())
	held := make(chan int, 1)
	go func() {
		deadline := time.Now().Add(2 * time.Minute)
		for r.srv.Held() < min(10, 2*r.n) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		held <- r.srv.Held()
		interrupt()
	}()
	err := r.ws.TF.Apply(ctx, tfexec.Parallelism(10))
	r.srv.HoldWrites(false)
	if err == nil {
		t.Errorf("the interrupted apply succeeded")
	}
	inFlight := <-held
	var f figures
	r.compare(&f)
	stage, program := r.stateIDs()
	t.Logf("ctrl-c: %d creates held when interrupted; %d invitations on the server, %d in state",
		inFlight, len(r.srv.AuthentikInvitations())+len(r.srv.IBLOf(mockserver.IBLKindProgram).Invitations()), len(stage)+len(program))
	if inFlight == 0 {
		t.Errorf("no create was in flight when Terraform was interrupted")
	}
	if f.Orphans != 0 || f.MissingOnServer != 0 || f.Duplicates != 0 {
		t.Errorf("after Ctrl-C: %d orphans, %d missing on the server, %d duplicates\n%s", f.Orphans, f.MissingOnServer, f.Duplicates, errorLines(fmt.Sprint(err)))
	}
	// The next apply completes the rest, and destroy leaves nothing.
	rest := r.applyAndDestroy("ctrl-c")
	rest.Orphans += f.Orphans
	rest.MissingOnServer += f.MissingOnServer
	rest.Duplicates += f.Duplicates
	rest.Applies++ // the interrupted one
	rest.Took = time.Since(start)
	check(t, "ctrl-c", rest)
	return rest
}

// errorLines keeps each error's summary and message from Terraform's output.
func errorLines(out string) string {
	var keep []string
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "Error:") {
			keep = append(keep, strings.TrimSpace(l))
			// The message follows the "with"/"on" lines and a blank line.
			for j := i + 1; j < len(lines) && j < i+8; j++ {
				if t := strings.TrimSpace(lines[j]); t != "" && !strings.HasPrefix(t, "with ") && !strings.HasPrefix(t, "on ") && !strings.Contains(t, ": resource ") {
					keep = append(keep, "  "+t)
					break
				}
			}
		}
	}
	return strings.Join(keep, "\n")
}
