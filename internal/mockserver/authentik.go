package mockserver

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

const authentikPrefix = "/api/v3/stages/invitation/invitations/"

// User is an authentik user a token authenticates.
type User struct {
	PK       int
	Username string
	Name     string
	Email    string
	// ReadOnly users may list and retrieve, nothing else.
	ReadOnly bool
	// Permissions, when not nil, are the user's global permissions on
	// invitations, as authentik's RBAC checks each action: add_invitation,
	// view_invitation, change_invitation, delete_invitation. nil is every
	// permission (a superuser). A user who may view no invitation gets 403
	// on the list and 404 for each invitation.
	Permissions []string
	// ViewCreatedBy are the users (PKs) whose invitations the user may view
	// without view_invitation (object permissions, such as an instance may
	// grant a creator on its own): the list shows only those, and the others
	// are 404.
	ViewCreatedBy []int
}

// may tells whether the user holds a global permission on invitations.
func (u User) may(perm string) bool {
	switch {
	case u.ReadOnly:
		return perm == "view_invitation"
	case u.Permissions == nil:
		return true
	}
	return slices.Contains(u.Permissions, perm)
}

// sees tells whether the user may view the invitation.
func (u User) sees(inv *akInvitation) bool {
	return u.may("view_invitation") || slices.Contains(u.ViewCreatedBy, inv.CreatedBy.PK)
}

// Flow is an authentik flow invitations may be bound to.
type Flow struct {
	PK, Slug, Name, Title, Designation string
}

// Default credentials of the mock, printed by cmd/mockserver.
const (
	AuthentikAdminToken    = "mock-authentik-admin-token"
	AuthentikReadOnlyToken = "mock-authentik-readonly-token"
	// AuthentikBlindToken's user may add, change and delete invitations,
	// and view none.
	AuthentikBlindToken = "mock-authentik-blind-token"
	// AuthentikOwnToken's user may add, change and delete invitations, and
	// view those it created.
	AuthentikOwnToken = "mock-authentik-own-token"
)

// DefaultAuthentikTokens: an admin, a read-only user, and two users of the
// least privileges a token may have (AuthentikBlindToken, AuthentikOwnToken).
func DefaultAuthentikTokens() map[string]User {
	writer := []string{"add_invitation", "change_invitation", "delete_invitation"}
	return map[string]User{
		AuthentikAdminToken:    {PK: 1, Username: "akadmin", Name: "authentik Default Admin", Email: "root@localhost"},
		AuthentikReadOnlyToken: {PK: 7, Username: "auditor", Name: "Read-only Auditor", Email: "auditor@localhost", ReadOnly: true},
		AuthentikBlindToken:    {PK: 8, Username: "blind-writer", Name: "Writer who may view nothing", Email: "blind@localhost", Permissions: writer},
		AuthentikOwnToken: {PK: 9, Username: "own-writer", Name: "Writer who may view its own", Email: "own@localhost",
			Permissions: writer, ViewCreatedBy: []int{9}},
	}
}

// DefaultFlows: two enrollment flows with fixed identifiers.
func DefaultFlows() []Flow {
	return []Flow{
		{PK: "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10", Slug: "default-enrollment-flow", Name: "Default enrollment flow", Title: "Welcome to authentik!", Designation: "enrollment"},
		{PK: "7d8e1f0a-3b2c-4d5e-9f60-718293a4b5c6", Slug: "contractor-enrollment", Name: "Contractor enrollment", Title: "Welcome, contractor", Designation: "enrollment"},
	}
}

type akInvitation struct {
	PK        string
	Name      string
	Expires   *time.Time
	FixedData map[string]any
	SingleUse bool
	Flow      *string
	CreatedBy User
	seq       int
}

type authentikStore struct {
	byPK map[string]*akInvitation
	seq  int
	// ties orders rows that tie, anew for every list request.
	ties *mrand.Rand
	// cleanupAfterPages runs the cleanup job after each of that many list
	// pages served (CleanupAuthentikAfterListPages).
	cleanupAfterPages int
}

