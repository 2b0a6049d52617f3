package mockserver

import (
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const iblPath = "/api/catalog/invitations/program/"

// Default credentials of the ibl.ai part, printed by cmd/mockserver.
const (
	IBLAdminKey    = "mock-ibl-admin-key"
	IBLReadOnlyKey = "mock-ibl-readonly-key"
	IBLDefaultOrg  = "acme"
)

// IBLOptions configure the ibl.ai part and the server variant it plays.
type IBLOptions struct {
	// AuthScheme is the Authorization prefix the server accepts
	// (default "Api-Token"; newer documents say "Api-Key").
	AuthScheme string
	// Keys maps an API key to whether it is read-only; nil uses an admin
	// key and a read-only one (IBLAdminKey, IBLReadOnlyKey).
	Keys map[string]bool
	// Programs are the program keys that exist ("org+program"); nil uses
	// DefaultPrograms.
	Programs []string
	// Users maps an email to the platform user it belongs to, for user_id
	// and username; nil uses DefaultIBLUsers.
	Users map[string]IBLUser
	// NextPageEnvelope answers with next_page/previous_page (4.90 OpenAPI)
	// instead of next/previous (the seed and live servers).
	NextPageEnvelope bool
	// RelativeLinks renders pagination links as paths instead of absolute URLs.
	RelativeLinks bool
	// RealDelete plays a server whose DELETE deletes the row. Real servers
	// do not: their DELETE handler is unimplemented and answers 200 while
	// the row stays (the default).
	RealDelete bool
	// NoopDelete is the default now (DELETE answers 200 and keeps the row);
	// the field is kept so that older callers still build. It has no effect.
	//
	// Deprecated: DELETE keeps rows unless RealDelete is set.
	NoopDelete bool
	// EmailCaseSensitive compares emails exactly in filters and in the
	// create-or-update key (the server's behaviour is not documented; the
	// default compares them without regard to case).
	EmailCaseSensitive bool
	// NoEnrollmentConfig plays a server older than the enrollment_config
	// field: like any body key it does not know, it is stored in metadata.
	NoEnrollmentConfig bool
	// AlwaysCreate makes POST insert a new row every time instead of
	// updating the invitation of the same program and user (older servers).
	AlwaysCreate bool
	// MaxPageSize caps page_size (default 100); DefaultPageSize applies
	// when none is asked (default 20).
	MaxPageSize, DefaultPageSize int
}

// IBLUser is a platform user known to the mock.
type IBLUser struct {
	ID       int
	Username string
}

// DefaultPrograms are the programs the mock knows.
func DefaultPrograms() []string {
	return []string{"acme+data-science", "acme+onboarding", "globex+leadership"}
}

// DefaultIBLUsers are the platform users the mock knows.
func DefaultIBLUsers() map[string]IBLUser {
	return map[string]IBLUser{"ada@example.com": {ID: 456, Username: "ada"}, "grace@example.com": {ID: 457, Username: "grace"}}
}

func (o IBLOptions) withDefaults() IBLOptions {
	if o.AuthScheme == "" {
		o.AuthScheme = "Api-Token"
	}
	if o.Keys == nil {
		o.Keys = map[string]bool{IBLAdminKey: false, IBLReadOnlyKey: true}
	}
	if o.Programs == nil {
		o.Programs = DefaultPrograms()
	}
	if o.Users == nil {
		o.Users = DefaultIBLUsers()
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = 100
	}
	if o.DefaultPageSize <= 0 {
		o.DefaultPageSize = 20
	}
	return o
}

type iblInvitation struct {
	ID               int
	UserID           *int
	Username         *string
	Email            *string
	Created          time.Time
	Started          *time.Time
	Expired          *time.Time
	Source           *string
	RedirectTo       *string
	Active           bool
	Metadata         map[string]any
	EnrollmentConfig map[string]any
	ProgramKey       string
}

func (inv *iblInvitation) org() string {
	org, _, _ := strings.Cut(inv.ProgramKey, "+")
	return org
}

type iblStore struct {
	rows []*iblInvitation // in insertion (id) order
	seq  int
}

func newIBLStore() *iblStore { return &iblStore{} }

// isIBLPath tells whether p is the program invitation endpoint, directly
// or behind the API gateway's /dm prefix.
func isIBLPath(p string) bool {
	for _, prefix := range []string{"", "/dm"} {
		if p == prefix+iblPath || p == prefix+strings.TrimSuffix(iblPath, "/") {
			return true
		}
	}
	return false
}

func (s *Server) iblAuth(w http.ResponseWriter, r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if h == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Authentication credentials were not provided."})
		return false
	}
	scheme, key, _ := strings.Cut(h, " ")
	readOnly, ok := s.opts.IBL.Keys[strings.TrimSpace(key)]
	if scheme != s.opts.IBL.AuthScheme || !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid token."})
		return false
	}
	if readOnly && r.Method != http.MethodGet {
		writeJSON(w, http.StatusForbidden, map[string]any{"detail": "You do not have permission to perform this action."})
		return false
	}
	return true
}

