package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// iblKindCase is one kind as its tests drive it: an item the server
// knows, one of another org, and the kind's own field.
type iblKindCase struct {
	kind         IBLKind
	keyField     string
	item, other  string // items of org acme and of org globex
	org          string // the org of item
	unknown      string
	extraBody    string // a field of the kind's own, as JSON members
	extraStored  func(IBLInvitation) bool
	notAMetadata string // a parameter of another kind: a metadata filter here
}

func iblKindCases() []iblKindCase {
	return []iblKindCase{
		{kind: IBLKindProgram, keyField: "program_key", item: "acme+data-science", other: "globex+leadership", org: "acme",
			unknown: "acme+nope", extraBody: `"enrollment_config":{"started":"2027-01-01"}`,
			extraStored: func(i IBLInvitation) bool { return i.EnrollmentConfig["started"] == "2027-01-01" }, notAMetadata: "course_id"},
		{kind: IBLKindCourse, keyField: "course_id", item: "course-v1:acme-academy+ONB101+2027", other: "course-v1:globex+LEAD201+2027", org: "acme",
			unknown: "course-v1:acme+NOPE+2027", extraBody: `"enrollment_config":{"started":"2027-01-01"}`,
			extraStored: func(i IBLInvitation) bool { return i.EnrollmentConfig["started"] == "2027-01-01" }, notAMetadata: "program_key"},
		{kind: IBLKindPlatform, keyField: "platform_key", item: "acme", other: "globex", org: "acme",
			unknown: "initech", extraBody: `"company_name":"Acme","first_name":"Ada","last_name":"Lovelace","user_group":"staff","user_group_owner_email":"grace@example.com"`,
			extraStored: func(i IBLInvitation) bool {
				return i.UserFields["company_name"] == "Acme" && i.UserFields["user_group_owner_email"] == "grace@example.com" && len(i.UserFields) == 5
			}, notAMetadata: "course_id"},
	}
}

func (c iblKindCase) body(item, members string) string {
	b := fmt.Sprintf(`{%q:%q`, c.keyField, item)
	if members != "" {
		b += "," + members
	}
	return b + "}"
}

func (c iblKindCase) path() string { return IBLPathOf(c.kind) }

func forEachIBLKind(t *testing.T, f func(t *testing.T, c iblKindCase)) {
	for _, c := range iblKindCases() {
		t.Run(string(c.kind), func(t *testing.T) { f(t, c) })
	}
}

func TestIBLKindsUpsert(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{})
		status, a := iblCall(t, ts, "POST", c.path(), admin, c.body(c.item, `"email":"ada@example.com","metadata":{"x":1},`+c.extraBody))
		if status != 200 || a["user_id"] != 456.0 || a["username"] != "ada" || a["active"] != true || a[c.keyField] != c.item || a["created"] == nil {
			t.Fatalf("create: %d %v", status, a)
		}
		for _, f := range iblPlatformUserFields {
			if _, echoed := a[f]; echoed {
				t.Fatalf("%s is not in the response schema: %v", f, a)
			}
		}
		status, b := iblCall(t, ts, "POST", "/dm"+c.path(), admin, c.body(c.item, `"email":"ADA@example.com","active":false`))
		if status != 200 || b["id"] != a["id"] || b["active"] != false || b["metadata"].(map[string]any)["x"] != 1.0 {
			t.Fatalf("update of the same item and user, behind /dm: %d %v", status, b)
		}
		rows := srv.IBLOf(c.kind).Invitations()
		if len(rows) != 1 || rows[0].Org != c.org || rows[0].Key != c.item || !c.extraStored(rows[0]) || rows[0].Kind != c.kind {
			t.Fatalf("stored: %+v", rows)
		}
		for _, k := range IBLKinds() {
			if n := len(srv.IBLOf(k).Invitations()); k != c.kind && n != 0 {
				t.Fatalf("%d rows landed in %s", n, k)
			}
		}
		if status, out := iblCall(t, ts, "POST", c.path(), admin, c.body(c.unknown, `"email":"a@example.com"`)); status != 404 || !strings.Contains(fmt.Sprint(out["error"]), "not found") {
			t.Fatalf("unknown item: %d %v", status, out)
		}
		if status, out := iblCall(t, ts, "POST", c.path(), admin, `{"email":"a@example.com"}`); status != 400 || out[c.keyField] == nil {
			t.Fatalf("no key: %d %v", status, out)
		}
		if status, _ := iblCall(t, ts, "POST", c.path(), "Api-Token "+IBLReadOnlyKey, c.body(c.item, `"email":"a@example.com"`)); status != 403 {
			t.Fatalf("read-only key: %d", status)
		}
		if status, _ := iblCall(t, ts, "GET", c.path(), "Api-Key "+IBLAdminKey, ""); status != 401 {
			t.Fatalf("wrong scheme: %d", status)
		}
	})
}

