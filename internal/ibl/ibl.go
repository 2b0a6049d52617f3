// Package ibl is a typed client for the ibl.ai data manager's invitation
// API: program, course and platform invitations (Kind), one implementation
// that differs by kind only in the path, the key field and the extra fields.
package ibl

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// MaxPageSize is the largest page the client asks for.
const MaxPageSize = 100

// Invitation is an invitation as the server returns it. Which of
// ProgramKey, CourseID and PlatformKey is set depends on its kind (Key
// reads the one that is). user_id and created may be missing from course
// and platform invitations (their schemas do not require them): nil.
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
	CourseID   string          `json:"course_id,omitempty"`
	// PlatformKey is the platform invitation's key (other kinds' answers
	// have none).
	PlatformKey string `json:"platform_key,omitempty"`
	// The platform invitation's user fields, if a server returns them (the
	// 4.202 response schema has none of them: they are nil there).
	CompanyName         *string `json:"company_name,omitempty"`
	FirstName           *string `json:"first_name,omitempty"`
	LastName            *string `json:"last_name,omitempty"`
	UserGroup           *string `json:"user_group,omitempty"`
	UserGroupOwnerEmail *string `json:"user_group_owner_email,omitempty"`

	kind Kind
}

// Kind is the invitation's kind (Program for one the client did not read).
func (i Invitation) Kind() Kind { return i.kind }

// Key is the item the invitation is to: its program_key, course_id or
// platform_key.
func (i Invitation) Key() string {
	switch i.kind {
	case Course:
		return i.CourseID
	case Platform:
		return i.PlatformKey
	}
	return i.ProgramKey
}

// Org is the platform organization when the invitation names it: for a
// program, the part of the program key before "+"; for a platform, its key.
// A course's key does not name it (its edX org is not the platform's): ""
// for courses, whose org is the one the caller asked for.
func (i Invitation) Org() string {
	switch i.kind {
	case Course:
		return ""
	case Platform:
		return i.PlatformKey
	}
	org, _, _ := strings.Cut(i.ProgramKey, "+")
	return org
}

// Upsert is the create-or-update POST body. Nil fields are left out: the
// API's request schema has no nullable field, so a null is never sent.
// Key names the item (program_key, course_id or platform_key, as the
// client's kind says). A field the kind does not have is an error, never
// sent: the server would store it in metadata.
type Upsert struct {
	Key              string
	Email            *string
	Username         *string
	Active           *bool
	Source           *string
	RedirectTo       *string
	Expired          *string
	Metadata         json.RawMessage
	EnrollmentConfig json.RawMessage // programs and courses
	// AccessStartDate and AccessExpirationDate are a program's or course's
	// program_access_* or course_access_* dates (SDK 4.202).
	AccessStartDate, AccessExpirationDate *string
	// The platform invitation's user fields.
	CompanyName, FirstName, LastName, UserGroup, UserGroupOwnerEmail *string
}

// body is the POST body for kind k: the fields that are set.
func (u Upsert) body(k Kind) (map[string]any, error) {
	if u.Key == "" {
		return nil, fmt.Errorf("ibl: a %s invitation needs its %s", k, k.KeyField())
	}
	m := map[string]any{k.KeyField(): u.Key}
	set := func(fields map[string]*string) {
		for f, v := range fields {
			if v != nil {
				m[f] = *v
			}
		}
	}
	set(map[string]*string{"email": u.Email, "username": u.Username, "source": u.Source, "redirect_to": u.RedirectTo, "expired": u.Expired})
	if u.Active != nil {
		m["active"] = *u.Active
	}
	if u.Metadata != nil {
		m["metadata"] = u.Metadata
	}
	spec := k.spec()
	if u.EnrollmentConfig != nil {
		if !spec.enrollmentConfig {
			return nil, fmt.Errorf("ibl: %s invitations have no enrollment_config", k)
		}
		m["enrollment_config"] = u.EnrollmentConfig
	}
	for i, v := range []*string{u.AccessStartDate, u.AccessExpirationDate} {
		switch {
		case v == nil:
		case spec.accessDates[i] == "":
			return nil, fmt.Errorf("ibl: %s invitations have no access dates", k)
		default:
			m[spec.accessDates[i]] = *v
		}
	}
	user := map[string]*string{"company_name": u.CompanyName, "first_name": u.FirstName, "last_name": u.LastName,
		"user_group": u.UserGroup, "user_group_owner_email": u.UserGroupOwnerEmail}
	for f, v := range user {
		if v != nil && !spec.userFields {
			return nil, fmt.Errorf("ibl: %s invitations have no %s", k, f)
		}
	}
	set(user)
	return m, nil
}

