package ibl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func newClient(t testing.TB, base, scheme string) *Client {
	t.Helper()
	hc, err := client.New(client.Config{BaseURL: base, Authorization: scheme + " " + mockserver.IBLAdminKey,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return New(hc, Program)
}

// newKindClient is a client of the kind's invitations.
func newKindClient(t testing.TB, base string, k Kind) *Client {
	t.Helper()
	c := newClient(t, base, "Api-Token")
	return New(c.http, k)
}

func TestListEnvelopesAndLinks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   mockserver.IBLOptions
		prefix string
	}{
		{"next-absolute", mockserver.IBLOptions{}, ""},
		{"next-relative", mockserver.IBLOptions{RelativeLinks: true}, ""},
		{"next_page-absolute", mockserver.IBLOptions{NextPageEnvelope: true}, ""},
		{"next_page-relative-behind-gateway", mockserver.IBLOptions{NextPageEnvelope: true, RelativeLinks: true}, "/dm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, ts := mockserver.Start(t, mockserver.Options{IBL: tc.opts})
			srv.IBLOf(mockserver.IBLKindProgram).Seed(230, "acme+onboarding")
			srv.IBLOf(mockserver.IBLKindProgram).Seed(5, "globex+leadership")
			c := newClient(t, ts.URL+tc.prefix, "Api-Token")
			all, total, err := c.List(context.Background(), Filter{Org: "acme", Sort: "id"})
			if err != nil || len(all) != 230 || total != 230 {
				t.Fatalf("got %d of %d: %v", len(all), total, err)
			}
			if n := srv.Count("GET", tc.prefix+"/api/"); n != 3 { // ceil(230/100), nothing past the last page
				t.Fatalf("%d requests", n)
			}
			for i := 1; i < len(all); i++ {
				if all[i].ID <= all[i-1].ID {
					t.Fatalf("not in id order at %d", i)
				}
			}
		})
	}
}

func TestListSendsOnlyKnownParameters(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	srv.IBLOf(mockserver.IBLKindProgram).Seed(12, "acme+onboarding")
	active := true
	got, _, err := newClient(t, ts.URL, "Api-Token").List(context.Background(), Filter{
		Org: "acme", Key: "acme+onboarding", Source: "csv", Active: &active, Metadata: map[string]string{"cohort": "c1"}, Sort: "-id",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range got {
		if *inv.Source != "csv" || !inv.Active {
			t.Fatalf("filter let through %+v", inv)
		}
	}
	if len(got) == 0 {
		t.Fatal("filters matched nothing")
	}
	q := srv.Requests()[0].Query
	for _, absent := range []string{"email=", "username=", "page="} {
		if strings.Contains(q, absent) {
			t.Fatalf("sent an empty or needless parameter: %s", q)
		}
	}
	if !strings.Contains(q, "cohort=c1") || strings.Contains(q, "metadata__") {
		t.Fatalf("metadata filter sent as %s", q)
	}
}

func TestListStopsOnARepeatedNextLink(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Page 2 points back at page 2.
		fmt.Fprintf(w, `{"count": 500, "next": "http://%s/api/catalog/invitations/program/?page=2", "previous": null, "results": [{"id": 1, "program_key": "a+b", "active": true, "metadata": {}}]}`, r.Host)
	}))
	defer ts.Close()
	_, _, err := newClient(t, ts.URL, "Api-Token").List(context.Background(), Filter{})
	if err == nil || !strings.Contains(err.Error(), "stopping rather than looping") {
		t.Fatalf("got %v", err)
	}
}