func TestIBLKindsNullsAndUnknownKeys(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{})
		fields := []string{"username", "active", "source", "redirect_to", "created", "expired", "metadata", c.keyField}
		fields = append(append(fields, iblKinds[c.kind].objects...), iblKinds[c.kind].strings...)
		for _, f := range fields {
			body := c.body(c.item, `"email":"ada@example.com",`+fmt.Sprintf("%q:null", f))
			if f == c.keyField {
				body = fmt.Sprintf(`{"email":"ada@example.com",%q:null}`, f)
			}
			if status, out := iblCall(t, ts, "POST", c.path(), admin, body); status != 400 || out[f] == nil {
				t.Errorf("null %s: %d %v, want 400 naming it", f, status, out)
			}
		}
		if n := len(srv.IBLOf(c.kind).Invitations()); n != 0 {
			t.Fatalf("a refused POST stored %d rows", n)
		}
		_, out := iblCall(t, ts, "POST", c.path(), admin, c.body(c.item, `"email":"ada@example.com","metadata":{"a":1},"cohort":"x"`))
		if md := out["metadata"].(map[string]any); md["a"] != 1.0 || md["cohort"] != "x" {
			t.Fatalf("unknown key not stored in metadata: %v", md)
		}
		// A server older than the kind's own fields stores them as metadata.
		old, ots := Start(t, Options{IBL: IBLOptions{NoEnrollmentConfig: true, NoPlatformUserFields: true}})
		_, out = iblCall(t, ots, "POST", c.path(), admin, c.body(c.item, `"email":"ada@example.com",`+c.extraBody))
		row := old.IBLOf(c.kind).Invitations()[0]
		if md := out["metadata"].(map[string]any); len(md) == 0 || row.EnrollmentConfig != nil || row.UserFields != nil {
			t.Fatalf("older server: metadata %v, row %+v", md, row)
		}
	})
}

func TestIBLKindsDelete(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{})
		iblCall(t, ts, "POST", c.path(), admin, c.body(c.item, `"email":"ada@example.com"`))
		if status, out := iblCall(t, ts, "DELETE", c.path()+"?id=1&org="+c.org, admin, ""); status != 200 || out["message"] == nil {
			t.Fatalf("delete: %d %v", status, out)
		}
		if rows := srv.IBLOf(c.kind).Invitations(); len(rows) != 1 || !rows[0].Active {
			t.Fatalf("the row did not stay as it was: %+v", rows)
		}
		if status, _ := iblCall(t, ts, "DELETE", c.path()+"?id=1&org=globex", admin, ""); status != 404 {
			t.Fatalf("delete in the wrong org: %d", status)
		}
		if status, _ := iblCall(t, ts, "DELETE", c.path()+"?org="+c.org, admin, ""); status != 400 {
			t.Fatalf("delete without id: %d", status)
		}
		rsrv, rts := Start(t, Options{IBL: IBLOptions{RealDelete: true}})
		iblCall(t, rts, "POST", c.path(), admin, c.body(c.item, `"email":"ada@example.com"`))
		if status, _ := iblCall(t, rts, "DELETE", c.path(), admin, fmt.Sprintf(`{"id": 1, "org": %q}`, c.org)); status != 200 || len(rsrv.IBLOf(c.kind).Invitations()) != 0 {
			t.Fatalf("real delete with a JSON body: %d", status)
		}
		if status, _ := iblCall(t, rts, "DELETE", c.path()+"?id=1&org="+c.org, admin, ""); status != 404 {
			t.Fatalf("deleting it again: %d", status)
		}
	})
}

