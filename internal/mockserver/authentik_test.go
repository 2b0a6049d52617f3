package mockserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type mockClock struct{ offset atomic.Int64 }

func (c *mockClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func call(t *testing.T, ts *httptest.Server, method, path, token, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, resp.Header
}

const akPath = "/api/v3/stages/invitation/invitations/"

func TestAuthentikAuthIs403(t *testing.T) {
	_, ts := Start(t, Options{})
	for _, tc := range []struct{ method, token, detail string }{
		{"GET", "", "Authentication credentials were not provided."},
		{"GET", "wrong", "Token invalid/expired"},
		{"POST", AuthentikReadOnlyToken, "You do not have permission to perform this action."},
	} {
		status, body, _ := call(t, ts, tc.method, akPath, tc.token, `{"name":"x"}`)
		if status != 403 || body["detail"] != tc.detail {
			t.Errorf("%s with token %q: %d %v", tc.method, tc.token, status, body)
		}
	}
	if status, _, _ := call(t, ts, "GET", akPath, AuthentikReadOnlyToken, ""); status != 200 {
		t.Errorf("read-only GET: %d", status)
	}
}

func TestAuthentikValidation(t *testing.T) {
	_, ts := Start(t, Options{})
	for body, want := range map[string]map[string]string{
		`{}`:           {"name": "This field is required."},
		`{"name": ""}`: {"name": "This field may not be blank."},
		`{"name": "` + strings.Repeat("a", 51) + `"}`: {"name": "Ensure this field has no more than 50 characters."},
		`{"name": "a b"}`:                {"name": "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."},
		`{"name": "ok", "flow": "nope"}`: {"flow": "“nope” is not a valid UUID."},
		`{"name": "ok", "flow": "11111111-2222-3333-4444-555555555555"}`: {"flow": `Invalid pk "11111111-2222-3333-4444-555555555555" - object does not exist.`},
		`{"name": "ok", "fixed_data": [1]}`:                              {"fixed_data": `Expected a dictionary of items but got type "list".`},
		`{"name": "ok", "expires": "soon"}`:                              {"expires": "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."},
		`{"name": "ok", "single_use": "yes"}`:                            {"single_use": "Must be a valid boolean."},
	} {
		status, got, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, body)
		if status != 400 {
			t.Errorf("%s: status %d", body, status)
			continue
		}
		for field, msg := range want {
			msgs, _ := got[field].([]any)
			if len(msgs) != 1 || msgs[0] != msg {
				t.Errorf("%s: %s = %v, want %q", body, field, got[field], msg)
			}
		}
	}
}

