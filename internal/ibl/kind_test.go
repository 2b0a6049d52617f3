package ibl

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// kindCase is one kind as the client tests drive it: the mock's kind, an
// item of org acme (a course whose edX org is not acme's) and one of globex.
type kindCase struct {
	kind        Kind
	mock        mockserver.IBLKind
	item, other string
}

func kindCases() []kindCase {
	return []kindCase{
		{Program, mockserver.IBLKindProgram, "acme+onboarding", "globex+leadership"},
		{Course, mockserver.IBLKindCourse, "course-v1:acme-academy+ONB101+2027", "course-v1:globex+LEAD201+2027"},
		{Platform, mockserver.IBLKindPlatform, "acme", "globex"},
	}
}

func forEachKind(t *testing.T, f func(t *testing.T, c kindCase)) {
	for _, c := range kindCases() {
		t.Run(c.kind.String(), func(t *testing.T) { f(t, c) })
	}
}

func TestKindsPaging(t *testing.T) {
	forEachKind(t, func(t *testing.T, c kindCase) {
		for _, opts := range []mockserver.IBLOptions{{}, {NextPageEnvelope: true, RelativeLinks: true, SparseAnswers: true}} {
			srv, ts := mockserver.Start(t, mockserver.Options{IBL: opts})
			srv.IBLOf(c.mock).Seed(230, c.item)
			srv.IBLOf(c.mock).Seed(5, c.other)
			kc := newKindClient(t, ts.URL+"/dm", c.kind)
			all, total, err := kc.List(context.Background(), Filter{Org: "acme", Sort: "id"})
			if err != nil || len(all) != 230 || total != 230 {
				t.Fatalf("%+v: got %d of %d: %v", opts, len(all), total, err)
			}
			if n := srv.Count("GET", "/dm"+c.kind.Path()); n != 3 {
				t.Fatalf("%+v: %d requests", opts, n)
			}
			for i, inv := range all {
				if inv.Kind() != c.kind || inv.Key() != c.item || (i > 0 && inv.ID <= all[i-1].ID) {
					t.Fatalf("at %d: %+v", i, inv)
				}
				if opts.SparseAnswers && c.kind != Program && (inv.Created != nil || inv.UserID != nil) {
					t.Fatalf("created or user_id out of nothing: %+v", inv)
				}
			}
			two, _, err := kc.List(context.Background(), Filter{Org: "acme", Max: 2})
			if err != nil || len(two) != 2 || !strings.Contains(srv.Requests()[3].Query, "page_size=2") {
				t.Fatalf("max 2: %d, %v, %s", len(two), err, srv.Requests()[3].Query)
			}
		}
	})
}

func TestKindsFilters(t *testing.T) {
	forEachKind(t, func(t *testing.T, c kindCase) {
		srv, ts := mockserver.Start(t, mockserver.Options{})
		srv.IBLOf(c.mock).Seed(12, c.item)
		srv.IBLOf(c.mock).Seed(4, c.other)
		kc := newKindClient(t, ts.URL, c.kind)
		active := true
		got, total, err := kc.List(context.Background(), Filter{Key: c.item, Source: "csv", Active: &active, Metadata: map[string]string{"cohort": "c1"}, Sort: "-id"})
		if err != nil || len(got) == 0 || total != len(got) {
			t.Fatalf("%d of %d: %v", len(got), total, err)
		}
		for _, inv := range got {
			if *inv.Source != "csv" || !inv.Active || inv.Key() != c.item {
				t.Fatalf("filter let through %+v", inv)
			}
		}
		q, _ := url.ParseQuery(srv.Requests()[0].Query)
		if q.Get(c.kind.KeyField()) != c.item || q.Get("cohort") != "c1" || len(q) != 6 {
			t.Fatalf("query %v", q)
		}
		raw := srv.Requests()[0].Query
		if c.kind == Course && (!strings.Contains(raw, "%2B") || !strings.Contains(raw, "%3A") || strings.Contains(raw, "+")) {
			t.Fatalf("course id not URL-encoded: %s", raw)
		}
		if _, _, err := kc.List(context.Background(), Filter{Metadata: map[string]string{c.kind.KeyField(): "x"}}); err == nil {
			t.Fatal("a metadata filter named as the kind's key filter was sent")
		}
		if n := srv.Count("", ""); n != 1 {
			t.Fatalf("%d requests, the refused lists sent some", n)
		}
	})
}

func TestKindsReservedParams(t *testing.T) {
	// The program invitation endpoint's own parameters (its list filters).
	programParams := []string{"program_key", "org", "email", "username", "source", "active", "sort",
		"page", "page_size", "verbose", "program_id", "platform_key", "key", "platform_org", "format"}
	if p := Program.ReservedParams(); len(p) != len(programParams) || !slices.Contains(p, "program_id") {
		t.Fatalf("program: %v", p)
	}
	for _, p := range programParams {
		if !Program.reserved(p) {
			t.Fatalf("%s", p)
		}
	}
	if !Course.reserved("course_id") || Course.reserved("program_key") || !Platform.reserved("platform_key") || Platform.reserved("course_id") {
		t.Fatal("kinds' own parameters")
	}
}