func TestIBLKindsListFilters(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{})
		srv.IBLOf(c.kind).Seed(30, c.item)
		srv.IBLOf(c.kind).Seed(10, c.other)
		another := IBLKindCourse // another kind's rows never show
		if c.kind == IBLKindCourse {
			another = IBLKindProgram
		}
		srv.IBLOf(another).Seed(7, "acme+onboarding")
		get := func(q url.Values) map[string]any {
			t.Helper()
			status, out := iblCall(t, ts, "GET", c.path()+"?"+q.Encode(), admin, "")
			if status != 200 {
				t.Fatalf("%s: %d %v", q.Encode(), status, out)
			}
			return out
		}
		count := func(q url.Values) int { return int(get(q)["count"].(float64)) }
		for q, want := range map[string]int{
			"": 40,
			c.keyField + "=" + url.QueryEscape(c.item): 30,
			"org=acme":                     30,
			"platform_org=globex":          10,
			"platform_key=globex":          10,
			"key=acme":                     30,
			"org=acme&cohort=c1":           15,
			"org=acme&active=false":        7,
			"org=acme&source=csv":          10,
			"email=LEARNER3%40example.com": 1,
			c.notAMetadata + "=x":          0, // another kind's filter is a metadata filter here
		} {
			v, _ := url.ParseQuery(q)
			if n := count(v); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		out := get(url.Values{"org": {"acme"}, "page_size": {"500"}, "sort": {c.keyField}})
		if res := out["results"].([]any); len(res) != 30 || res[0].(map[string]any)[c.keyField] != c.item {
			t.Fatalf("page cap or sort by the key: %d", len(res))
		}
		out = get(url.Values{"org": {"acme"}})
		if res := out["results"].([]any); len(res) != 20 || res[0].(map[string]any)["id"].(float64) < res[1].(map[string]any)["id"].(float64) {
			t.Fatal("default page or default sort -id")
		}
		if next, _ := out["next"].(string); !strings.HasPrefix(next, "http://") || !strings.Contains(next, "page=2") {
			t.Fatalf("next %v", out["next"])
		}
		if status, _ := iblCall(t, ts, "GET", c.path()+"?sort=nope", admin, ""); status != 400 {
			t.Fatalf("unknown sort field: %d", status)
		}
		if status, _ := iblCall(t, ts, "GET", c.path()+"?page=9", admin, ""); status != 404 {
			t.Fatalf("page past the end: %d", status)
		}
	})
}

func TestIBLKindsEnvelopesAndSparseAnswers(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{IBL: IBLOptions{NextPageEnvelope: true, RelativeLinks: true, SparseAnswers: true}})
		srv.IBLOf(c.kind).Seed(3, c.item)
		_, page := iblCall(t, ts, "GET", "/dm"+c.path()+"?page_size=1", admin, "")
		if page["next_page"] != "/dm"+c.path()+"?page=2&page_size=1" || page["next"] != nil || page["previous_page"] != nil {
			t.Fatalf("envelope %v", page)
		}
		item := page["results"].([]any)[0].(map[string]any)
		_, hasUser := item["user_id"]
		_, hasCreated := item["created"]
		if sparse := iblKinds[c.kind].sparse; hasUser == sparse || hasCreated == sparse {
			t.Fatalf("sparse answers (schema allows: %v): %v", sparse, item)
		}
	})
}

func TestIBLKindsAccept(t *testing.T) {
	forEachIBLKind(t, func(t *testing.T, c iblKindCase) {
		srv, ts := Start(t, Options{})
		iblCall(t, ts, "POST", c.path(), admin, c.body(c.item, `"email":"new@example.com"`))
		req, _ := http.NewRequest("POST", ts.URL+"/_mock/ibl/"+string(c.kind)+"/invitations/1/accept", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 204 {
			t.Fatalf("accept: %v %v", res, err)
		}
		_ = res.Body.Close()
		inv := srv.IBLOf(c.kind).Invitations()[0]
		if inv.Active || inv.Started == nil || inv.UserID == nil || inv.Username != "new" {
			t.Fatalf("accepted invitation: %+v", inv)
		}
		if err := srv.IBLOf(c.kind).Accept(2); err == nil {
			t.Fatal("accepting a missing invitation succeeded")
		}
		for _, p := range []string{"/_mock/ibl/" + string(c.kind) + "/invitations/7/accept", "/_mock/ibl/nope/invitations/1/accept"} {
			if status, _ := iblCall(t, ts, "POST", p, "", ""); status != 404 {
				t.Fatalf("%s: %d", p, status)
			}
		}
		routes := srv.CountsByRoute()
		if routes["POST "+c.path()] != 1 || routes["POST /_mock/ibl/"+string(c.kind)+"/invitations/{id}/accept"] != 2 {
			t.Fatalf("counts by route: %v", routes)
		}
	})
}

func TestParseIBLCourses(t *testing.T) {
	got, err := ParseIBLCourses("acme=course-v1:acme-academy+X+1, course-v1:initech+Y+2,initech/Z/3")
	if err != nil || len(got) != 3 || got[0] != (IBLCourse{"course-v1:acme-academy+X+1", "acme"}) || got[1].Org != "initech" || got[2].Org != "initech" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := ParseIBLCourses("nokey"); err == nil {
		t.Fatal("a course without an org")
	}
	if back, _ := ParseIBLCourses(FormatIBLCourses(DefaultCourses())); len(back) != 3 || back[1] != DefaultCourses()[1] {
		t.Fatalf("round trip %+v", back)
	}
}