func TestAuthentikCreateRenderUpdateDelete(t *testing.T) {
	srv, ts := Start(t, Options{})
	status, inv, _ := call(t, ts, "POST", akPath, AuthentikAdminToken,
		`{"name":"c-1","expires":"2099-01-31T23:59:59+02:00","fixed_data":{"a":1},"single_use":true,"flow":"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, inv)
	}
	if inv["expires"] != "2099-01-31T21:59:59Z" {
		t.Errorf("expires rendered %v, want UTC with Z and no fraction", inv["expires"])
	}
	if cb := inv["created_by"].(map[string]any); cb["username"] != "akadmin" {
		t.Errorf("created_by %v", cb)
	}
	if fo := inv["flow_obj"].(map[string]any); fo["slug"] != "default-enrollment-flow" {
		t.Errorf("flow_obj %v", fo)
	}
	pk := inv["pk"].(string)

	status, inv, _ = call(t, ts, "PATCH", akPath+pk+"/", AuthentikAdminToken, `{"flow": null, "expires": "2099-01-31T23:59:59.250Z"}`)
	if status != 200 || inv["flow_obj"] != nil || inv["flow"] != nil || inv["name"] != "c-1" || inv["expires"] != "2099-01-31T23:59:59.250000Z" {
		t.Fatalf("patch: %d %v", status, inv)
	}
	// PUT replaces: what it leaves out falls back to defaults.
	status, inv, _ = call(t, ts, "PUT", akPath+pk+"/", AuthentikAdminToken, `{"name": "c-2"}`)
	if status != 200 || inv["single_use"] != false || inv["expires"] != nil {
		t.Fatalf("put: %d %v", status, inv)
	}
	if status, _, _ := call(t, ts, "DELETE", akPath+pk+"/", AuthentikAdminToken, ""); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, body, _ := call(t, ts, "GET", akPath+pk+"/", AuthentikAdminToken, ""); status != 404 || body["detail"] != "Not found." {
		t.Fatalf("get after delete: %d %v", status, body)
	}
	if n := srv.Count("DELETE", akPath); n != 1 {
		t.Fatalf("DELETE count %d", n)
	}
}

func TestAuthentikPaginationAndFilters(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.SeedAuthentik(45, "bulk")
	status, body, _ := call(t, ts, "GET", akPath+"?page_size=20", AuthentikAdminToken, "")
	p := body["pagination"].(map[string]any)
	if status != 200 || p["count"] != 45.0 || p["next"] != 2.0 || p["previous"] != 0.0 || p["total_pages"] != 3.0 || len(body["results"].([]any)) != 20 {
		t.Fatalf("page 1: %d %v", status, p)
	}
	_, body, _ = call(t, ts, "GET", akPath+"?page_size=20&page=3", AuthentikAdminToken, "")
	p = body["pagination"].(map[string]any)
	if p["next"] != 0.0 || p["previous"] != 2.0 || len(body["results"].([]any)) != 5 || p["start_index"] != 41.0 || p["end_index"] != 45.0 {
		t.Fatalf("page 3: %v", p)
	}
	if status, _, _ := call(t, ts, "GET", akPath+"?page_size=20&page=4", AuthentikAdminToken, ""); status != 404 {
		t.Fatalf("page past the end: %d", status)
	}
	_, body, _ = call(t, ts, "GET", akPath+"?name=bulk-7", AuthentikAdminToken, "")
	if res := body["results"].([]any); len(res) != 1 || res[0].(map[string]any)["name"] != "bulk-7" {
		t.Fatalf("name filter: %v", res)
	}
	_, body, _ = call(t, ts, "GET", akPath+"?search=BULK-1&ordering=name&page_size=100", AuthentikAdminToken, "")
	res := body["results"].([]any)
	if len(res) != 11 || res[0].(map[string]any)["name"] != "bulk-1" || res[1].(map[string]any)["name"] != "bulk-10" {
		t.Fatalf("search and ordering: %d results, first %v", len(res), res[0])
	}
	_, body, _ = call(t, ts, "GET", akPath+"?flow__slug=contractor-enrollment&page_size=100", AuthentikAdminToken, "")
	for _, r := range body["results"].([]any) {
		if r.(map[string]any)["flow_obj"].(map[string]any)["slug"] != "contractor-enrollment" {
			t.Fatalf("flow__slug filter let through %v", r)
		}
	}
	if len(body["results"].([]any)) == 0 {
		t.Fatal("flow__slug filter found nothing")
	}
}

func TestAuthentikExpiryAndUse(t *testing.T) {
	clock := &mockClock{}
	srv, ts := Start(t, Options{Now: clock.now})
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	_, a, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, fmt.Sprintf(`{"name":"soon","expires":%q}`, exp))
	_, b, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"once","single_use":true}`)
	_, c, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"many"}`)
	clock.offset.Add(int64(2 * time.Hour))
	if status, _, _ := call(t, ts, "GET", akPath+a["pk"].(string)+"/", AuthentikAdminToken, ""); status != 404 {
		t.Errorf("expired invitation: %d", status)
	}
	if err := srv.UseAuthentikInvitation(b["pk"].(string)); err != nil {
		t.Fatal(err)
	}
	if err := srv.UseAuthentikInvitation(c["pk"].(string)); err != nil {
		t.Fatal(err)
	}
	left := srv.AuthentikInvitations()
	if len(left) != 1 || left[0].Name != "many" {
		t.Fatalf("left: %+v", left)
	}
}

func TestFaults(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.Script(Fault{Method: "POST", Status: 429, RetryAfter: "3"}, Fault{Method: "POST", Status: 502, CommitThenFail: true})
	status, _, h := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"a"}`)
	if status != 429 || h.Get("Retry-After") != "3" || len(srv.AuthentikInvitations()) != 0 {
		t.Fatalf("429 fault: %d %v", status, h)
	}
	status, _, _ = call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"a"}`)
	if status != 502 || len(srv.AuthentikInvitations()) != 1 {
		t.Fatalf("commit-then-fail: %d, %d stored", status, len(srv.AuthentikInvitations()))
	}
	if srv.PendingFaults() != 0 {
		t.Fatal("faults left")
	}
	// A POST, which Go's transport never replays on its own.
	srv.Script(Fault{Drop: true})
	req, _ := http.NewRequest("POST", ts.URL+akPath, strings.NewReader(`{"name":"b"}`))
	if _, err := ts.Client().Do(req); err == nil {
		t.Fatal("dropped connection answered")
	}
	srv.SetRandom5xx(0.5, "/api/", 42)
	fails := 0
	for range 200 {
		if status, _, _ := call(t, ts, "GET", akPath, AuthentikAdminToken, ""); status >= 500 {
			fails++
		}
	}
	if fails < 60 || fails > 140 {
		t.Fatalf("random 5xx at 50%%: %d of 200 failed", fails)
	}
	routes := srv.CountsByRoute()
	if routes["POST "+akPath] != 3 || routes["GET "+akPath] != 200 {
		t.Fatalf("counts by route: %v", routes)
	}
}

func TestAuthentikSendEmail(t *testing.T) {
	srv, ts := Start(t, Options{})
	_, inv, _ := call(t, ts, "POST", authentikPrefix, AuthentikAdminToken, `{"name":"mailed","single_use":true}`)
	path := authentikPrefix + inv["pk"].(string) + "/send_email/"
	for body, want := range map[string]string{
		`{}`:                                    `map[email_addresses:[This field is required.]]`,
		`{"email_addresses":[]}`:                `map[email_addresses:[This list may not be empty.]]`,
		`{"email_addresses":["a@x.io","nope"]}`: `map[email_addresses:map[1:[Enter a valid email address.]]]`,
		`{"email_addresses":["a@x.io"],"template":""}`: `map[template:[This field may not be blank.]]`,
	} {
		status, out, _ := call(t, ts, "POST", path, AuthentikAdminToken, body)
		if status != 400 || fmt.Sprint(out) != want {
			t.Errorf("%s: %d %v", body, status, out)
		}
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikReadOnlyToken, `{"email_addresses":["a@x.io"]}`); status != 403 {
		t.Errorf("read-only token: %d", status)
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["ada@example.com"],"cc_addresses":["hr@example.com"]}`); status != 204 {
		t.Fatalf("send: %d", status)
	}
	sent := srv.SentEmails()
	if len(sent) != 1 || sent[0].To[0] != "ada@example.com" || sent[0].CC[0] != "hr@example.com" || sent[0].Template != "invitation" || sent[0].Name != "mailed" {
		t.Fatalf("sent %+v", sent)
	}
	// Used (single-use: deleted) or unknown: 404.
	if err := srv.UseAuthentikInvitation(inv["pk"].(string)); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["ada@example.com"]}`); status != 404 {
		t.Errorf("used invitation: %d", status)
	}
	if len(srv.SentEmails()) != 1 {
		t.Error("an email was counted for a refused request")
	}
}
