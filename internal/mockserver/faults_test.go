package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNullsRefusedAsTheSchemasSay(t *testing.T) {
	srv, ts := Start(t, Options{})
	// No field of ProgramInvitationCreate is nullable.
	for _, field := range []string{"source", "redirect_to", "expired", "metadata", "enrollment_config", "active", "username"} {
		status, body := iblCall(t, ts, "POST", iblProgramPath, admin, fmt.Sprintf(`{"program_key":"acme+data-science","email":"ada@example.com",%q:null}`, field))
		if status != 400 || fmt.Sprint(body[field]) != "[This field may not be null.]" {
			t.Errorf("ibl %s null: %d %v", field, status, body)
		}
	}
	if n := len(srv.IBLOf(IBLKindProgram).Invitations()); n != 0 {
		t.Fatalf("a refused POST stored %d rows", n)
	}
	// authentik's expires and flow are nullable; name, fixed_data and single_use are not.
	for _, field := range []string{"name", "fixed_data", "single_use"} {
		body := fmt.Sprintf(`{"name":"x",%q:null}`, field)
		if field == "name" {
			body = `{"name":null}`
		}
		status, out, _ := call(t, ts, "POST", authentikPrefix, AuthentikAdminToken, body)
		if status != 400 || fmt.Sprint(out[field]) != "[This field may not be null.]" {
			t.Errorf("authentik %s null: %d %v", field, status, out)
		}
	}
	if status, _, _ := call(t, ts, "POST", authentikPrefix, AuthentikAdminToken, `{"name":"x","expires":null,"flow":null}`); status != 201 {
		t.Errorf("nullable expires and flow refused: %d", status)
	}
}

func TestChaosRepeatsWhateverTheOrder(t *testing.T) {
	// The same requests, in two different orders, meet the same faults.
	run := func(order []int) map[int]int {
		srv, ts := Start(t, Options{})
		srv.SetChaos(&Chaos{Seed: 7, Status5xx: 0.3, TooMany: 0.1, RetryAfter: "0"})
		got := map[int]int{}
		for _, i := range order {
			status, _ := iblCall(t, ts, "GET", fmt.Sprintf("%s?email=user%d@example.com", iblProgramPath, i), admin, "")
			got[i] = status
		}
		return got
	}
	order := make([]int, 200)
	reversed := make([]int, 200)
	for i := range order {
		order[i], reversed[len(order)-1-i] = i, i
	}
	a, b := run(order), run(reversed)
	failed := 0
	for i := range order {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d one way, %d the other", i, a[i], b[i])
		}
		if a[i] != 200 {
			failed++
		}
	}
	if failed < 40 || failed > 120 { // 40 % expected
		t.Fatalf("%d of 200 failed at a 40 %% rate", failed)
	}
}

func TestChaosCommitThenFailOnlyOnWrites(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.SetChaos(&Chaos{Seed: 3, CommitThenFail: 1})
	for i := range 10 {
		// A dropped connection or a 5xx: never a success.
		req, _ := http.NewRequest("POST", ts.URL+iblProgramPath, strings.NewReader(fmt.Sprintf(`{"program_key":"acme+data-science","email":"u%d@example.com"}`, i)))
		req.Header.Set("Authorization", admin)
		if resp, err := ts.Client().Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode < 500 {
				t.Fatalf("POST %d answered %d", i, resp.StatusCode)
			}
		}
	}
	if n := len(srv.IBLOf(IBLKindProgram).Invitations()); n != 10 {
		t.Fatalf("%d of 10 failed POSTs took effect", n)
	}
	if status, _ := iblCall(t, ts, "GET", iblProgramPath, admin, ""); status != 200 {
		t.Fatalf("a read failed: %d", status)
	}
}

func TestHoldWritesUntilTheClientGoesAway(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.HoldWrites(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+iblProgramPath, strings.NewReader(`{"program_key":"acme+data-science","email":"ada@example.com"}`))
		req.Header.Set("Authorization", admin)
		_, err := ts.Client().Do(req)
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for srv.Held() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Held() != 1 || len(srv.IBLOf(IBLKindProgram).Invitations()) != 1 {
		t.Fatalf("held %d, stored %d: want the POST committed and its answer held", srv.Held(), len(srv.IBLOf(IBLKindProgram).Invitations()))
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the held request was answered")
	}
	for srv.Held() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Held() != 0 {
		t.Fatal("still holding after the client left")
	}
	// Reads are never held.
	if status, _ := iblCall(t, ts, "GET", iblProgramPath, admin, ""); status != 200 {
		t.Fatalf("GET while holding writes: %d", status)
	}
}

func TestRedirectFault(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.Script(Fault{Method: "GET", Status: 307, Location: "http://elsewhere.invalid/x"})
	client := *ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest("GET", ts.URL+iblProgramPath, nil)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 307 || resp.Header.Get("Location") != "http://elsewhere.invalid/x" {
		t.Fatalf("got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
