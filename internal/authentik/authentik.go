// Package authentik is a typed client for authentik's stage invitation API.
package authentik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// APIPath is where authentik serves its API below the instance URL.
const APIPath = "/api/v3"

const invitationsPath = "/stages/invitation/invitations/"

// MaxPageSize is the largest page the client asks for. Servers since
// 2025.12 cap it at the tenant's pagination_max_page_size (100 by default)
// and say so in total_pages; older ones serve it whole.
const MaxPageSize = 1000

// DefaultOrdering is the order listings ask for when the caller names none:
// authentik's own -expires, with the pk as a tie break. The server breaks
// no tie itself, so without a unique key rows that share an expires come
// back in any order, and pages skip or repeat them.
const DefaultOrdering = "-expires,pk"

// orderingWithKey makes an ordering unique by appending pk when it has no
// unique key (pk) yet.
func orderingWithKey(o string) string {
	if strings.TrimSpace(o) == "" {
		return DefaultOrdering
	}
	for _, f := range strings.Split(o, ",") {
		if strings.TrimPrefix(strings.TrimSpace(f), "-") == "pk" {
			return o
		}
	}
	return o + ",pk"
}

// Invitation is an invitation as authentik returns it.
type Invitation struct {
	PK        string          `json:"pk"`
	Name      string          `json:"name"`
	Expires   *string         `json:"expires"`
	FixedData json.RawMessage `json:"fixed_data"`
	SingleUse bool            `json:"single_use"`
	Flow      *string         `json:"flow"`
	CreatedBy *PartialUser    `json:"created_by"`
	FlowObj   *Flow           `json:"flow_obj"`
}

// PartialUser is the invitation's creator.
type PartialUser struct {
	PK       int64  `json:"pk"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// Flow is the part of the flow the provider uses.
type Flow struct {
	PK   string `json:"pk"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// InvitationRequest is a create or update body. Pointer fields left nil
// are left out of a PATCH; NullExpires/NullFlow send an explicit null.
type InvitationRequest struct {
	Name      *string
	Expires   *string
	FixedData json.RawMessage
	SingleUse *bool
	Flow      *string

	NullExpires bool
	NullFlow    bool
}

// MarshalJSON writes only the fields that are set.
func (r InvitationRequest) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if r.Name != nil {
		m["name"] = *r.Name
	}
	switch {
	case r.NullExpires:
		m["expires"] = nil
	case r.Expires != nil:
		m["expires"] = *r.Expires
	}
	if r.FixedData != nil {
		m["fixed_data"] = r.FixedData
	}
	if r.SingleUse != nil {
		m["single_use"] = *r.SingleUse
	}
	switch {
	case r.NullFlow:
		m["flow"] = nil
	case r.Flow != nil:
		m["flow"] = *r.Flow
	}
	return json.Marshal(m)
}

// ListFilter holds the list endpoint's filters; empty ones are not sent.
type ListFilter struct {
	Name              string
	CreatedByUsername string
	Expires           string
	FlowSlug          string
	Search            string
	// Ordering is the order asked for; pk is appended as a tie break when
	// it has none (empty: DefaultOrdering), so that pages neither skip nor
	// repeat rows that tie.
	Ordering string
	// Max stops after this many invitations (0: all).
	Max int
	// MaxPages, when not 0, reads no further than page 1 of a listing of
	// more pages (client.ErrTooManyPages, with page 1's invitations).
	MaxPages int
}

// page is one page of the list envelope; next and previous are page numbers,
// 0 when there is none. Pointers tell a missing part from an empty one.
type page struct {
	Pagination *struct {
		Next       int `json:"next"`
		Previous   int `json:"previous"`
		Count      int `json:"count"`
		Current    int `json:"current"`
		TotalPages int `json:"total_pages"`
	} `json:"pagination"`
	Results *[]Invitation `json:"results"`
}

// Client talks to one authentik instance.
type Client struct {
	http     *client.Client
	redactor *Redactor
	// LinkURL is the address enrollment links are built on: the instance's
	// public one, without the API path.
	LinkURL string
}

