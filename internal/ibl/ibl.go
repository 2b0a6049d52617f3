// Package ibl is a typed client for the ibl.ai data manager's program
// invitation API.
package ibl

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

const invitationsPath = "/api/catalog/invitations/program/"

// MaxPageSize is the largest page the client asks for.
const MaxPageSize = 100

// Invitation is a program invitation as the server returns it.
type Invitation struct {
	ID         int64           `json:"id"`
	UserID     *int64          `json:"user_id"`
	Username   *string         `json:"username"`
	Email      *string         `json:"email"`
	Created    *string         `json:"created"`
	Started    *string         `json:"started"`
	Expired    *string         `json:"expired"`
	Source     *string         `json:"source"`
	RedirectTo *string         `json:"redirect_to"`
	Active     bool            `json:"active"`
	Metadata   json.RawMessage `json:"metadata"`
	ProgramKey string          `json:"program_key"`
}

// Org is the platform organization: the part of the program key before "+".
func (i Invitation) Org() string {
	org, _, _ := strings.Cut(i.ProgramKey, "+")
	return org
}

// Upsert is the create-or-update POST body. Nil fields are left out: the
// API's request schema has no nullable field, so a null is never sent.
type Upsert struct {
	ProgramKey       string
	Email            *string
	Username         *string
	Active           *bool
	Source           *string
	RedirectTo       *string
	Expired          *string
	Metadata         json.RawMessage
	EnrollmentConfig json.RawMessage
}

// MarshalJSON writes the fields that are set.
func (u Upsert) MarshalJSON() ([]byte, error) {
	m := map[string]any{"program_key": u.ProgramKey}
	for k, v := range map[string]*string{"email": u.Email, "username": u.Username, "source": u.Source, "redirect_to": u.RedirectTo, "expired": u.Expired} {
		if v != nil {
			m[k] = *v
		}
	}
	if u.Active != nil {
		m["active"] = *u.Active
	}
	if u.Metadata != nil {
		m["metadata"] = u.Metadata
	}
	if u.EnrollmentConfig != nil {
		m["enrollment_config"] = u.EnrollmentConfig
	}
	return json.Marshal(m)
}

// Filter holds the documented list filters. Only these are ever sent: the
// server reads any other parameter as a metadata filter.
type Filter struct {
	ProgramKey, Org, Email, Username, Source string
	Active                                   *bool
	Sort                                     string
	// Metadata filters are sent as <key>=<value>: the server turns every
	// parameter it does not know into metadata__<key>. Keys that collide
	// with a known parameter cannot be filtered on (ReservedParams).
	Metadata map[string]string
	// Max stops after this many invitations (0: all).
	Max int
	// Until stops paging, when sorted by -id, once ids fall below it.
	Until int64
	// Worth, when set, decides after page 1 whether the rest is worth
	// reading (client.ErrNotWorthIt otherwise).
	Worth func(pages int) bool
}

// ReservedParams are the list parameters the server gives a meaning of its
// own; a metadata key with one of these names cannot be filtered on.
var ReservedParams = []string{"program_key", "org", "email", "username", "source", "active", "sort",
	"page", "page_size", "verbose", "program_id", "platform_key", "key", "platform_org", "format"}

// page accepts both envelopes: next/previous (the seed, live servers) and
// next_page/previous_page (the 4.90 OpenAPI).
type page struct {
	Count    int           `json:"count"`
	Next     *string       `json:"next"`
	NextPage *string       `json:"next_page"`
	Results  *[]Invitation `json:"results"`
}

func (p page) next() string {
	if p.Next != nil && *p.Next != "" {
		return *p.Next
	}
	if p.NextPage != nil {
		return *p.NextPage
	}
	return ""
}

// Client talks to one ibl.ai data manager.
type Client struct {
	http *client.Client
}

// New wraps an HTTP core configured for the data manager.
func New(c *client.Client) *Client { return &Client{http: c} }

// Create posts an invitation. On servers that upsert it is safe to repeat,
// but older ones insert a row per POST, so it is never repeated once it may
// have reached the server: the caller reconciles an ambiguous failure.
func (c *Client) Create(ctx context.Context, u Upsert) (*Invitation, error) {
	return c.post(ctx, client.Create, u)
}

// Update posts the invitation's new settings; the server updates the row
// of the same program and user.
func (c *Client) Update(ctx context.Context, u Upsert) (*Invitation, error) {
	return c.post(ctx, client.Upsert, u)
}