func TestKindsUpsertFindDelete(t *testing.T) {
	forEachKind(t, func(t *testing.T, c kindCase) {
		for _, realDelete := range []bool{false, true} {
			srv, ts := mockserver.Start(t, mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: realDelete}})
			srv.IBLOf(c.mock).Seed(3, c.item)
			kc := newKindClient(t, ts.URL, c.kind)
			email, src, name := "ada@example.com", "terraform", "Ada"
			u := Upsert{Key: c.item, Email: &email, Source: &src, Metadata: json.RawMessage(`{"a":1}`)}
			switch c.kind {
			case Platform:
				u.FirstName, u.CompanyName = &name, &name
			default:
				u.EnrollmentConfig = json.RawMessage(`{"started":"2027-01-01T00:00:00Z"}`)
			}
			inv, err := kc.Create(context.Background(), u)
			if err != nil || inv.UserID == nil || *inv.UserID != 456 || inv.Key() != c.item || inv.Kind() != c.kind {
				t.Fatalf("create: %+v %v", inv, err)
			}
			if want := map[Kind]string{Program: "acme", Course: "", Platform: "acme"}[c.kind]; inv.Org() != want {
				t.Fatalf("org %q, want %q", inv.Org(), want)
			}
			row := srv.IBLOf(c.mock).Invitations()[3]
			if row.Metadata["a"] != 1.0 || len(row.Metadata) != 1 || (c.kind == Platform && row.UserFields["first_name"] != "Ada") ||
				(c.kind != Platform && row.EnrollmentConfig == nil) {
				t.Fatalf("stored %+v", row)
			}
			off := false
			again, err := kc.Update(context.Background(), Upsert{Key: c.item, Email: &email, Active: &off})
			if err != nil || again.ID != inv.ID || again.Active || again.Source == nil || *again.Source != "terraform" {
				t.Fatalf("update: %+v %v", again, err)
			}
			found, err := kc.Find(context.Background(), "acme", c.item, "ADA@example.com", "", inv.ID)
			if err != nil || found == nil || found.ID != inv.ID {
				t.Fatalf("find: %+v %v", found, err)
			}
			users, err := kc.FindUser(context.Background(), "acme", c.item, email, "")
			if err != nil || len(users) != 1 {
				t.Fatalf("find user: %d %v", len(users), err)
			}
			byID, err := kc.FindInOrg(context.Background(), "acme", 2)
			if err != nil || byID == nil || byID.ID != 2 {
				t.Fatalf("find in org: %+v %v", byID, err)
			}
			if err := kc.Delete(context.Background(), "acme", inv.ID); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.IBLOf(c.mock).Invitations()); n != map[bool]int{false: 4, true: 3}[realDelete] {
				t.Fatalf("real delete %v: %d rows left", realDelete, n)
			}
			if err := kc.Delete(context.Background(), "globex", inv.ID); err != nil {
				t.Fatalf("deleting an absent invitation: %v", err)
			}
			for _, k := range Kinds() {
				if k != c.kind && srv.Count("", k.Path()) != 0 {
					t.Fatalf("a request went to %s", k)
				}
			}
		}
	})
}

func TestKindsRefuseOtherKindsFields(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	email, x := "ada@example.com", "x"
	for _, tc := range []struct {
		kind Kind
		u    Upsert
	}{
		{Program, Upsert{Key: "acme+onboarding", Email: &email, UserGroup: &x}},
		{Course, Upsert{Key: "course-v1:acme+DS101+2027", Email: &email, CompanyName: &x}},
		{Platform, Upsert{Key: "acme", Email: &email, EnrollmentConfig: json.RawMessage(`{}`)}},
		{Course, Upsert{Email: &email}},
		{Platform, Upsert{Key: "acme", Email: &email, AccessStartDate: &x}},
	} {
		if _, err := newKindClient(t, ts.URL, tc.kind).Create(context.Background(), tc.u); err == nil {
			t.Errorf("%s: %+v was sent", tc.kind, tc.u)
		}
	}
	if n := srv.Count("", ""); n != 0 {
		t.Fatalf("%d requests", n)
	}
}

// StoredAsMetadata names the fields a server older than them stored in the
// invitation's metadata, not the metadata keys the client sent itself.
func TestStoredAsMetadata(t *testing.T) {
	email, group := "ada@example.com", "staff"
	u := Upsert{Key: "acme", Email: &email, UserGroup: &group, Metadata: json.RawMessage(`{"email": "kept", "cohort": 1}`)}
	for _, tc := range []struct {
		stored string
		want   []string
	}{
		{`{}`, nil},
		{`{"cohort": 1, "email": "kept"}`, nil},
		{`{"cohort": 1, "user_group": "staff"}`, []string{"user_group"}},
		{`{"platform_key": "acme", "user_group": "staff", "metadata": {}}`, []string{"user_group"}},
	} {
		got := u.StoredAsMetadata(Platform, &Invitation{Metadata: json.RawMessage(tc.stored)})
		if !slices.Equal(got, tc.want) {
			t.Errorf("metadata %s: got %v, want %v", tc.stored, got, tc.want)
		}
	}
}

// Programs and courses send their access dates under their own names; the
// server keeps them as enrollment_config's started and expired.
func TestAccessDates(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	email, start, end := "ada@example.com", "2027-01-10T00:00:00Z", "2027-06-30T00:00:00Z"
	for _, c := range []struct {
		kind Kind
		mock mockserver.IBLKind
		item string
	}{{Program, mockserver.IBLKindProgram, "acme+data-science"}, {Course, mockserver.IBLKindCourse, "course-v1:acme+DS101+2027"}} {
		if _, err := newKindClient(t, ts.URL, c.kind).Create(context.Background(), Upsert{Key: c.item, Email: &email, AccessStartDate: &start, AccessExpirationDate: &end}); err != nil {
			t.Fatal(err)
		}
		got := srv.IBLOf(c.mock).Invitations()[0].EnrollmentConfig
		if got["started"] != "2027-01-10T00:00:00Z" || got["expired"] != "2027-06-30T00:00:00Z" {
			t.Errorf("%s: the server holds enrollment_config %v", c.kind, got)
		}
	}
}