func newAuthentikStore(seed uint64) *authentikStore {
	return &authentikStore{byPK: map[string]*akInvitation{}, ties: mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// DefaultAuthentikVersion is the release the mock plays by default: the
// newest the OpenAPI extract describes.
const DefaultAuthentikVersion = "2026.8"

// authentikAtLeast tells whether the release played is v ("YYYY.M") or
// newer.
func (s *Server) authentikAtLeast(v string) bool {
	return compareVersions(s.opts.AuthentikVersion, v) >= 0
}

// compareVersions compares "YYYY.M[.P]" releases part by part, numerically.
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

// StartCleanup runs the cleanup job every AuthentikCleanupInterval until
// Close (Start does this; New leaves it to the caller).
func (s *Server) StartCleanup() {
	every := s.opts.AuthentikCleanupInterval
	if every <= 0 {
		return
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.CleanupAuthentik()
			}
		}
	}()
}

// Close stops the cleanup job.
func (s *Server) Close() { s.stopOnce.Do(func() { close(s.stop) }) }

// CleanupAuthentik runs the cleanup job now, as authentik's
// clean_expired_models does: it deletes the invitations whose expires has
// passed and, since Django's exclude(expires__gt=now) selects a null, the
// ones without expires. It returns how many it deleted.
func (s *Server) CleanupAuthentik() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cleanupAuthentik()
}

func (s *Server) cleanupAuthentik() int {
	now := s.now()
	n := 0
	for pk, inv := range s.ak.byPK {
		if inv.Expires == nil || !inv.Expires.After(now) {
			delete(s.ak.byPK, pk)
			n++
		}
	}
	return n
}

// CleanupAuthentikAfterListPages runs the cleanup job right after each of
// the next n list pages is served: rows vanish while a client pages, as
// they do when the job runs in the middle of a listing.
func (s *Server) CleanupAuthentikAfterListPages(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ak.cleanupAfterPages = n
}

var slugRE = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

// authentikUser answers 403 as authentik does: its token authentication
// sends no WWW-Authenticate header, so DRF never turns a failure into 401.
func (s *Server) authentikUser(w http.ResponseWriter, r *http.Request) (User, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		writeJSON(w, http.StatusForbidden, map[string]any{"detail": "Authentication credentials were not provided."})
		return User{}, false
	}
	scheme, token, _ := strings.Cut(h, " ")
	u, ok := s.opts.AuthentikTokens[strings.TrimSpace(token)]
	if !strings.EqualFold(scheme, "Bearer") || !ok {
		writeJSON(w, http.StatusForbidden, map[string]any{"detail": "Token invalid/expired"})
		return User{}, false
	}
	return u, true
}

// denied answers 403 as DRF does for a permission the user lacks.
func denied(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]any{"detail": "You do not have permission to perform this action."})
}

func (s *Server) serveAuthentik(w http.ResponseWriter, r *http.Request, rest string) {
	user, ok := s.authentikUser(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if rest == "" {
		switch {
		case r.Method == http.MethodGet && !user.may("view_invitation") && len(user.ViewCreatedBy) == 0:
			denied(w) // a user who may view no invitation may not list them
		case r.Method == http.MethodGet:
			s.akList(w, r, user)
		case r.Method == http.MethodPost && !user.may("add_invitation"):
			denied(w)
		case r.Method == http.MethodPost:
			s.akCreate(w, r, user)
		default:
			methodNotAllowed(w, r)
		}
		return
	}
	if !strings.HasSuffix(rest, "/") {
		// Django's APPEND_SLASH cannot redirect a POST; real servers 404.
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
		return
	}
	if len(parts) == 2 && parts[1] == "send_email" && !s.authentikAtLeast("2026.3") {
		// No such route before the endpoint was added (every 2026.2.x).
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
		return
	}
	inv := s.ak.byPK[strings.ToLower(parts[0])]
	if !uuidRE.MatchString(parts[0]) || inv == nil || !user.sees(inv) {
		// An invitation the user may not view is filtered out of the
		// viewset's queryset: 404, as for one that does not exist.
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "No Invitation matches the given query."})
		return
	}
	switch {
	case len(parts) == 1 && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.akRender(inv))
	case len(parts) == 1 && (r.Method == http.MethodPut || r.Method == http.MethodPatch) && !user.may("change_invitation"),
		len(parts) == 1 && r.Method == http.MethodDelete && !user.may("delete_invitation"),
		len(parts) == 2 && parts[1] == "send_email" && !user.may("add_invitation"):
		denied(w)
	case len(parts) == 1 && (r.Method == http.MethodPut || r.Method == http.MethodPatch):
		s.akUpdate(w, r, inv, r.Method == http.MethodPatch)
	case len(parts) == 1 && r.Method == http.MethodDelete:
		delete(s.ak.byPK, inv.PK)
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 2 && parts[1] == "used_by" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, []any{})
	case len(parts) == 2 && parts[1] == "send_email" && r.Method == http.MethodPost:
		s.akSendEmail(w, r, inv)
	default:
		methodNotAllowed(w, r)
	}
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"detail": fmt.Sprintf("Method \"%s\" not allowed.", r.Method)})
}