func (s *Server) serveIBL(w http.ResponseWriter, r *http.Request) {
	if !s.iblAuth(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		s.iblList(w, r)
	case http.MethodPost:
		s.iblUpsert(w, r)
	case http.MethodDelete:
		s.iblDelete(w, r)
	default:
		methodNotAllowed(w, r)
	}
}

func (s *Server) iblRender(inv *iblInvitation) map[string]any {
	out := map[string]any{
		"id": inv.ID, "user_id": nil, "username": nil, "email": nil, "created": drfTime(inv.Created),
		"started": nil, "expired": nil, "source": nil, "redirect_to": nil, "active": inv.Active,
		"metadata": inv.Metadata, "program_key": inv.ProgramKey,
	}
	if inv.UserID != nil {
		out["user_id"] = *inv.UserID
	}
	setStr := func(k string, v *string) {
		if v != nil {
			out[k] = *v
		}
	}
	setStr("username", inv.Username)
	setStr("email", inv.Email)
	setStr("source", inv.Source)
	setStr("redirect_to", inv.RedirectTo)
	if inv.Started != nil {
		out["started"] = drfTime(*inv.Started)
	}
	if inv.Expired != nil {
		out["expired"] = drfTime(*inv.Expired)
	}
	return out
}

// iblKnownParams are the list parameters with a meaning of their own; any
// other parameter filters on metadata, as the real server does.
var iblKnownParams = map[string]bool{
	"program_key": true, "org": true, "email": true, "username": true, "source": true, "active": true,
	"sort": true, "page": true, "page_size": true, "verbose": true, "program_id": true,
	"platform_key": true, "key": true, "platform_org": true, "format": true,
}

var iblSortFields = map[string]func(a, b *iblInvitation) int{
	"id":          func(a, b *iblInvitation) int { return a.ID - b.ID },
	"created":     func(a, b *iblInvitation) int { return a.Created.Compare(b.Created) },
	"email":       func(a, b *iblInvitation) int { return strings.Compare(deref(a.Email), deref(b.Email)) },
	"username":    func(a, b *iblInvitation) int { return strings.Compare(deref(a.Username), deref(b.Username)) },
	"source":      func(a, b *iblInvitation) int { return strings.Compare(deref(a.Source), deref(b.Source)) },
	"program_key": func(a, b *iblInvitation) int { return strings.Compare(a.ProgramKey, b.ProgramKey) },
	"active":      func(a, b *iblInvitation) int { return boolCmp(a.Active, b.Active) },
	"expired":     func(a, b *iblInvitation) int { return compareTimePtr(a.Expired, b.Expired) },
	"started":     func(a, b *iblInvitation) int { return compareTimePtr(a.Started, b.Started) },
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func parseBoolParam(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		return true, true
	case "false", "0", "no":
		return false, true
	}
	return false, false
}