func (c *Client) post(ctx context.Context, kind client.Kind, u Upsert) (*Invitation, error) {
	var inv Invitation
	res, err := c.http.Do(ctx, client.Request{Kind: kind, Method: http.MethodPost, Path: invitationsPath, Body: u}, &inv)
	if err != nil {
		return nil, err
	}
	if err := check(res, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// check refuses an invitation without a usable identity: it must never
// reach state.
func check(res *client.Response, inv *Invitation) error {
	switch {
	case inv.ID <= 0:
		return res.Malformed("the invitation has no id")
	case inv.ProgramKey == "":
		return res.Malformed("the invitation has no program_key")
	}
	return nil
}

// Delete sends the documented DELETE with id and org as query parameters.
// It returns nil for an invitation that is already gone. A 200 does not
// prove deletion on every deployment: callers confirm.
func (c *Client) Delete(ctx context.Context, org string, id int64) error {
	q := url.Values{"id": {strconv.FormatInt(id, 10)}, "org": {org}}
	_, err := c.http.Do(ctx, client.Request{Kind: client.Idempotent, Method: http.MethodDelete, Path: invitationsPath, Query: q}, nil)
	if client.IsNotFound(err) {
		return nil
	}
	return err
}

// List returns the invitations matching f, page by page at the largest page
// size, and the count the server reported.
func (c *Client) List(ctx context.Context, f Filter) ([]Invitation, int, error) {
	size := client.PageSize(MaxPageSize, f.Max)
	q := client.Query("program_key", f.ProgramKey, "org", f.Org, "email", f.Email,
		"username", f.Username, "source", f.Source, "sort", f.Sort)
	if f.Active != nil {
		q.Set("active", strconv.FormatBool(*f.Active))
	}
	for k, v := range f.Metadata {
		q.Set(k, v)
	}
	q.Set("page_size", strconv.Itoa(size))

	total := 0
	fetch := func(ctx context.Context, n int) (client.Page[Invitation], error) {
		pq := maps.Clone(q)
		if n > 1 {
			pq.Set("page", strconv.Itoa(n))
		}
		var p page
		res, err := c.http.Do(ctx, client.Request{Kind: client.Read, Method: http.MethodGet, Path: invitationsPath, Query: pq}, &p)
		switch {
		case n > 1 && client.IsNotFound(err):
			return client.Page[Invitation]{}, nil // the listing shrank meanwhile: past its end
		case err != nil:
			return client.Page[Invitation]{}, err
		case p.Results == nil:
			return client.Page[Invitation]{}, res.Malformed("the list page has no results")
		}
		for i := range *p.Results {
			if err := check(res, &(*p.Results)[i]); err != nil {
				return client.Page[Invitation]{}, err
			}
		}
		next, err := nextPage(p.next(), n)
		if err != nil {
			return client.Page[Invitation]{}, err
		}
		if n == 1 {
			total = p.Count
		}
		return client.Page[Invitation]{Items: *p.Results, Total: p.Count, Next: next}, nil
	}
	var stop func(Invitation) bool
	if f.Until > 0 {
		stop = func(inv Invitation) bool { return inv.ID < f.Until }
	}
	out, err := client.Collect(ctx, client.PageOptions{Sequential: f.Until > 0, MaxItems: f.Max, Worth: f.Worth}, fetch,
		func(inv Invitation) int64 { return inv.ID }, stop)
	return out, total, err
}

// nextPage reads the page number out of a next link, absolute or relative.
// Only the number is used: the client keeps its own path (gateway prefix
// included), host, scheme and filters, so a link a proxy rewrote wrongly,
// or one to another host, is never followed. A link that does not move
// forward would loop, so it is an error.
func nextPage(link string, current int) (int, error) {
	if link == "" {
		return 0, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return 0, fmt.Errorf("listing program invitations: unreadable next link %q: %w", link, err)
	}
	n := 1
	if v := u.Query().Get("page"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			return 0, fmt.Errorf("listing program invitations: next link %q has no page number", link)
		}
	}
	if n <= current {
		return 0, fmt.Errorf("listing program invitations: the server's next link after page %d points to page %d; stopping rather than looping", current, n)
	}
	return n, nil
}

// Find looks one invitation up by id with the narrowest list request the
// API allows: its org, program and user. It returns nil when it is gone.
//
// Whether the server compares emails without regard to case is not
// documented, so a miss by email is not taken for absence: the program's
// invitations are then paged newest first (by the unique id), down to the
// id, and the one with that id is returned if its email is the same but
// for case.
func (c *Client) Find(ctx context.Context, org, programKey, email, username string, id int64) (*Invitation, error) {
	f := Filter{Org: org, ProgramKey: programKey, Email: email, Sort: "-id"}
	if email == "" {
		f.Username = username
	}
	inv, err := c.findID(ctx, f, id)
	if inv != nil || err != nil || email == "" {
		return inv, err
	}
	inv, err = c.findID(ctx, Filter{Org: org, ProgramKey: programKey, Sort: "-id", Until: id}, id)
	if inv == nil || err != nil || !strings.EqualFold(deref(inv.Email), email) {
		return nil, err
	}
	return inv, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// FindUser lists the invitations of one user (email, else username) to a
// program, newest first: on servers that upsert there is at most one.
func (c *Client) FindUser(ctx context.Context, org, programKey, email, username string) ([]Invitation, error) {
	f := Filter{Org: org, ProgramKey: programKey, Email: email, Sort: "-id"}
	if email == "" {
		f.Username = username
	}
	rows, _, err := c.List(ctx, f)
	return rows, err
}

// FindInOrg looks an invitation up by id alone (import), paging the org's
// invitations newest first and stopping once ids fall below it.
func (c *Client) FindInOrg(ctx context.Context, org string, id int64) (*Invitation, error) {
	return c.findID(ctx, Filter{Org: org, Sort: "-id", Until: id}, id)
}

func (c *Client) findID(ctx context.Context, f Filter, id int64) (*Invitation, error) {
	all, _, err := c.List(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, nil
}