func (s *Server) akRender(inv *akInvitation) map[string]any {
	out := map[string]any{
		"pk":         inv.PK,
		"name":       inv.Name,
		"expires":    nil,
		"fixed_data": inv.FixedData,
		"created_by": map[string]any{
			"pk": inv.CreatedBy.PK, "username": inv.CreatedBy.Username, "name": inv.CreatedBy.Name,
			"is_active": true, "last_login": nil, "email": inv.CreatedBy.Email, "attributes": map[string]any{},
			"uid": fmt.Sprintf("%064x", inv.CreatedBy.PK),
		},
		"single_use": inv.SingleUse,
		"flow":       nil,
		"flow_obj":   nil,
	}
	if inv.Expires != nil {
		out["expires"] = drfTime(*inv.Expires)
	}
	if inv.Flow != nil {
		out["flow"] = *inv.Flow
		if f, ok := s.flowByPK(*inv.Flow); ok {
			out["flow_obj"] = map[string]any{
				"pk": f.PK, "policybindingmodel_ptr_id": f.PK, "name": f.Name, "slug": f.Slug, "title": f.Title,
				"designation": f.Designation, "background": "", "background_url": "/static/dist/assets/images/flow_background.jpg",
				"background_themed_urls": nil, "stages": []string{}, "policies": []string{}, "cache_count": 0,
				"policy_engine_mode": "any", "compatibility_mode": false, "export_url": "/api/v3/flows/instances/" + f.Slug + "/export/",
				"layout": "stacked", "denied_action": "message_continue", "authentication": "none",
			}
		}
	}
	return out
}

func (s *Server) flowByPK(pk string) (Flow, bool) {
	for _, f := range s.opts.Flows {
		if strings.EqualFold(f.PK, pk) {
			return f, true
		}
	}
	return Flow{}, false
}

// akValidate checks a request body as the InvitationRequest serializer
// does, collecting DRF-style messages per field.
func (s *Server) akValidate(body map[string]any, partial bool, inv *akInvitation) map[string][]string {
	errs := map[string][]string{}
	if v, ok := body["name"]; ok {
		name, isStr := v.(string)
		switch {
		case v == nil:
			errs["name"] = []string{"This field may not be null."}
		case !isStr:
			errs["name"] = []string{"Not a valid string."}
		case strings.TrimSpace(name) == "":
			errs["name"] = []string{"This field may not be blank."}
		case len([]rune(name)) > 50 && !s.authentikAtLeast("2025.12"):
			errs["name"] = []string{"Ensure this field has no more than 50 characters."}
		case !slugRE.MatchString(name):
			errs["name"] = []string{"Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."}
		default:
			inv.Name = name
		}
	} else if !partial {
		errs["name"] = []string{"This field is required."}
	}
	if v, ok := body["expires"]; ok {
		if v == nil && !s.authentikAtLeast("2024.4") {
			errs["expires"] = []string{"This field may not be null."}
		} else if v == nil {
			inv.Expires = nil
		} else if str, isStr := v.(string); !isStr {
			errs["expires"] = []string{"Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."}
		} else if t, err := parseDRFTime(str); err != nil {
			errs["expires"] = []string{"Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."}
		} else {
			inv.Expires = &t
		}
	}
	if v, ok := body["fixed_data"]; ok {
		obj, isObj := v.(map[string]any)
		if v == nil {
			errs["fixed_data"] = []string{"This field may not be null."}
		} else if !isObj {
			errs["fixed_data"] = []string{fmt.Sprintf("Expected a dictionary of items but got type \"%s\".", pyType(v))}
		} else {
			inv.FixedData = obj
		}
	}
	if v, ok := body["single_use"]; ok {
		b, isBool := v.(bool)
		if v == nil {
			errs["single_use"] = []string{"This field may not be null."}
		} else if !isBool {
			errs["single_use"] = []string{"Must be a valid boolean."}
		} else {
			inv.SingleUse = b
		}
	}
	if v, ok := body["flow"]; ok {
		if v == nil {
			inv.Flow = nil
		} else if str, isStr := v.(string); !isStr || !uuidRE.MatchString(str) {
			errs["flow"] = []string{fmt.Sprintf("“%v” is not a valid UUID.", v)}
		} else if f, known := s.flowByPK(str); !known {
			errs["flow"] = []string{fmt.Sprintf("Invalid pk \"%s\" - object does not exist.", str)}
		} else {
			pk := f.PK
			inv.Flow = &pk
		}
	}
	return errs
}

