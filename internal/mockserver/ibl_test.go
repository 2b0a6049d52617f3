package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func iblCall(t *testing.T, ts *httptest.Server, method, path, auth, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

const admin = "Api-Token " + IBLAdminKey

func TestIBLAuth(t *testing.T) {
	_, ts := Start(t, Options{})
	for _, tc := range []struct {
		method, auth string
		want         int
	}{
		{"GET", "", 401}, {"GET", "Api-Key " + IBLAdminKey, 401}, {"GET", "Api-Token nope", 401},
		{"POST", "Api-Token " + IBLReadOnlyKey, 403}, {"DELETE", "Api-Token " + IBLReadOnlyKey, 403},
		{"GET", "Api-Token " + IBLReadOnlyKey, 200}, {"GET", admin, 200},
	} {
		if status, _ := iblCall(t, ts, tc.method, iblProgramPath, tc.auth, `{}`); status != tc.want {
			t.Errorf("%s with %q: %d, want %d", tc.method, tc.auth, status, tc.want)
		}
	}
	if status, _ := iblCall(t, ts, "GET", "/dm"+iblProgramPath, admin, ""); status != 200 {
		t.Errorf("behind the /dm prefix: %d", status)
	}
}

func TestIBLUpsertAndValidation(t *testing.T) {
	srv, ts := Start(t, Options{})
	status, a := iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com","metadata":{"x":1}}`)
	if status != 200 || a["user_id"] != 456.0 || a["username"] != "ada" || a["active"] != true || a["started"] != nil {
		t.Fatalf("create: %d %v", status, a)
	}
	status, b := iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ADA@example.com","active":false}`)
	if status != 200 || b["id"] != a["id"] || b["active"] != false || b["metadata"].(map[string]any)["x"] != 1.0 {
		t.Fatalf("upsert of the same program and user: %d %v", status, b)
	}
	if len(srv.IBLOf(IBLKindProgram).Invitations()) != 1 {
		t.Fatal("upsert inserted")
	}
	for body, field := range map[string]string{
		`{"email":"a@example.com"}`:                                                     "program_key",
		`{"program_key":"acme+data-science","email":"nope"}`:                            "email",
		`{"program_key":"acme+data-science"}`:                                           "non_field_errors",
		`{"program_key":"acme+data-science","email":"a@example.com","redirect_to":"x"}`: "redirect_to",
		`{"program_key":"acme+data-science","email":"a@example.com","expired":"x"}`:     "expired",
		`{"program_key":"acme+data-science","email":"a@example.com","metadata":[]}`:     "metadata",
		`{"program_key":"acme+data-science","email":"a@example.com","active":"yes"}`:    "active",
	} {
		status, out := iblCall(t, ts, "POST", iblProgramPath, admin, body)
		if status != 400 || out[field] == nil {
			t.Errorf("%s: %d %v, want 400 naming %s", body, status, out, field)
		}
	}
	if status, out := iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+nope","email":"a@example.com"}`); status != 404 || out["error"] == nil {
		t.Errorf("unknown program: %d %v", status, out)
	}
}

func TestIBLVariants(t *testing.T) {
	srv, ts := Start(t, Options{IBL: IBLOptions{AlwaysCreate: true, NextPageEnvelope: true, RelativeLinks: true}})
	iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com"}`)
	iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com"}`)
	if n := len(srv.IBLOf(IBLKindProgram).Invitations()); n != 2 {
		t.Fatalf("always-create made %d rows", n)
	}
	if status, _ := iblCall(t, ts, "DELETE", iblProgramPath+"?id=1&org=acme", admin, ""); status != 200 || len(srv.IBLOf(IBLKindProgram).Invitations()) != 2 {
		t.Fatalf("default (no-op) delete: %d, %d rows", status, len(srv.IBLOf(IBLKindProgram).Invitations()))
	}
	_, page := iblCall(t, ts, "GET", iblProgramPath+"?page_size=1", admin, "")
	if page["next_page"] != iblProgramPath+"?page=2&page_size=1" || page["next"] != nil {
		t.Fatalf("envelope %v", page)
	}
}

func TestIBLListFiltersSortAndDelete(t *testing.T) {
	srv, ts := Start(t, Options{IBL: IBLOptions{RealDelete: true}})
	srv.IBLOf(IBLKindProgram).Seed(30, "acme+onboarding")
	srv.IBLOf(IBLKindProgram).Seed(10, "globex+leadership")
	_, out := iblCall(t, ts, "GET", iblProgramPath+"?org=acme&cohort=c1&page_size=100", admin, "")
	res := out["results"].([]any)
	if len(res) != 15 || out["count"] != 15.0 {
		t.Fatalf("unknown parameter as metadata filter: %d results", len(res))
	}
	if res[0].(map[string]any)["id"].(float64) < res[1].(map[string]any)["id"].(float64) {
		t.Fatal("default sort is not -id")
	}
	_, out = iblCall(t, ts, "GET", iblProgramPath+"?org=acme&page_size=5", admin, "")
	if next, _ := out["next"].(string); !strings.HasPrefix(next, "http://") || !strings.Contains(next, "page=2") || out["previous"] != nil {
		t.Fatalf("links: next %v, previous %v", out["next"], out["previous"])
	}
	_, out = iblCall(t, ts, "GET", iblProgramPath+"?active=false&sort=email&page_size=100", admin, "")
	for _, r := range out["results"].([]any) {
		if r.(map[string]any)["active"] != false {
			t.Fatal("active filter let an active one through")
		}
	}
	if status, _ := iblCall(t, ts, "GET", iblProgramPath+"?sort=nope", admin, ""); status != 400 {
		t.Fatalf("unknown sort field: %d", status)
	}
	if status, _ := iblCall(t, ts, "GET", iblProgramPath+"?page=9", admin, ""); status != 404 {
		t.Fatalf("page past the end: %d", status)
	}
	if status, _ := iblCall(t, ts, "DELETE", iblProgramPath+"?id=1&org=globex", admin, ""); status != 404 {
		t.Fatalf("delete in the wrong org: %d", status)
	}
	if status, _ := iblCall(t, ts, "DELETE", iblProgramPath, admin, `{"id": 1, "org": "acme"}`); status != 200 || len(srv.IBLOf(IBLKindProgram).Invitations()) != 39 {
		t.Fatalf("delete with a JSON body: %d", status)
	}
	if status, _ := iblCall(t, ts, "DELETE", iblProgramPath+"?org=acme", admin, ""); status != 400 {
		t.Fatalf("delete without id: %d", status)
	}
}