func (s *Server) iblList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var active *bool
	if v := q.Get("active"); v != "" {
		b, ok := parseBoolParam(v)
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"active": []string{"Must be a valid boolean."}})
			return
		}
		active = &b
	}
	sortSpec := q.Get("sort")
	if sortSpec == "" {
		sortSpec = "-id"
	}
	cmp, ok := iblSortFields[strings.TrimPrefix(sortSpec, "-")]
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"sort": []string{fmt.Sprintf("Cannot sort by %q.", sortSpec)}})
		return
	}
	org := q.Get("org")
	if org == "" {
		org = q.Get("platform_org")
	}
	// platform_key (SDK 4.202, the vendor's web UI) and its alias key name
	// the platform, whose key is the org of the program keys.
	platformKey := q.Get("platform_key")
	if platformKey == "" {
		platformKey = q.Get("key")
	}
	var items []*iblInvitation
	for _, inv := range s.ibl.rows {
		switch {
		case q.Get("program_key") != "" && inv.ProgramKey != q.Get("program_key"),
			org != "" && inv.org() != org,
			q.Get("email") != "" && !s.iblEmailEqual(deref(inv.Email), q.Get("email")),
			platformKey != "" && inv.org() != platformKey,
			q.Get("program_id") != "" && strconv.Itoa(s.iblProgramID(inv.ProgramKey)) != q.Get("program_id"),
			q.Get("username") != "" && deref(inv.Username) != q.Get("username"),
			q.Get("source") != "" && deref(inv.Source) != q.Get("source"),
			active != nil && inv.Active != *active:
			continue
		}
		if !iblMetadataMatches(inv, q) {
			continue
		}
		items = append(items, inv)
	}
	sort.SliceStable(items, func(i, j int) bool {
		c := cmp(items[i], items[j])
		if strings.HasPrefix(sortSpec, "-") {
			c = -c
		}
		if c == 0 {
			return items[i].ID < items[j].ID
		}
		return c < 0
	})
	s.paginateIBL(w, r, items)
}

// iblMetadataMatches applies the unknown parameters as metadata filters.
func iblMetadataMatches(inv *iblInvitation, q url.Values) bool {
	for k, vs := range q {
		if iblKnownParams[k] {
			continue
		}
		v, ok := inv.Metadata[k]
		if !ok || fmt.Sprint(v) != vs[0] {
			return false
		}
	}
	return true
}

func (s *Server) paginateIBL(w http.ResponseWriter, r *http.Request, items []*iblInvitation) {
	q := r.URL.Query()
	size := s.opts.IBL.DefaultPageSize
	if v := q.Get("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			size = min(n, s.opts.IBL.MaxPageSize)
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
	pages := max(1, (len(items)+size-1)/size)
	if page > pages {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Invalid page."})
		return
	}
	start, end := (page-1)*size, min(page*size, len(items))
	results := make([]any, 0, end-start)
	for _, inv := range items[start:end] {
		results = append(results, s.iblRender(inv))
	}
	link := func(p int) any {
		if p < 1 || p > pages {
			return nil
		}
		u := *r.URL
		lq := u.Query()
		if p == 1 {
			lq.Del("page") // as DRF renders the first page's link
		} else {
			lq.Set("page", strconv.Itoa(p))
		}
		u.RawQuery = lq.Encode()
		if s.opts.IBL.RelativeLinks {
			return u.RequestURI()
		}
		return "http://" + r.Host + u.RequestURI()
	}
	nextKey, prevKey := "next", "previous"
	if s.opts.IBL.NextPageEnvelope {
		nextKey, prevKey = "next_page", "previous_page"
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(items), nextKey: link(page + 1), prevKey: link(page - 1), "results": results})
}

// iblProgramID is the program's id: its position in Programs, from 1 (0
// for a program the mock does not know).
func (s *Server) iblProgramID(key string) int {
	for i, p := range s.opts.IBL.Programs {
		if p == key {
			return i + 1
		}
	}
	return 0
}

func (s *Server) iblProgramExists(key string) bool {
	for _, p := range s.opts.IBL.Programs {
		if p == key {
			return true
		}
	}
	return false
}

// iblPostFields are the fields of ProgramInvitationCreate; any other body
// key is stored in metadata ("Any additional parameters will be added as
// metadata").
func (s *Server) iblPostFields() map[string]bool {
	f := map[string]bool{"program_key": true, "email": true, "username": true, "active": true, "source": true,
		"redirect_to": true, "created": true, "expired": true, "metadata": true, "enrollment_config": true}
	if s.opts.IBL.NoEnrollmentConfig {
		delete(f, "enrollment_config")
	}
	return f
}

func (s *Server) iblEmailEqual(a, b string) bool {
	if s.opts.IBL.EmailCaseSensitive {
		return a == b
	}
	return strings.EqualFold(a, b)
}