func pyType(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case float64:
		return "int"
	case bool:
		return "bool"
	case nil:
		return "NoneType"
	}
	return "object"
}

func decodeBody(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(&body); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"detail": "JSON parse error - " + err.Error()})
		return nil, false
	}
	if body == nil {
		body = map[string]any{}
	}
	return body, true
}

func (s *Server) akCreate(w http.ResponseWriter, r *http.Request, user User) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	inv := &akInvitation{FixedData: map[string]any{}}
	if _, given := body["expires"]; !given && !s.authentikAtLeast("2024.4") {
		// 2021.8 to 2024.2: the model's default, now + 30 minutes.
		t := s.now().Add(30 * time.Minute).UTC().Truncate(time.Microsecond)
		inv.Expires = &t
	}
	if errs := s.akValidate(body, false, inv); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	inv.PK = newUUID()
	inv.CreatedBy = user
	s.ak.seq++
	inv.seq = s.ak.seq
	s.ak.byPK[inv.PK] = inv
	writeJSON(w, http.StatusCreated, s.akRender(inv))
}

func (s *Server) akUpdate(w http.ResponseWriter, r *http.Request, inv *akInvitation, partial bool) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	// PUT requires name but, as DRF's update does, leaves the optional
	// fields it omits as they are.
	next := *inv
	if errs := s.akValidate(body, partial, &next); len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	*inv = next
	writeJSON(w, http.StatusOK, s.akRender(inv))
}

// akTemplates are the email templates the mock's authentik ships; any
// other path fails to render (TemplateDoesNotExist), a 500.
var akTemplates = map[string]bool{"email/invitation.html": true, "email/setup.html": true, "email/password_reset.html": true}

// akSendEmail follows the view, which reads the raw body, not its
// serializer: no address is validated, email_addresses must be a
// non-empty list, template defaults to email/invitation.html (the
// serializer's default "invitation" is never applied), and an invitation
// without a flow cannot be sent.
func (s *Server) akSendEmail(w http.ResponseWriter, r *http.Request, inv *akInvitation) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	list := func(field string) []string {
		items, _ := body[field].([]any)
		var out []string
		for _, item := range items {
			out = append(out, fmt.Sprint(item))
		}
		return out
	}
	to := list("email_addresses")
	if len(to) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "No email addresses provided"})
		return
	}
	if inv.Flow == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Invitation has no associated flow"})
		return
	}
	template := "email/invitation.html"
	if v, present := body["template"]; present {
		template = fmt.Sprint(v)
	}
	if !akTemplates[template] {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<h1>Server Error (500)</h1>"))
		return
	}
	s.sent = append(s.sent, SentEmail{Invitation: inv.PK, Name: inv.Name, To: to,
		CC: list("cc_addresses"), BCC: list("bcc_addresses"), Template: template})
	w.WriteHeader(http.StatusNoContent)
}

// SentEmail is one send_email the server accepted: the emails it sent.
type SentEmail struct {
	Invitation, Name string
	To, CC, BCC      []string
	Template         string
}

// SentEmails returns the invitation emails sent so far.
func (s *Server) SentEmails() []SentEmail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SentEmail(nil), s.sent...)
}

// akOrderings are the fields DRF's OrderingFilter allows by default: the
// serializer's model-backed fields (the viewset names none of its own).
var akOrderings = map[string]func(a, b *akInvitation) int{
	"name":       func(a, b *akInvitation) int { return strings.Compare(a.Name, b.Name) },
	"pk":         func(a, b *akInvitation) int { return strings.Compare(a.PK, b.PK) },
	"expires":    func(a, b *akInvitation) int { return compareTimePtr(a.Expires, b.Expires) },
	"created_by": func(a, b *akInvitation) int { return a.CreatedBy.PK - b.CreatedBy.PK },
	"single_use": func(a, b *akInvitation) int { return boolCmp(a.SingleUse, b.SingleUse) },
	"flow": func(a, b *akInvitation) int {
		return strings.Compare(derefPtr(a.Flow), derefPtr(b.Flow))
	},
}

