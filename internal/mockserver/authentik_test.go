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
		`{}`:                             {"name": "This field is required."},
		`{"name": ""}`:                   {"name": "This field may not be blank."},
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

// Names: no length limit since 2025.12; 50 before.
func TestAuthentikNameLengthByVersion(t *testing.T) {
	long := `{"name": "` + strings.Repeat("a", 51) + `", "expires": "2099-01-01T00:00:00Z"}`
	_, ts := Start(t, Options{})
	if status, _, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, long); status != 201 {
		t.Errorf("2026.8, 51 characters: %d", status)
	}
	_, old := Start(t, Options{AuthentikVersion: "2025.10"})
	status, body, _ := call(t, old, "POST", akPath, AuthentikAdminToken, long)
	if msgs, _ := body["name"].([]any); status != 400 || len(msgs) != 1 || msgs[0] != "Ensure this field has no more than 50 characters." {
		t.Errorf("2025.10, 51 characters: %d %v", status, body)
	}
}

// 2024.2 and older: an omitted expires is now + 30 minutes, a null one is
// refused; newer servers store null (and the cleanup job deletes it).
func TestAuthentikExpiresDefaultByVersion(t *testing.T) {
	_, ts := Start(t, Options{AuthentikVersion: "2024.2"})
	status, inv, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"x"}`)
	exp, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(inv["expires"]))
	if status != 201 || exp.Before(time.Now().Add(29*time.Minute)) || exp.After(time.Now().Add(31*time.Minute)) {
		t.Errorf("omitted expires on 2024.2: %d %v", status, inv["expires"])
	}
	status, body, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"x","expires":null}`)
	if msgs, _ := body["expires"].([]any); status != 400 || len(msgs) != 1 || msgs[0] != "This field may not be null." {
		t.Errorf("null expires on 2024.2: %d %v", status, body)
	}
	_, ts = Start(t, Options{})
	if status, inv, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"x"}`); status != 201 || inv["expires"] != nil {
		t.Errorf("omitted expires on 2026.8: %d %v", status, inv["expires"])
	}
}

// Lists: page_size capped at 100 (none before 2025.12), 20 by default;
// ties under the ordering come back in an order that changes from request
// to request, unless the ordering has a unique key.
func TestAuthentikListPagingAndTies(t *testing.T) {
	srv, ts := Start(t, Options{})
	srv.SeedAuthentik(150, "p")
	pageLen := func(ts *httptest.Server, q string) int {
		_, body, _ := call(t, ts, "GET", akPath+q, AuthentikAdminToken, "")
		return len(body["results"].([]any))
	}
	if n := pageLen(ts, ""); n != 20 {
		t.Errorf("default page: %d", n)
	}
	if n := pageLen(ts, "?page_size=1000"); n != 100 {
		t.Errorf("page_size=1000: %d, want the cap of 100", n)
	}
	old, ots := Start(t, Options{AuthentikVersion: "2025.10"})
	old.SeedAuthentik(150, "p")
	if n := pageLen(ots, "?page_size=1000"); n != 150 {
		t.Errorf("2025.10 page_size=1000: %d, want no cap", n)
	}
	order := func(q string) string {
		_, body, _ := call(t, ts, "GET", akPath+q, AuthentikAdminToken, "")
		var names []string
		for _, r := range body["results"].([]any) {
			names = append(names, r.(map[string]any)["pk"].(string))
		}
		return strings.Join(names, ",")
	}
	// 120 of the 150 share one expires: they tie under -expires.
	changed := false
	first := order("?page_size=100")
	for range 5 {
		changed = changed || order("?page_size=100") != first
	}
	if !changed {
		t.Error("ties under the default ordering came back in the same order every time")
	}
	unique := order("?page_size=100&ordering=-expires,pk")
	for range 5 {
		if order("?page_size=100&ordering=-expires,pk") != unique {
			t.Fatal("an ordering with a unique key changed between requests")
		}
	}
	call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"no-expires"}`)
	_, body, _ := call(t, ts, "GET", akPath+"?page_size=100", AuthentikAdminToken, "")
	if res := body["results"].([]any); res[0].(map[string]any)["expires"] != nil {
		t.Error("-expires does not put nulls first")
	}
	_, body, _ = call(t, ts, "GET", akPath+"?page_size=100&ordering=-name", AuthentikAdminToken, "")
	if res := body["results"].([]any); res[0].(map[string]any)["name"] != "p-99" {
		t.Errorf("ordering=-name: first %v", res[0].(map[string]any)["name"])
	}
}