// iblUpsert is the create-or-update POST, keyed by program and user.
func (s *Server) iblUpsert(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	errs := map[string][]string{}
	// No field of ProgramInvitationCreate is nullable: DRF refuses a null.
	fields := s.iblPostFields()
	extra := map[string]any{}
	for k, v := range body {
		switch {
		case !fields[k]:
			extra[k] = v
			delete(body, k)
		case v == nil:
			errs[k] = []string{"This field may not be null."}
		}
	}
	str := func(k string) (*string, bool) {
		v, present := body[k]
		if !present || v == nil {
			return nil, present
		}
		sv, isStr := v.(string)
		if !isStr {
			errs[k] = []string{"Not a valid string."}
			return nil, true
		}
		return &sv, true
	}
	programKey, _ := str("program_key")
	if programKey == nil || *programKey == "" {
		errs["program_key"] = []string{"This field is required."}
	}
	email, emailSet := str("email")
	if email != nil {
		if a, err := mail.ParseAddress(*email); err != nil || a.Address != *email {
			errs["email"] = []string{"Enter a valid email address."}
		}
	}
	username, usernameSet := str("username")
	if email == nil && (username == nil || *username == "") {
		errs["non_field_errors"] = []string{"Either email or username is required."}
	}
	source, sourceSet := str("source")
	redirect, redirectSet := str("redirect_to")
	if redirect != nil {
		if u, err := url.Parse(*redirect); err != nil || u.Scheme == "" || u.Host == "" {
			errs["redirect_to"] = []string{"Enter a valid URL."}
		}
	}
	times := map[string]*time.Time{}
	for _, k := range []string{"created", "expired"} {
		v, _ := str(k)
		if v == nil {
			continue
		}
		t, err := parseDRFTime(*v)
		if err != nil {
			errs[k] = []string{"Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."}
			continue
		}
		times[k] = &t
	}
	_, expiredSet := body["expired"]
	objects := map[string]map[string]any{}
	for _, k := range []string{"metadata", "enrollment_config"} {
		v, present := body[k]
		if !present || v == nil {
			continue
		}
		obj, isObj := v.(map[string]any)
		if !isObj {
			errs[k] = []string{fmt.Sprintf("Expected a dictionary of items but got type \"%s\".", pyType(v))}
			continue
		}
		objects[k] = obj
	}
	var active *bool
	if v, present := body["active"]; present && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			errs["active"] = []string{"Must be a valid boolean."}
		}
		active = &b
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	if !s.iblProgramExists(*programKey) {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": fmt.Sprintf("Program %s not found", *programKey)})
		return
	}

	var inv *iblInvitation
	if !s.opts.IBL.AlwaysCreate {
		for _, row := range s.ibl.rows {
			if row.ProgramKey != *programKey {
				continue
			}
			if (email != nil && s.iblEmailEqual(deref(row.Email), *email)) || (email == nil && username != nil && deref(row.Username) == *username) {
				inv = row
				break
			}
		}
	}
	if inv == nil {
		s.ibl.seq++
		inv = &iblInvitation{ID: s.ibl.seq, ProgramKey: *programKey, Created: s.now().UTC().Truncate(time.Microsecond), Active: true, Metadata: map[string]any{}}
		s.ibl.rows = append(s.ibl.rows, inv)
		if email != nil {
			if u, ok := s.opts.IBL.Users[strings.ToLower(*email)]; ok {
				id, name := u.ID, u.Username
				inv.UserID, inv.Username = &id, &name
			}
		}
	}
	if emailSet && email != nil {
		inv.Email = email
	}
	if usernameSet && username != nil {
		inv.Username = username
	}
	if sourceSet {
		inv.Source = source
	}
	if redirectSet {
		inv.RedirectTo = redirect
	}
	if t := times["created"]; t != nil {
		inv.Created = *t
	}
	if expiredSet {
		inv.Expired = times["expired"]
	}
	if m, ok := objects["metadata"]; ok {
		inv.Metadata = m
	}
	if len(extra) > 0 {
		merged := make(map[string]any, len(inv.Metadata)+len(extra))
		for k, v := range inv.Metadata {
			merged[k] = v
		}
		for k, v := range extra {
			merged[k] = v
		}
		inv.Metadata = merged
	}
	if m, ok := objects["enrollment_config"]; ok {
		inv.EnrollmentConfig = m
	}
	if active != nil {
		inv.Active = *active
	}
	writeJSON(w, http.StatusOK, s.iblRender(inv))
}

