package authentik

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

func TestNormalizeURL(t *testing.T) {
	for in, want := range map[string][2]string{
		"https://auth.example.com":                {"https://auth.example.com", "https://auth.example.com/api/v3"},
		"https://auth.example.com/":               {"https://auth.example.com", "https://auth.example.com/api/v3"},
		"https://auth.example.com/api/v3":         {"https://auth.example.com", "https://auth.example.com/api/v3"},
		"https://auth.example.com/api/v3/":        {"https://auth.example.com", "https://auth.example.com/api/v3"},
		"https://example.com/authentik/":          {"https://example.com/authentik", "https://example.com/authentik/api/v3"},
		"http://127.0.0.1:9000/authentik/api/v3/": {"http://127.0.0.1:9000/authentik", "http://127.0.0.1:9000/authentik/api/v3"},
	} {
		instance, api, err := NormalizeURL(in)
		if err != nil || instance != want[0] || api != want[1] {
			t.Errorf("NormalizeURL(%q) = %q, %q, %v", in, instance, api, err)
		}
	}
	for _, bad := range []string{"auth.example.com", "ftp://x", "", "https://admin:s3cr3t@auth.example.com:badport"} {
		if _, _, err := NormalizeURL(bad); err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("NormalizeURL(%q): %v, want an error that shows no password", bad, err)
		}
	}
}

func TestRedactInviteTokens(t *testing.T) {
	// Every UUID is masked but the flows'.
	r := NewRedactor()
	r.KnownFlow("0B4CF3A3-5AD1-4D38-8F5B-0D1C5C3C7F10")
	in := `GET /api/v3/stages/invitation/invitations/3fa85f64-5717-4562-b3fc-2c963f66afa6/ {"pk": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "flow": "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"} name: "9d2f0c1a5e7b4c3d8a9b0c1d2e3f4a5b" is taken`
	out := r.Redact(in)
	if strings.Contains(out, "3fa85f64") || strings.Contains(out, "9d2f0c1a") || !strings.Contains(out, "invitations/{invite_uuid}/") || !strings.Contains(out, "0b4cf3a3") {
		t.Fatalf("redacted to %s", out)
	}
}

func newClient(t testing.TB, url string) *Client {
	t.Helper()
	instance, api, err := NormalizeURL(url)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := client.New(client.Config{BaseURL: api, Authorization: "Bearer " + mockserver.AuthentikAdminToken,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	return New(instance, hc, NewRedactor())
}

func TestListPagesAndFilters(t *testing.T) {
	// A server whose pages hold 10 at most: the client asks for 1000 and
	// follows the pages it gets.
	srv, ts := mockserver.Start(t, mockserver.Options{AuthentikMaxPageSize: 10})
	srv.SeedAuthentik(55, "page")
	c := newClient(t, ts.URL)
	all, total, err := c.List(context.Background(), ListFilter{Ordering: "name"})
	if err != nil || len(all) != 55 || total != 55 {
		t.Fatalf("got %d of %d, %v", len(all), total, err)
	}
	if n := srv.Count("GET", "/api/v3/"); n != 6 { // ceil(55/10), none beyond the last page
		t.Fatalf("%d requests for 55 invitations at 10 a page", n)
	}
	srv.ResetCounts()
	some, _, err := c.List(context.Background(), ListFilter{Max: 15})
	if err != nil || len(some) != 15 || srv.Count("GET", "/api/v3/") != 2 {
		t.Fatalf("max 15: got %d in %d requests, %v", len(some), srv.Count("GET", "/api/v3/"), err)
	}
	one, _, err := c.List(context.Background(), ListFilter{Name: "page-3"})
	if err != nil || len(one) != 1 || one[0].Name != "page-3" {
		t.Fatalf("name filter: %+v %v", one, err)
	}
	for _, r := range srv.Requests() {
		for _, unwanted := range []string{"created_by__username=", "search=", "flow__slug=", "expires="} {
			if strings.Contains(r.Query, unwanted) {
				t.Fatalf("sent an empty filter: %s", r.Query)
			}
		}
	}
}

func TestListStopsOnARepeatedNextPage(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every page claims the next one is page 1 again.
		fmt.Fprint(w, `{"pagination":{"next":1,"previous":0,"count":5,"current":1,"total_pages":1,"start_index":1,"end_index":1},"results":[],"autocomplete":{}}`)
	}))
	defer ts.Close()
	_, _, err := newClient(t, ts.URL).List(context.Background(), ListFilter{})
	if err == nil || !strings.Contains(err.Error(), "as the next page") {
		t.Fatalf("got %v", err)
	}
}