func derefPtr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareTimePtr sorts null last, as PostgreSQL does ascending.
func compareTimePtr(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

func (s *Server) akList(w http.ResponseWriter, r *http.Request, user User) {
	q := r.URL.Query()
	var items []*akInvitation
	for _, inv := range s.ak.byPK {
		if !user.sees(inv) {
			continue
		}
		if v := q.Get("name"); v != "" && inv.Name != v {
			continue
		}
		if v := q.Get("created_by__username"); v != "" && inv.CreatedBy.Username != v {
			continue
		}
		if v := q.Get("flow__slug"); v != "" {
			f, ok := Flow{}, false
			if inv.Flow != nil {
				f, ok = s.flowByPK(*inv.Flow)
			}
			if !ok || f.Slug != v {
				continue
			}
		}
		if v := q.Get("expires"); v != "" {
			t, err := parseDRFTime(v)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"expires": []string{"Enter a valid date/time."}})
				return
			}
			if inv.Expires == nil || !inv.Expires.Equal(t) {
				continue
			}
		}
		if v := strings.ToLower(q.Get("search")); v != "" && !s.akMatchesSearch(inv, v) {
			continue
		}
		items = append(items, inv)
	}
	// Default ordering is the model's (-expires), with no tie break: rows
	// that tie come back in an order that changes from request to request
	// (creation order in the AuthentikStableOrder variant). Unknown
	// ordering fields are ignored, as DRF's OrderingFilter does.
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	if !s.opts.AuthentikStableOrder {
		s.ak.ties.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	}
	orderings := []string{"-expires"}
	if v := q.Get("ordering"); v != "" {
		var valid []string
		for _, f := range strings.Split(v, ",") {
			if _, ok := akOrderings[strings.TrimPrefix(strings.TrimSpace(f), "-")]; ok {
				valid = append(valid, strings.TrimSpace(f))
			}
		}
		if len(valid) > 0 {
			orderings = valid
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		for _, o := range orderings {
			cmp := akOrderings[strings.TrimPrefix(o, "-")](items[i], items[j])
			if strings.HasPrefix(o, "-") {
				cmp = -cmp
			}
			if cmp != 0 {
				return cmp < 0
			}
		}
		return false
	})
	s.paginateAuthentik(w, q, items)
	if s.ak.cleanupAfterPages > 0 {
		s.ak.cleanupAfterPages--
		s.cleanupAuthentik()
	}
}

// akMatchesSearch follows the viewset's search_fields: name,
// created_by__username, expires and flow__slug.
func (s *Server) akMatchesSearch(inv *akInvitation, term string) bool {
	fields := []string{inv.Name, inv.CreatedBy.Username}
	if inv.Expires != nil {
		fields = append(fields, inv.Expires.UTC().Format("2006-01-02 15:04:05"))
	}
	if inv.Flow != nil {
		if f, ok := s.flowByPK(*inv.Flow); ok {
			fields = append(fields, f.Slug)
		}
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), term) {
			return true
		}
	}
	return false
}

// paginateAuthentik answers authentik's envelope, where next and previous
// are page numbers and 0 means none.
func (s *Server) paginateAuthentik(w http.ResponseWriter, q url.Values, items []*akInvitation) {
	size := 20 // authentik's PAGE_SIZE
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil && n > 0 {
			size = n
			if s.authentikAtLeast("2025.12") {
				size = min(n, s.opts.AuthentikMaxPageSize)
			}
		}
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Invalid page."})
			return
		}
		page = n
	}
	total := len(items)
	pages := max(1, (total+size-1)/size)
	if page > pages {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Invalid page."})
		return
	}
	start := (page - 1) * size
	end := min(start+size, total)
	results := make([]any, 0, end-start)
	for _, inv := range items[start:end] {
		results = append(results, s.akRender(inv))
	}
	next, prev := 0, 0
	if page < pages {
		next = page + 1
	}
	if page > 1 {
		prev = page - 1
	}
	startIndex := 0
	if total > 0 {
		startIndex = start + 1
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"pagination": map[string]any{
			"next": next, "previous": prev, "count": total, "current": page,
			"total_pages": pages, "start_index": startIndex, "end_index": end,
		},
		"results":      results,
		"autocomplete": map[string]any{},
	})
}