// iblDelete reads id and org from the query, or from a JSON body.
func (s *Server) iblDelete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	idStr, org := q.Get("id"), q.Get("org")
	if idStr == "" || org == "" {
		if body, ok := decodeOptionalBody(r); ok {
			if idStr == "" {
				idStr = fmt.Sprint(body["id"])
			}
			if org == "" {
				org, _ = body["org"].(string)
			}
		}
	}
	id, err := strconv.Atoi(strings.TrimSuffix(idStr, ".0"))
	if err != nil || org == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "id (integer) and org are required"})
		return
	}
	for i, inv := range s.ibl.rows {
		if inv.ID == id && inv.org() == org {
			if s.opts.IBL.RealDelete {
				s.ibl.rows = append(s.ibl.rows[:i], s.ibl.rows[i+1:]...)
			}
			writeJSON(w, http.StatusOK, map[string]any{"message": "Invitation deleted successfully"})
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"error": "Invitation not found"})
}

// IBLInvitation is the stored state of one program invitation, for tests.
type IBLInvitation struct {
	ID                         int
	ProgramKey, Org            string
	Email, Username, Source    string
	RedirectTo                 string
	Active                     bool
	Expired, Started           *time.Time
	UserID                     *int
	Metadata, EnrollmentConfig map[string]any
}

// IBLInvitations returns every stored program invitation, by id.
func (s *Server) IBLInvitations() []IBLInvitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IBLInvitation, 0, len(s.ibl.rows))
	for _, inv := range s.ibl.rows {
		out = append(out, IBLInvitation{ID: inv.ID, ProgramKey: inv.ProgramKey, Org: inv.org(), Email: deref(inv.Email),
			Username: deref(inv.Username), Source: deref(inv.Source), RedirectTo: deref(inv.RedirectTo), Active: inv.Active,
			Expired: inv.Expired, Started: inv.Started, UserID: inv.UserID, Metadata: inv.Metadata, EnrollmentConfig: inv.EnrollmentConfig})
	}
	return out
}

// AcceptIBLInvitation plays the invitee registering with the invitation,
// as the server records it: the invitation is no longer active, started is
// now, and user_id and username are the platform user's (a new user when
// the email belongs to none the mock knows).
func (s *Server) AcceptIBLInvitation(id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, inv := range s.ibl.rows {
		if inv.ID != id {
			continue
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		inv.Active, inv.Started = false, &now
		if inv.UserID == nil {
			u, known := s.opts.IBL.Users[strings.ToLower(deref(inv.Email))]
			if !known {
				local, _, _ := strings.Cut(deref(inv.Email), "@")
				u = IBLUser{ID: 10000 + inv.ID, Username: local}
			}
			uid := u.ID
			inv.UserID = &uid
			if inv.Username == nil {
				name := u.Username
				inv.Username = &name
			}
		}
		return nil
	}
	return fmt.Errorf("no program invitation %d", id)
}

// SetIBLInvitationEmail changes the email of a stored invitation behind
// Terraform's back (as the vendor's UI or a normalising import might, for
// its letter case).
func (s *Server) SetIBLInvitationEmail(id int, email string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, inv := range s.ibl.rows {
		if inv.ID == id {
			inv.Email = &email
			return true
		}
	}
	return false
}

// serveIBLControl is the ibl.ai part of the control API:
//
//	POST /_mock/ibl/invitations/{id}/accept   the invitee registers (204)
func (s *Server) serveIBLControl(w http.ResponseWriter, r *http.Request, parts []string) {
	if len(parts) == 3 && parts[0] == "invitations" && parts[2] == "accept" && r.Method == http.MethodPost {
		id, err := strconv.Atoi(parts[1])
		if err == nil {
			err = s.AcceptIBLInvitation(id)
		}
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]any{"detail": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
}

// DeleteIBLInvitation deletes a program invitation behind Terraform's back.
func (s *Server) DeleteIBLInvitation(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, inv := range s.ibl.rows {
		if inv.ID == id {
			s.ibl.rows = append(s.ibl.rows[:i], s.ibl.rows[i+1:]...)
			return true
		}
	}
	return false
}

// SeedIBL creates n invitations in the program, for learner<i>@example.com.
func (s *Server) SeedIBL(n int, programKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 1; i <= n; i++ {
		s.ibl.seq++
		email := fmt.Sprintf("learner%d@example.com", s.ibl.seq)
		source := []string{"terraform", "import", "csv"}[i%3]
		s.ibl.rows = append(s.ibl.rows, &iblInvitation{ID: s.ibl.seq, Email: &email, Source: &source, ProgramKey: programKey,
			Created: s.now().UTC().Truncate(time.Second), Active: i%4 != 0,
			Metadata: map[string]any{"cohort": fmt.Sprintf("c%d", i%2), "seq": i}})
	}
}