// NormalizeURL splits a configured URL into the instance URL and the API
// base, appending /api/v3 when it is missing.
func NormalizeURL(raw string) (instance, api string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not shown: a URL that does not parse may hold a password.
		return "", "", errors.New("the authentik URL is not an absolute http(s) URL")
	}
	u.RawQuery, u.Fragment = "", ""
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, APIPath)
	u.Path = p
	instance = u.String()
	u.Path = p + APIPath
	return instance, u.String(), nil
}

var (
	invitationPathRE = regexp.MustCompile(`(?i)(invitations/)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}`)
	anyUUIDRE        = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b`)
	uuidRE           = regexp.MustCompile(`(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$`)
)

// Redactor hides invite tokens in anything that reaches a log or an error.
// An invitation's pk is its invite token, and a server may echo one in any
// message, so every UUID is masked except the flows', which are no secret
// and which a user needs to read in a validation error.
type Redactor struct {
	flows sync.Map // lower-case flow UUID -> struct{}
}

// NewRedactor returns a redactor that knows no flow yet.
func NewRedactor() *Redactor { return &Redactor{} }

// KnownFlow records a flow UUID, which is then shown as it is.
func (r *Redactor) KnownFlow(pk string) {
	if pk != "" {
		r.flows.Store(strings.ToLower(pk), struct{}{})
	}
}

// Redact masks invite tokens in s.
func (r *Redactor) Redact(s string) string {
	s = invitationPathRE.ReplaceAllString(s, "${1}{invite_uuid}")
	return anyUUIDRE.ReplaceAllStringFunc(s, func(u string) string {
		if _, ok := r.flows.Load(strings.ToLower(u)); ok {
			return u
		}
		return "***"
	})
}

// LogMasks are the patterns masked in logs: every UUID, since any may be an
// invite token (flows included: a log needs no flow to be readable).
var LogMasks = []*regexp.Regexp{anyUUIDRE}

// New returns a client over c, whose configuration redacts with redactor;
// its enrollment links are built on linkURL, the instance's public address.
func New(linkURL string, c *client.Client, redactor *Redactor) *Client {
	return &Client{http: c, redactor: redactor, LinkURL: strings.TrimRight(linkURL, "/")}
}

// InviteURL is the enrollment link of an invitation bound to a flow; it
// carries the invite token.
func (c *Client) InviteURL(flowSlug, pk string) string {
	return fmt.Sprintf("%s/if/flow/%s/?itoken=%s", c.LinkURL, url.PathEscape(flowSlug), url.QueryEscape(pk))
}

// Get retrieves one invitation. An answer about another invitation, or
// without one, is an error: it must never reach state.
func (c *Client) Get(ctx context.Context, pk string) (*Invitation, error) {
	var inv Invitation
	res, err := c.http.Do(ctx, client.Request{Kind: client.Read, Method: http.MethodGet, Path: invitationsPath + url.PathEscape(pk) + "/"}, &inv)
	if err != nil {
		return nil, err
	}
	if err := c.check(res, &inv); err != nil {
		return nil, err
	}
	if !strings.EqualFold(strings.ReplaceAll(inv.PK, "-", ""), strings.ReplaceAll(pk, "-", "")) {
		return nil, res.Malformed("the server answered with another invitation than the one asked for")
	}
	return &inv, nil
}

// Create posts a new invitation. It is never repeated once it may have
// reached the server: the caller reconciles an ambiguous failure, a 2xx
// without a usable invitation included.
func (c *Client) Create(ctx context.Context, req InvitationRequest) (*Invitation, error) {
	c.knowFlows(req.Flow)
	var inv Invitation
	res, err := c.http.Do(ctx, client.Request{Kind: client.Create, Method: http.MethodPost, Path: invitationsPath, Body: req}, &inv)
	if err != nil {
		return nil, err
	}
	if err := c.check(res, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// Patch updates the fields set in req.
func (c *Client) Patch(ctx context.Context, pk string, req InvitationRequest) (*Invitation, error) {
	c.knowFlows(req.Flow)
	var inv Invitation
	res, err := c.http.Do(ctx, client.Request{Kind: client.Idempotent, Method: http.MethodPatch, Path: invitationsPath + url.PathEscape(pk) + "/", Body: req}, &inv)
	if err != nil {
		return nil, err
	}
	if err := c.check(res, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// check refuses an invitation without a usable identity and records its
// flow as one that may be shown.
func (c *Client) check(res *client.Response, inv *Invitation) error {
	if !uuidRE.MatchString(inv.PK) {
		return res.Malformed("the invitation has no pk (UUID)")
	}
	if inv.Name == "" {
		return res.Malformed("the invitation has no name")
	}
	c.knowFlows(inv.Flow)
	if inv.FlowObj != nil {
		c.knowFlows(&inv.FlowObj.PK)
	}
	return nil
}

func (c *Client) knowFlows(pk *string) {
	if pk != nil && c.redactor != nil {
		c.redactor.KnownFlow(*pk)
	}
}

// SendEmailRequest is the send_email body.
type SendEmailRequest struct {
	EmailAddresses []string `json:"email_addresses"`
	CCAddresses    []string `json:"cc_addresses,omitempty"`
	BCCAddresses   []string `json:"bcc_addresses,omitempty"`
	Template       string   `json:"template,omitempty"`
}

// SendEmail has authentik email the invitation's link. An email cannot be
// taken back, so it is sent as a create: repeated only when the server
// refused it (429) or it never left; any other failure may have sent it.
func (c *Client) SendEmail(ctx context.Context, pk string, req SendEmailRequest) error {
	_, err := c.http.Do(ctx, client.Request{Kind: client.Create, Method: http.MethodPost, Path: invitationsPath + url.PathEscape(pk) + "/send_email/", Body: req}, nil)
	return err
}

// Delete removes an invitation. A 404 comes back as the error it is:
// authentik answers it both for an invitation that is gone and for one the
// token may not view.
func (c *Client) Delete(ctx context.Context, pk string) error {
	_, err := c.http.Do(ctx, client.Request{Kind: client.Idempotent, Method: http.MethodDelete, Path: invitationsPath + url.PathEscape(pk) + "/"}, nil)
	return err
}

// List returns every invitation matching the filter, page by page at the
// largest page size, and the total the server counted. A page without its
// envelope or results is an error, never an empty list.
func (c *Client) List(ctx context.Context, f ListFilter) ([]Invitation, int, error) {
	size := client.PageSize(MaxPageSize, f.Max)
	q := client.Query("name", f.Name, "created_by__username", f.CreatedByUsername, "expires", f.Expires,
		"flow__slug", f.FlowSlug, "search", f.Search, "ordering", orderingWithKey(f.Ordering))
	q.Set("page_size", strconv.Itoa(size))

	total := 0
	fetch := func(ctx context.Context, n int) (client.Page[Invitation], error) {
		pq := maps.Clone(q)
		pq.Set("page", strconv.Itoa(n))
		var p page
		res, err := c.http.Do(ctx, client.Request{Kind: client.Read, Method: http.MethodGet, Path: invitationsPath, Query: pq}, &p)
		switch {
		case n > 1 && client.IsNotFound(err):
			return client.Page[Invitation]{}, nil // the listing shrank meanwhile: past its end
		case err != nil:
			return client.Page[Invitation]{}, err
		case p.Pagination == nil || p.Results == nil:
			return client.Page[Invitation]{}, res.Malformed("the list page has no pagination or no results")
		}
		for i := range *p.Results {
			if err := c.check(res, &(*p.Results)[i]); err != nil {
				return client.Page[Invitation]{}, err
			}
		}
		if n == 1 {
			total = p.Pagination.Count
		}
		return client.Page[Invitation]{Items: *p.Results, Total: p.Pagination.Count, Next: p.Pagination.Next, Last: p.Pagination.TotalPages}, nil
	}
	out, err := client.Collect(ctx, client.PageOptions{MaxItems: f.Max, MaxPages: f.MaxPages}, fetch,
		func(inv Invitation) string { return inv.PK }, nil)
	if err != nil && !errors.Is(err, client.ErrTooManyPages) {
		return nil, 0, fmt.Errorf("listing invitations: %w", err)
	}
	return out, total, err
}

// FindByName lists the invitations with this exact name.
func (c *Client) FindByName(ctx context.Context, name string) ([]Invitation, error) {
	out, _, err := c.List(ctx, ListFilter{Name: name})
	return out, err
}