// StoredAsMetadata lists the fields of u that the server stored in inv's
// metadata instead of applying them: a server older than a field stores any
// body key it does not know as metadata ("Any additional parameters will be
// added as metadata"). Keys of the metadata u itself sent do not count.
func (u Upsert) StoredAsMetadata(k Kind, inv *Invitation) []string {
	body, err := u.body(k)
	var stored, sent map[string]json.RawMessage
	if err != nil || json.Unmarshal(inv.Metadata, &stored) != nil || len(stored) == 0 {
		return nil
	}
	_ = json.Unmarshal(u.Metadata, &sent) // none sent: nil
	var out []string
	for name := range body {
		_, inMetadata := stored[name]
		_, sentAsMetadata := sent[name]
		if name != "metadata" && name != k.KeyField() && inMetadata && !sentAsMetadata {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Filter holds the documented list filters. Only these are ever sent: the
// server reads any other parameter as a metadata filter. Key filters on the
// item (program_key, course_id or platform_key, as the client's kind says;
// sent URL-encoded, course ids hold "+" and ":").
type Filter struct {
	Key, Org, Email, Username, Source string
	Active                            *bool
	Sort                              string
	// Metadata filters are sent as <key>=<value>: the server turns every
	// parameter it does not know into metadata__<key>. Keys that collide
	// with a known parameter cannot be filtered on (Kind.ReservedParams).
	Metadata map[string]string
	// Max stops after this many invitations (0: all).
	Max int
	// Until stops paging, when sorted by -id, once ids fall below it.
	Until int64
	// MaxPages, when not 0, reads no further than page 1 of a listing of
	// more pages (client.ErrTooManyPages, with page 1's invitations).
	MaxPages int
}

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

// Client talks to one kind of invitation of one ibl.ai data manager.
type Client struct {
	http *client.Client
	kind Kind
}

// New is a client of the kind's invitations on an HTTP core configured for
// the data manager.
func New(c *client.Client, k Kind) *Client {
	_ = k.spec() // a kind that does not exist fails here, not at the first call
	return &Client{http: c, kind: k}
}

// Create posts an invitation. On servers that upsert it is safe to repeat,
// but older ones insert a row per POST, so it is never repeated once it may
// have reached the server: the caller reconciles an ambiguous failure.
func (c *Client) Create(ctx context.Context, u Upsert) (*Invitation, error) {
	return c.post(ctx, client.Create, u)
}

// Update posts the invitation's new settings; the server updates the row
// of the same item and user.
func (c *Client) Update(ctx context.Context, u Upsert) (*Invitation, error) {
	return c.post(ctx, client.Upsert, u)
}

func (c *Client) post(ctx context.Context, kind client.Kind, u Upsert) (*Invitation, error) {
	body, err := u.body(c.kind)
	if err != nil {
		return nil, err
	}
	var inv Invitation
	res, err := c.http.Do(ctx, client.Request{Kind: kind, Method: http.MethodPost, Path: c.kind.Path(), Body: body}, &inv)
	if err != nil {
		return nil, err
	}
	if err := c.check(res, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// check refuses an invitation without a usable identity: it must never
// reach state. It marks the invitation with the client's kind.
func (c *Client) check(res *client.Response, inv *Invitation) error {
	inv.kind = c.kind
	switch {
	case inv.ID <= 0:
		return res.Malformed("the invitation has no id")
	case inv.Key() == "":
		return res.Malformed("the invitation has no " + c.kind.KeyField())
	}
	return nil
}

// Delete sends the documented DELETE with id and org as query parameters
// (org: the platform's; for a platform invitation, its platform_key). It
// returns nil for an invitation that is already gone. A 200 does not prove
// deletion: real servers keep the row, so callers confirm.
func (c *Client) Delete(ctx context.Context, org string, id int64) error {
	q := url.Values{"id": {strconv.FormatInt(id, 10)}, "org": {org}}
	_, err := c.http.Do(ctx, client.Request{Kind: client.Idempotent, Method: http.MethodDelete, Path: c.kind.Path(), Query: q}, nil)
	if client.IsNotFound(err) {
		return nil
	}
	return err
}

// List returns the invitations matching f, page by page at the largest page
// size, and the count the server reported.
func (c *Client) List(ctx context.Context, f Filter) ([]Invitation, int, error) {
	size := client.PageSize(MaxPageSize, f.Max)
	q := client.Query(c.kind.KeyField(), f.Key, "org", f.Org, "email", f.Email,
		"username", f.Username, "source", f.Source, "sort", f.Sort)
	if f.Active != nil {
		q.Set("active", strconv.FormatBool(*f.Active))
	}
	for k, v := range f.Metadata {
		if c.kind.reserved(k) {
			return nil, 0, fmt.Errorf("ibl: %q is a %s invitation filter of its own; it cannot filter on metadata", k, c.kind)
		}
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
		res, err := c.http.Do(ctx, client.Request{Kind: client.Read, Method: http.MethodGet, Path: c.kind.Path(), Query: pq}, &p)
		switch {
		case n > 1 && client.IsNotFound(err):
			return client.Page[Invitation]{}, nil // the listing shrank meanwhile: past its end
		case err != nil:
			return client.Page[Invitation]{}, err
		case p.Results == nil:
			return client.Page[Invitation]{}, res.Malformed("the list page has no results")
		}
		for i := range *p.Results {
			if err := c.check(res, &(*p.Results)[i]); err != nil {
				return client.Page[Invitation]{}, err
			}
		}
		next, err := c.nextPage(p.next(), n)
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
	out, err := client.Collect(ctx, client.PageOptions{Sequential: f.Until > 0, MaxItems: f.Max, MaxPages: f.MaxPages}, fetch,
		func(inv Invitation) int64 { return inv.ID }, stop)
	return out, total, err
}

// nextPage reads the page number out of a next link, absolute or relative.
// Only the number is used: the client keeps its own path (gateway prefix
// included), host, scheme and filters, so a link a proxy rewrote wrongly,
// or one to another host, is never followed. A link that does not move
// forward would loop, so it is an error.
func (c *Client) nextPage(link string, current int) (int, error) {
	if link == "" {
		return 0, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return 0, fmt.Errorf("listing %s invitations: unreadable next link %q: %w", c.kind, link, err)
	}
	n := 1
	if v := u.Query().Get("page"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			return 0, fmt.Errorf("listing %s invitations: next link %q has no page number", c.kind, link)
		}
	}
	if n <= current {
		return 0, fmt.Errorf("listing %s invitations: the server's next link after page %d points to page %d; stopping rather than looping", c.kind, current, n)
	}
	return n, nil
}

// Find looks one invitation up by id with the narrowest list request the
// API allows: its org, item (program_key, course_id or platform_key) and
// user. It returns nil when it is gone.
//
// Whether the server compares emails without regard to case is not
// documented, so a miss by email is not taken for absence: the item's
// invitations are then paged newest first (by the unique id), down to the
// id, and the one with that id is returned if its email is the same but
// for case.
func (c *Client) Find(ctx context.Context, org, key, email, username string, id int64) (*Invitation, error) {
	f := Filter{Org: org, Key: key, Email: email, Sort: "-id"}
	if email == "" {
		f.Username = username
	}
	inv, err := c.findID(ctx, f, id)
	if inv != nil || err != nil || email == "" {
		return inv, err
	}
	inv, err = c.findID(ctx, Filter{Org: org, Key: key, Sort: "-id", Until: id}, id)
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

// FindUser lists the invitations of one user (email, else username) to an
// item, newest first: on servers that upsert there is at most one.
func (c *Client) FindUser(ctx context.Context, org, key, email, username string) ([]Invitation, error) {
	f := Filter{Org: org, Key: key, Email: email, Sort: "-id"}
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