func TestListSkipsEmptyPagesAndShiftedRows(t *testing.T) {
	pages := map[string]string{
		"":  `{"count": 3, "next": "?page=2", "results": [{"id": 3, "program_key": "a+b", "metadata": {}}, {"id": 2, "program_key": "a+b", "metadata": {}}]}`,
		"2": `{"count": 3, "next": "?page=3", "results": []}`,
		// A row deleted meanwhile shifted id 2 onto this page: listed once.
		"3": `{"count": 3, "next": null, "results": [{"id": 2, "program_key": "a+b", "metadata": {}}, {"id": 1, "program_key": "a+b", "metadata": {}}]}`,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, pages[r.URL.Query().Get("page")])
	}))
	defer ts.Close()
	got, _, err := newClient(t, ts.URL, "Api-Token").List(context.Background(), Filter{})
	if err != nil || len(got) != 3 || got[2].ID != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestCreateUpdateDelete(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{IBL: mockserver.IBLOptions{AuthScheme: "Api-Key", RealDelete: true}})
	c := newClient(t, ts.URL, "Api-Key")
	email, src := "ada@example.com", "terraform"
	inv, err := c.Create(context.Background(), Upsert{Key: "acme+data-science", Email: &email, Source: &src, Metadata: []byte(`{"a":1}`)})
	if err != nil || inv.UserID == nil || *inv.UserID != 456 || inv.Org() != "acme" {
		t.Fatalf("create: %+v %v", inv, err)
	}
	off := false
	// Fields left out keep their values: the update never sends a null.
	again, err := c.Update(context.Background(), Upsert{Key: "acme+data-science", Email: &email, Active: &off})
	if err != nil || again.ID != inv.ID || again.Active || again.Source == nil || *again.Source != "terraform" {
		t.Fatalf("update: %+v %v", again, err)
	}
	if err := c.Delete(context.Background(), "acme", inv.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(context.Background(), "acme", inv.ID); err != nil {
		t.Fatalf("deleting an absent invitation: %v", err)
	}
	if len(srv.IBLOf(mockserver.IBLKindProgram).Invitations()) != 0 {
		t.Fatal("left on the server")
	}
	q := srv.Requests()[2].Query
	if !strings.Contains(q, "id=") || !strings.Contains(q, "org=acme") {
		t.Fatalf("DELETE query %q", q)
	}
}

func TestFindInOrgStopsAtTheID(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	srv.IBLOf(mockserver.IBLKindProgram).Seed(450, "acme+onboarding")
	c := newClient(t, ts.URL, "Api-Token")
	inv, err := c.FindInOrg(context.Background(), "acme", 420)
	if err != nil || inv == nil || inv.ID != 420 || srv.Count("GET", "") != 1 {
		t.Fatalf("newest page: %+v %v after %d requests", inv, err, srv.Count("GET", ""))
	}
	srv.ResetCounts()
	if inv, err := c.FindInOrg(context.Background(), "acme", 9999); err != nil || inv != nil || srv.Count("GET", "") != 1 {
		t.Fatalf("an id above every other: %+v %v after %d requests", inv, err, srv.Count("GET", ""))
	}
}

func TestUnusableAnswersNeverPassAsInvitations(t *testing.T) {
	create := func(c *Client) error {
		email := "ada@example.com"
		_, err := c.Create(context.Background(), Upsert{Key: "acme+x", Email: &email})
		return err
	}
	list := func(c *Client) error { _, _, err := c.List(context.Background(), Filter{}); return err }
	for name, tc := range map[string]struct {
		method, body string
		call         func(*Client) error
	}{
		"create answering {}":         {"POST", `{}`, create},
		"create answering id 0":       {"POST", `{"id":0,"program_key":"acme+x"}`, create},
		"create answering text":       {"POST", `created`, create},
		"list page {}":                {"GET", `{}`, list},
		"list page null":              {"GET", `null`, list},
		"list page with results null": {"GET", `{"count":2,"next":null,"results":null}`, list},
		"list item without id":        {"GET", `{"count":1,"next":null,"results":[{"program_key":"acme+x"}]}`, list},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != tc.method {
				w.WriteHeader(405)
				return
			}
			fmt.Fprint(w, tc.body)
		}))
		err := tc.call(newClient(t, ts.URL, "Api-Token"))
		var me *client.MalformedResponseError
		if !errors.As(err, &me) || !client.MayHaveTakenEffect(err) {
			t.Errorf("%s: got %v", name, err)
		}
		ts.Close()
	}
}

// TestFindMissByCaseIsNotAbsence: on a server that compares emails exactly,
// a look-up by email that misses only by letter case still finds the
// invitation by id.
func TestFindMissByCaseIsNotAbsence(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{IBL: mockserver.IBLOptions{EmailCaseSensitive: true}})
	srv.IBLOf(mockserver.IBLKindProgram).Seed(3, "acme+onboarding")
	c := newClient(t, ts.URL, "Api-Token")
	rows := srv.IBLOf(mockserver.IBLKindProgram).Invitations()
	srv.IBLOf(mockserver.IBLKindProgram).SetEmail(rows[1].ID, "Learner2@Example.com")
	inv, err := c.Find(context.Background(), "acme", "acme+onboarding", "learner2@example.com", "", int64(rows[1].ID))
	if err != nil || inv == nil || inv.ID != int64(rows[1].ID) {
		t.Fatalf("miss by case taken for absence: %v, %v", inv, err)
	}
	if inv, err := c.Find(context.Background(), "acme", "acme+onboarding", "nobody@example.com", "", 99); err != nil || inv != nil {
		t.Fatalf("a missing invitation was found: %v, %v", inv, err)
	}
}