func TestIBLDeleteKeepsRowsByDefault(t *testing.T) {
	srv, ts := Start(t, Options{})
	iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com"}`)
	if status, out := iblCall(t, ts, "DELETE", iblProgramPath+"?id=1&org=acme", admin, ""); status != 200 || out["message"] == nil {
		t.Fatalf("delete: %d %v", status, out)
	}
	if rows := srv.IBLOf(IBLKindProgram).Invitations(); len(rows) != 1 || !rows[0].Active {
		t.Fatalf("the row did not stay as it was: %+v", rows)
	}
}

func TestIBLPostNullsAndUnknownKeys(t *testing.T) {
	srv, ts := Start(t, Options{})
	for _, field := range []string{"email", "username", "active", "source", "redirect_to", "created", "expired", "metadata", "enrollment_config", "program_key"} {
		body := `{"program_key":"acme+data-science","email":"ada@example.com","` + field + `":null}`
		if field == "program_key" || field == "email" {
			body = `{"program_key":"acme+data-science","username":"ada","` + field + `":null}`
		}
		if status, out := iblCall(t, ts, "POST", iblProgramPath, admin, body); status != 400 || out[field] == nil {
			t.Errorf("null %s: %d %v, want 400 naming it", field, status, out)
		}
	}
	if n := len(srv.IBLOf(IBLKindProgram).Invitations()); n != 0 {
		t.Fatalf("a refused POST stored %d rows", n)
	}
	_, out := iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com","metadata":{"a":1},"cohort":"x"}`)
	if md := out["metadata"].(map[string]any); md["a"] != 1.0 || md["cohort"] != "x" {
		t.Fatalf("unknown key not stored in metadata: %v", md)
	}
	// A server older than enrollment_config stores it as metadata.
	old, ots := Start(t, Options{IBL: IBLOptions{NoEnrollmentConfig: true}})
	_, out = iblCall(t, ots, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com","enrollment_config":{"started":"2027-01-01"}}`)
	if md := out["metadata"].(map[string]any); md["enrollment_config"] == nil || old.IBLOf(IBLKindProgram).Invitations()[0].EnrollmentConfig != nil {
		t.Fatalf("no-enrollment-config variant: metadata %v", md)
	}
}

func TestIBLAcceptAndPlatformFilters(t *testing.T) {
	srv, ts := Start(t, Options{})
	iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"new@example.com"}`)
	iblCall(t, ts, "POST", iblProgramPath, admin, `{"program_key":"globex+leadership","email":"ada@example.com"}`)
	req, _ := http.NewRequest("POST", ts.URL+"/_mock/ibl/program/invitations/1/accept", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("accept: %v %v", res, err)
	}
	_ = res.Body.Close()
	inv := srv.IBLOf(IBLKindProgram).Invitations()[0]
	if inv.Active || inv.Started == nil || inv.UserID == nil || inv.Username != "new" {
		t.Fatalf("accepted invitation: %+v", inv)
	}
	if err := srv.IBLOf(IBLKindProgram).Accept(99); err == nil {
		t.Fatal("accepting a missing invitation succeeded")
	}
	for q, want := range map[string]int{"platform_key=acme": 1, "key=globex": 1, "program_id=3": 1, "program_id=2": 0, "platform_org=acme": 1} {
		_, out := iblCall(t, ts, "GET", iblProgramPath+"?"+q, admin, "")
		if n := len(out["results"].([]any)); n != want {
			t.Errorf("%s: %d results, want %d", q, n, want)
		}
	}
	// Emails compare without regard to case unless the variant says otherwise.
	_, out := iblCall(t, ts, "GET", iblProgramPath+"?email=NEW@example.com", admin, "")
	if n := len(out["results"].([]any)); n != 1 {
		t.Fatalf("case-insensitive email filter: %d", n)
	}
	cs, cts := Start(t, Options{IBL: IBLOptions{EmailCaseSensitive: true}})
	iblCall(t, cts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"Ada@example.com"}`)
	_, out = iblCall(t, cts, "GET", iblProgramPath+"?email=ada@example.com", admin, "")
	iblCall(t, cts, "POST", iblProgramPath, admin, `{"program_key":"acme+data-science","email":"ada@example.com"}`)
	if n := len(out["results"].([]any)); n != 0 || len(cs.IBLOf(IBLKindProgram).Invitations()) != 2 {
		t.Fatalf("case-sensitive variant: %d results, %d rows", n, len(cs.IBLOf(IBLKindProgram).Invitations()))
	}
}