func TestCreateGetPatchDelete(t *testing.T) {
	srv, ts := mockserver.Start(t, mockserver.Options{})
	c := newClient(t, ts.URL)
	name, single := "x-1", true
	inv, err := c.Create(context.Background(), InvitationRequest{Name: &name, SingleUse: &single, FixedData: []byte(`{"a":1}`)})
	if err != nil || inv.PK == "" || inv.CreatedBy.Username != "akadmin" || inv.FlowObj != nil {
		t.Fatalf("create: %+v %v", inv, err)
	}
	flow := "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
	inv, err = c.Patch(context.Background(), inv.PK, InvitationRequest{Flow: &flow})
	if err != nil || inv.FlowObj == nil || inv.FlowObj.Slug != "default-enrollment-flow" || !inv.SingleUse {
		t.Fatalf("patch: %+v %v", inv, err)
	}
	inv, err = c.Patch(context.Background(), inv.PK, InvitationRequest{NullFlow: true})
	if err != nil || inv.Flow != nil {
		t.Fatalf("patch to null: %+v %v", inv, err)
	}
	if err := c.Delete(context.Background(), inv.PK); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(context.Background(), inv.PK); !client.IsNotFound(err) {
		t.Fatalf("deleting an absent invitation: %v, want its 404", err)
	}
	if _, err := c.Get(context.Background(), inv.PK); !client.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if len(srv.AuthentikInvitations()) != 0 {
		t.Fatal("left on the server")
	}
}

func TestUnusableAnswersNeverPassAsInvitations(t *testing.T) {
	const pk = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	for name, tc := range map[string]struct {
		method, body string
		call         func(*Client) error
	}{
		"get answering {}": {"GET", `{}`, func(c *Client) error { _, err := c.Get(context.Background(), pk); return err }},
		"get answering another pk": {"GET", `{"pk":"11111111-2222-4333-8444-555555555555","name":"x"}`,
			func(c *Client) error { _, err := c.Get(context.Background(), pk); return err }},
		"create answering {}":       {"POST", `{}`, func(c *Client) error { _, err := c.Create(context.Background(), InvitationRequest{}); return err }},
		"create answering null":     {"POST", `null`, func(c *Client) error { _, err := c.Create(context.Background(), InvitationRequest{}); return err }},
		"list page {}":              {"GET", `{}`, func(c *Client) error { _, _, err := c.List(context.Background(), ListFilter{}); return err }},
		"list page null":            {"GET", `null`, func(c *Client) error { _, _, err := c.List(context.Background(), ListFilter{}); return err }},
		"list page without results": {"GET", `{"pagination":{"next":0,"count":3}}`, func(c *Client) error { _, _, err := c.List(context.Background(), ListFilter{}); return err }},
		"list item without pk":      {"GET", `{"pagination":{"next":0,"count":1},"results":[{"name":"x"}]}`, func(c *Client) error { _, _, err := c.List(context.Background(), ListFilter{}); return err }},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != tc.method {
				w.WriteHeader(405)
				return
			}
			fmt.Fprint(w, tc.body)
		}))
		err := tc.call(newClient(t, ts.URL))
		var me *client.MalformedResponseError
		if !errors.As(err, &me) {
			t.Errorf("%s: got %v", name, err)
		} else if strings.Contains(err.Error(), "11111111") {
			t.Errorf("%s: the error shows an invitation's pk: %v", name, err)
		}
		ts.Close()
	}
}