// AuthentikInvitation is the stored state of one invitation, for tests.
type AuthentikInvitation struct {
	PK, Name, CreatedBy string
	Expires             *time.Time
	FixedData           map[string]any
	SingleUse           bool
	Flow                *string
}

// AuthentikInvitations returns the invitations that exist now, expired ones
// included until the cleanup job has run.
func (s *Server) AuthentikInvitations() []AuthentikInvitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AuthentikInvitation, 0, len(s.ak.byPK))
	for _, inv := range s.ak.byPK {
		out = append(out, AuthentikInvitation{PK: inv.PK, Name: inv.Name, CreatedBy: inv.CreatedBy.Username,
			Expires: inv.Expires, FixedData: inv.FixedData, SingleUse: inv.SingleUse, Flow: inv.Flow})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name+out[i].PK < out[j].Name+out[j].PK })
	return out
}

// AuthentikInvitation returns one invitation by pk.
func (s *Server) AuthentikInvitation(pk string) (AuthentikInvitation, bool) {
	for _, inv := range s.AuthentikInvitations() {
		if inv.PK == pk {
			return inv, true
		}
	}
	return AuthentikInvitation{}, false
}

// UseAuthentikInvitation plays a user opening the invitation's link and
// enrolling: a single-use one is deleted, as authentik does. An expired one
// cannot be used: from 2026.5 it stays until the cleanup job deletes it (an
// error here); on 2026.2 and older, opening it deletes it at once.
func (s *Server) UseAuthentikInvitation(pk string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv, ok := s.ak.byPK[pk]
	if !ok {
		return fmt.Errorf("no invitation %s", pk)
	}
	if inv.Expires != nil && !inv.Expires.After(s.now()) {
		if !s.authentikAtLeast("2026.5") {
			delete(s.ak.byPK, pk)
		}
		return fmt.Errorf("invitation %s has expired", pk)
	}
	if inv.SingleUse {
		delete(s.ak.byPK, pk)
	}
	return nil
}

// DeleteAuthentikInvitation deletes an invitation behind Terraform's back.
func (s *Server) DeleteAuthentikInvitation(pk string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.ak.byPK[pk]
	delete(s.ak.byPK, pk)
	return ok
}

// AddAuthentikInvitation creates one invitation outside any client, owned
// by the admin, and returns its pk; expires may be nil.
func (s *Server) AddAuthentikInvitation(name string, expires *time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ak.seq++
	inv := &akInvitation{PK: newUUID(), Name: name, CreatedBy: s.opts.AuthentikTokens[AuthentikAdminToken], seq: s.ak.seq,
		FixedData: map[string]any{}, Expires: expires}
	s.ak.byPK[inv.PK] = inv
	return inv.PK
}

// SeedAuthentik creates n invitations named <prefix>-<i>, owned by the admin.
func (s *Server) SeedAuthentik(n int, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	admin := s.opts.AuthentikTokens[AuthentikAdminToken]
	if admin.Username == "" {
		for _, u := range s.opts.AuthentikTokens {
			if u.may("add_invitation") {
				admin = u
				break
			}
		}
	}
	flows := s.opts.Flows
	for i := 1; i <= n; i++ {
		s.ak.seq++
		inv := &akInvitation{PK: newUUID(), Name: fmt.Sprintf("%s-%d", prefix, i), CreatedBy: admin, seq: s.ak.seq,
			FixedData: map[string]any{"seed": i}, SingleUse: i%2 == 0}
		if len(flows) > 0 && i%3 != 0 {
			pk := flows[i%len(flows)].PK
			inv.Flow = &pk
		}
		// Every seeded invitation expires (the cleanup job deletes the ones
		// that do not): one in five at its own time, the others all at the
		// same far-future instant, so that they tie under -expires.
		t := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
		if i%5 == 0 {
			t = s.now().Add(time.Duration(24*i) * time.Hour).UTC().Truncate(time.Second)
		}
		inv.Expires = &t
		s.ak.byPK[inv.PK] = inv
	}
}