// The cleanup job deletes expired invitations and those without expires;
// until it runs, expired ones are listed and retrieved.
func TestAuthentikCleanup(t *testing.T) {
	clock := &mockClock{}
	srv, ts := Start(t, Options{Now: clock.now})
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	far := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	_, a, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, fmt.Sprintf(`{"name":"soon","expires":%q}`, exp))
	call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"never"}`)
	call(t, ts, "POST", akPath, AuthentikAdminToken, fmt.Sprintf(`{"name":"later","expires":%q}`, far))
	clock.offset.Add(int64(2 * time.Hour))
	if status, _, _ := call(t, ts, "GET", akPath+a["pk"].(string)+"/", AuthentikAdminToken, ""); status != 200 {
		t.Errorf("expired invitation before the cleanup: %d", status)
	}
	if _, body, _ := call(t, ts, "GET", akPath, AuthentikAdminToken, ""); len(body["results"].([]any)) != 3 {
		t.Errorf("listed before the cleanup: %v", body["results"])
	}
	if status, _, _ := call(t, ts, "POST", "/_mock/authentik/cleanup", "", ""); status != 204 {
		t.Fatalf("cleanup: %d", status)
	}
	if left := srv.AuthentikInvitations(); len(left) != 1 || left[0].Name != "later" {
		t.Fatalf("left after the cleanup: %+v", left)
	}
	status, body, _ := call(t, ts, "GET", akPath+a["pk"].(string)+"/", AuthentikAdminToken, "")
	if status != 404 || body["detail"] != "No Invitation matches the given query." {
		t.Errorf("after the cleanup: %d %v", status, body)
	}
	// On an interval too.
	srv2, ts2 := Start(t, Options{AuthentikCleanupInterval: 20 * time.Millisecond})
	call(t, ts2, "POST", akPath, AuthentikAdminToken, `{"name":"never"}`)
	deadline := time.Now().Add(5 * time.Second)
	for len(srv2.AuthentikInvitations()) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(srv2.AuthentikInvitations()); n != 0 {
		t.Errorf("the interval cleanup left %d", n)
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
	// PUT leaves what it omits as it is.
	status, inv, _ = call(t, ts, "PUT", akPath+pk+"/", AuthentikAdminToken, `{"name": "c-2"}`)
	if status != 200 || inv["name"] != "c-2" || inv["single_use"] != true || inv["expires"] != "2099-01-31T23:59:59.250000Z" || fmt.Sprint(inv["fixed_data"]) != "map[a:1]" {
		t.Fatalf("put: %d %v", status, inv)
	}
	if status, _, _ := call(t, ts, "DELETE", akPath+pk+"/", AuthentikAdminToken, ""); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, body, _ := call(t, ts, "GET", akPath+pk+"/", AuthentikAdminToken, ""); status != 404 || body["detail"] != "No Invitation matches the given query." {
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
	_, b, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"once","single_use":true,"expires":"2099-01-01T00:00:00Z"}`)
	_, c, _ := call(t, ts, "POST", akPath, AuthentikAdminToken, `{"name":"many","expires":"2099-01-01T00:00:00Z"}`)
	clock.offset.Add(int64(2 * time.Hour))
	srv.CleanupAuthentik()
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
	_, inv, _ := call(t, ts, "POST", authentikPrefix, AuthentikAdminToken,
		`{"name":"mailed","single_use":true,"expires":"2099-01-01T00:00:00Z","flow":"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"}`)
	_, noFlow, _ := call(t, ts, "POST", authentikPrefix, AuthentikAdminToken, `{"name":"flowless","expires":"2099-01-01T00:00:00Z"}`)
	path := authentikPrefix + inv["pk"].(string) + "/send_email/"
	for body, want := range map[string]string{
		`{}`:                     `map[error:No email addresses provided]`,
		`{"email_addresses":[]}`: `map[error:No email addresses provided]`,
	} {
		status, out, _ := call(t, ts, "POST", path, AuthentikAdminToken, body)
		if status != 400 || fmt.Sprint(out) != want {
			t.Errorf("%s: %d %v", body, status, out)
		}
	}
	if status, out, _ := call(t, ts, "POST", authentikPrefix+noFlow["pk"].(string)+"/send_email/", AuthentikAdminToken, `{"email_addresses":["a@x.io"]}`); status != 400 || fmt.Sprint(out) != `map[error:Invitation has no associated flow]` {
		t.Errorf("no flow: %d %v", status, out)
	}
	// The serializer's default names no template: a 500.
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["a@x.io"],"template":"invitation"}`); status != 500 {
		t.Errorf("template invitation: %d", status)
	}
	// No address is validated: the view reads the raw body.
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["nope"],"template":"email/setup.html"}`); status != 204 {
		t.Errorf("unvalidated address: %d", status)
	}
	_, oldTS := Start(t, Options{AuthentikVersion: "2026.2"})
	_, old, _ := call(t, oldTS, "POST", authentikPrefix, AuthentikAdminToken, `{"name":"x","expires":"2099-01-01T00:00:00Z","flow":"0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"}`)
	if status, _, _ := call(t, oldTS, "POST", authentikPrefix+old["pk"].(string)+"/send_email/", AuthentikAdminToken, `{"email_addresses":["a@x.io"]}`); status != 404 {
		t.Errorf("send_email on 2026.2: %d", status)
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikReadOnlyToken, `{"email_addresses":["a@x.io"]}`); status != 403 {
		t.Errorf("read-only token: %d", status)
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["ada@example.com"],"cc_addresses":["hr@example.com"]}`); status != 204 {
		t.Fatalf("send: %d", status)
	}
	sent := srv.SentEmails()
	if len(sent) != 2 || sent[1].To[0] != "ada@example.com" || sent[1].CC[0] != "hr@example.com" || sent[1].Template != "email/invitation.html" || sent[1].Name != "mailed" {
		t.Fatalf("sent %+v", sent)
	}
	// Used (single-use: deleted) or unknown: 404.
	if err := srv.UseAuthentikInvitation(inv["pk"].(string)); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := call(t, ts, "POST", path, AuthentikAdminToken, `{"email_addresses":["ada@example.com"]}`); status != 404 {
		t.Errorf("used invitation: %d", status)
	}
	if len(srv.SentEmails()) != 2 {
		t.Error("an email was counted for a refused request")
	}
}

// An expired invitation cannot be used: from 2026.5 it waits for the
// cleanup job; on 2026.2 and older, opening its link deletes it at once.
func TestAuthentikExpiredLinkByVersion(t *testing.T) {
	for version, kept := range map[string]bool{"2026.2": false, "2026.5": true, DefaultAuthentikVersion: true} {
		now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		srv, _ := Start(t, Options{AuthentikVersion: version, Now: func() time.Time { return now }})
		expires := now.Add(time.Hour)
		pk := srv.AddAuthentikInvitation("soon", &expires)
		now = now.Add(2 * time.Hour)
		if err := srv.UseAuthentikInvitation(pk); err == nil {
			t.Errorf("%s: an expired invitation was used", version)
		}
		if _, found := srv.AuthentikInvitation(pk); found != kept {
			t.Errorf("%s: after opening the expired link the invitation is there: %v, want %v", version, found, kept)
		}
	}
}
