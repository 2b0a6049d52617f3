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

// iblProgramPath is the program invitation endpoint (every kind's: iblKinds).
const iblProgramPath = "/api/catalog/invitations/program/"

// Default credentials of the ibl.ai part, printed by cmd/mockserver.
const (
	IBLAdminKey    = "mock-ibl-admin-key"
	IBLReadOnlyKey = "mock-ibl-readonly-key"
	IBLDefaultOrg  = "acme"
)

// IBLKind is one of the data manager's invitation kinds. They share one
// view family (envelope, create-or-update POST keyed by item and user,
// DELETE that keeps the row, filters) and differ in their path, the field
// that names the item and a few extra fields.
type IBLKind string

// The invitation kinds of the data manager.
const (
	IBLKindProgram  IBLKind = "program"  // program_key "org+program"
	IBLKindCourse   IBLKind = "course"   // course_id, an edX key "course-v1:ORG+COURSE+RUN"
	IBLKindPlatform IBLKind = "platform" // platform_key, the platform (tenant) itself
)

// IBLKinds are the kinds, in a stable order.
func IBLKinds() []IBLKind { return []IBLKind{IBLKindProgram, IBLKindCourse, IBLKindPlatform} }

// iblKindSpec is what sets a kind apart; everything else is shared.
type iblKindSpec struct {
	path     string
	keyField string // the request and response field naming the item
	label    string // in the 404 message: "Program x not found"
	// idParam filters on the item's id (its position among the known
	// items), "" when the kind has none.
	idParam string
	// objects are the JSON-object fields of the POST body besides metadata.
	objects []string
	// accessDates are the access start and expiration date fields (SDK
	// 4.202), which the server keeps as enrollment_config's started and
	// expired.
	accessDates []string
	// strings are the extra string fields of the POST body (stored, not
	// returned: the response schema has none of them).
	strings []string
	// sparse: the response schema does not require user_id and created
	// (IBLOptions.SparseAnswers leaves them out).
	sparse bool
}

// iblPlatformUserFields are PlatformInvitationCreate's fields added since
// 4.90 (SDK 4.202).
var iblPlatformUserFields = []string{"company_name", "first_name", "last_name", "user_group", "user_group_owner_email"}

var iblKinds = map[IBLKind]iblKindSpec{
	IBLKindProgram: {path: iblProgramPath, keyField: "program_key", label: "Program", idParam: "program_id", objects: []string{"enrollment_config"},
		accessDates: []string{"program_access_start_date", "program_access_expiration_date"}},
	IBLKindCourse: {path: "/api/catalog/invitations/course/", keyField: "course_id", label: "Course", objects: []string{"enrollment_config"}, sparse: true,
		accessDates: []string{"course_access_start_date", "course_access_expiration_date"}},
	IBLKindPlatform: {path: "/api/catalog/invitations/platform/", keyField: "platform_key", label: "Platform", strings: iblPlatformUserFields, sparse: true},
}

// IBLPathOf is the endpoint of a kind's invitations, e.g.
// /api/catalog/invitations/course/.
func IBLPathOf(k IBLKind) string { return iblKinds[k].path }

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
	// Courses are the courses that exist and the platform (org) each
	// belongs to; nil uses DefaultCourses. The org is not read from the
	// course key: on ibl.ai a course belongs to the platform that hosts it,
	// whatever org its edX key names.
	Courses []IBLCourse
	// Platforms are the platform keys that exist (a platform's key is its
	// org); nil uses DefaultPlatforms.
	Platforms []string
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
	// EmailCaseSensitive compares emails exactly in filters and in the
	// create-or-update key (the server's behaviour is not documented; the
	// default compares them without regard to case).
	EmailCaseSensitive bool
	// NoEnrollmentConfig plays a server older than the enrollment_config
	// field (programs and courses): like any body key it does not know, it
	// is stored in metadata.
	NoEnrollmentConfig bool
	// NoAccessDates plays a server older than the access start and
	// expiration dates of programs and courses (SDK 4.202): like any body
	// key it does not know, they are stored in metadata. NoEnrollmentConfig
	// implies it.
	NoAccessDates bool
	// NoPlatformUserFields plays a server older than the platform
	// invitation's company_name, first_name, last_name, user_group and
	// user_group_owner_email (the 4.90 schema): they are stored in metadata.
	NoPlatformUserFields bool
	// SparseAnswers leaves user_id (when there is none) and created out of
	// course and platform invitations, as their response schemas allow (the
	// program invitation's requires both).
	SparseAnswers bool
	// AlwaysCreate makes POST insert a new row every time instead of
	// updating the invitation of the same item and user (older servers).
	AlwaysCreate bool
	// MaxPageSize caps page_size (default 100); DefaultPageSize applies
	// when none is asked (default 20).
	MaxPageSize, DefaultPageSize int
}

// IBLCourse is a course the mock knows and the platform it belongs to.
type IBLCourse struct {
	ID  string // the edX course key, course-v1:ORG+COURSE+RUN
	Org string // the platform (tenant) that hosts it
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

// DefaultCourses are the courses the mock knows. The second belongs to acme
// although its edX key names another org: the org is never the key's.
func DefaultCourses() []IBLCourse {
	return []IBLCourse{
		{ID: "course-v1:acme+DS101+2027", Org: "acme"},
		{ID: "course-v1:acme-academy+ONB101+2027", Org: "acme"},
		{ID: "course-v1:globex+LEAD201+2027", Org: "globex"},
	}
}

// DefaultPlatforms are the platforms the mock knows.
func DefaultPlatforms() []string { return []string{"acme", "globex"} }

// ParseIBLCourses reads courses as -ibl-courses writes them: a
// comma-separated list of org=course_id, or of a bare course_id whose org
// is then the one an edX key names (course-v1:ORG+COURSE+RUN, or the old
// ORG/COURSE/RUN), as Open edX derives it.
func ParseIBLCourses(list string) ([]IBLCourse, error) {
	var out []IBLCourse
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		org, id, hasOrg := strings.Cut(item, "=")
		if !hasOrg {
			id, org = item, EdXOrg(item)
		}
		if org == "" || id == "" {
			return nil, fmt.Errorf("course %q: want org=course-v1:ORG+COURSE+RUN or an edX key with an org", item)
		}
		out = append(out, IBLCourse{ID: id, Org: org})
	}
	return out, nil
}

// FormatIBLCourses writes courses as ParseIBLCourses reads them.
func FormatIBLCourses(cs []IBLCourse) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Org + "=" + c.ID
	}
	return strings.Join(parts, ",")
}

// EdXOrg is the org an edX course key names ("" if it names none).
func EdXOrg(courseID string) string {
	if rest, ok := strings.CutPrefix(courseID, "course-v1:"); ok {
		org, _, found := strings.Cut(rest, "+")
		if found {
			return org
		}
		return ""
	}
	if parts := strings.Split(courseID, "/"); len(parts) == 3 {
		return parts[0]
	}
	return ""
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
	if o.Courses == nil {
		o.Courses = DefaultCourses()
	}
	if o.Platforms == nil {
		o.Platforms = DefaultPlatforms()
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

// iblItem is a program, course or platform that exists.
type iblItem struct{ key, org string }

// iblItems are the items of a kind that exist, in order (a program's id is
// its position, from 1).
func (o IBLOptions) iblItems(k IBLKind) []iblItem {
	var out []iblItem
	switch k {
	case IBLKindProgram:
		for _, p := range o.Programs {
			org, _, _ := strings.Cut(p, "+")
			out = append(out, iblItem{p, org})
		}
	case IBLKindCourse:
		for _, c := range o.Courses {
			out = append(out, iblItem{c.ID, c.Org})
		}
	case IBLKindPlatform:
		for _, p := range o.Platforms {
			out = append(out, iblItem{p, p})
		}
	}
	return out
}

// iblItem finds an item by key: its id (from 1) and org, 0 if unknown.
func (s *Server) iblItem(k IBLKind, key string) (int, string) {
	for i, it := range s.opts.IBL.iblItems(k) {
		if it.key == key {
			return i + 1, it.org
		}
	}
	return 0, ""
}

type iblInvitation struct {
	ID               int
	Key              string // program_key, course_id or platform_key
	Org              string // the platform the item belongs to
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
	Extra            map[string]string // the platform invitation's user fields
}

// iblTable is one kind's invitations: each kind is a table of its own on
// the server, with its own ids.
type iblTable struct {
	rows []*iblInvitation // in insertion (id) order
	seq  int
}

func newIBLStore() map[IBLKind]*iblTable {
	m := map[IBLKind]*iblTable{}
	for _, k := range IBLKinds() {
		m[k] = &iblTable{}
	}
	return m
}

// iblRoute tells which kind's endpoint p is, directly or behind the API
// gateway's /dm prefix.
func iblRoute(p string) (IBLKind, bool) {
	for _, k := range IBLKinds() {
		path := iblKinds[k].path
		for _, prefix := range []string{"", "/dm"} {
			if p == prefix+path || p == prefix+strings.TrimSuffix(path, "/") {
				return k, true
			}
		}
	}
	return "", false
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

func (s *Server) serveIBL(w http.ResponseWriter, r *http.Request, k IBLKind) {
	if !s.iblAuth(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		s.iblList(w, r, k)
	case http.MethodPost:
		s.iblUpsert(w, r, k)
	case http.MethodDelete:
		s.iblDelete(w, r, k)
	default:
		methodNotAllowed(w, r)
	}
}

func (s *Server) iblRender(k IBLKind, inv *iblInvitation) map[string]any {
	spec := iblKinds[k]
	out := map[string]any{
		"id": inv.ID, "user_id": nil, "username": nil, "email": nil, "created": drfTime(inv.Created),
		"started": nil, "expired": nil, "source": nil, "redirect_to": nil, "active": inv.Active,
		"metadata": inv.Metadata, spec.keyField: inv.Key,
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
	if spec.sparse && s.opts.IBL.SparseAnswers {
		delete(out, "created")
		if inv.UserID == nil {
			delete(out, "user_id")
		}
	}
	return out
}

// iblCommonParams are the list parameters every kind gives a meaning of its
// own; with the kind's key field (and program_id for programs) they are
// iblKnownParams. Any other parameter filters on metadata, as the real
// server does.
var iblCommonParams = []string{"org", "email", "username", "source", "active", "sort", "page", "page_size",
	"verbose", "platform_key", "key", "platform_org", "format"}

func iblKnownParams(k IBLKind) map[string]bool {
	m := map[string]bool{iblKinds[k].keyField: true}
	if p := iblKinds[k].idParam; p != "" {
		m[p] = true
	}
	for _, p := range iblCommonParams {
		m[p] = true
	}
	return m
}

var iblSortFields = map[string]func(a, b *iblInvitation) int{
	"id":       func(a, b *iblInvitation) int { return a.ID - b.ID },
	"created":  func(a, b *iblInvitation) int { return a.Created.Compare(b.Created) },
	"email":    func(a, b *iblInvitation) int { return strings.Compare(deref(a.Email), deref(b.Email)) },
	"username": func(a, b *iblInvitation) int { return strings.Compare(deref(a.Username), deref(b.Username)) },
	"source":   func(a, b *iblInvitation) int { return strings.Compare(deref(a.Source), deref(b.Source)) },
	"active":   func(a, b *iblInvitation) int { return boolCmp(a.Active, b.Active) },
	"expired":  func(a, b *iblInvitation) int { return compareTimePtr(a.Expired, b.Expired) },
	"started":  func(a, b *iblInvitation) int { return compareTimePtr(a.Started, b.Started) },
}

// iblSortField is the comparison a sort field names for a kind: the shared
// fields, and the kind's key field.
func iblSortField(k IBLKind, field string) (func(a, b *iblInvitation) int, bool) {
	if field == iblKinds[k].keyField {
		return func(a, b *iblInvitation) int { return strings.Compare(a.Key, b.Key) }, true
	}
	cmp, ok := iblSortFields[field]
	return cmp, ok
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

func (s *Server) iblList(w http.ResponseWriter, r *http.Request, k IBLKind) {
	spec := iblKinds[k]
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
	cmp, ok := iblSortField(k, strings.TrimPrefix(sortSpec, "-"))
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]any{"sort": []string{fmt.Sprintf("Cannot sort by %q.", sortSpec)}})
		return
	}
	org := q.Get("org")
	if org == "" {
		org = q.Get("platform_org")
	}
	// platform_key (SDK 4.202, the vendor's web UI) and its alias key name
	// the platform, whose key is the org of the items.
	platformKey := q.Get("platform_key")
	if platformKey == "" || k == IBLKindPlatform {
		platformKey = q.Get("key")
	}
	known := iblKnownParams(k)
	var items []*iblInvitation
	for _, inv := range s.ibl[k].rows {
		switch {
		case q.Get(spec.keyField) != "" && inv.Key != q.Get(spec.keyField),
			org != "" && inv.Org != org,
			q.Get("email") != "" && !s.iblEmailEqual(deref(inv.Email), q.Get("email")),
			platformKey != "" && inv.Org != platformKey,
			spec.idParam != "" && q.Get(spec.idParam) != "" && strconv.Itoa(s.iblItemID(k, inv.Key)) != q.Get(spec.idParam),
			q.Get("username") != "" && deref(inv.Username) != q.Get("username"),
			q.Get("source") != "" && deref(inv.Source) != q.Get("source"),
			active != nil && inv.Active != *active:
			continue
		}
		if !iblMetadataMatches(inv, q, known) {
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
	s.paginateIBL(w, r, k, items)
}

func (s *Server) iblItemID(k IBLKind, key string) int {
	id, _ := s.iblItem(k, key)
	return id
}

// iblMetadataMatches applies the unknown parameters as metadata filters.
func iblMetadataMatches(inv *iblInvitation, q url.Values, known map[string]bool) bool {
	for k, vs := range q {
		if known[k] {
			continue
		}
		v, ok := inv.Metadata[k]
		if !ok || fmt.Sprint(v) != vs[0] {
			return false
		}
	}
	return true
}

func (s *Server) paginateIBL(w http.ResponseWriter, r *http.Request, k IBLKind, items []*iblInvitation) {
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
		results = append(results, s.iblRender(k, inv))
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

// iblPostFields are the fields of the kind's *InvitationCreate; any other
// body key is stored in metadata ("Any additional parameters will be added
// as metadata").
func (s *Server) iblPostFields(k IBLKind) map[string]bool {
	spec := iblKinds[k]
	f := map[string]bool{spec.keyField: true, "email": true, "username": true, "active": true, "source": true,
		"redirect_to": true, "created": true, "expired": true, "metadata": true}
	if !s.opts.IBL.NoEnrollmentConfig {
		for _, o := range spec.objects {
			f[o] = true
		}
		for _, d := range spec.accessDates {
			f[d] = !s.opts.IBL.NoAccessDates
		}
	}
	if !s.opts.IBL.NoPlatformUserFields {
		for _, o := range spec.strings {
			f[o] = true
		}
	}
	return f
}

func (s *Server) iblEmailEqual(a, b string) bool {
	if s.opts.IBL.EmailCaseSensitive {
		return a == b
	}
	return strings.EqualFold(a, b)
}

// iblUpsert is the create-or-update POST, keyed by item and user.
func (s *Server) iblUpsert(w http.ResponseWriter, r *http.Request, kind IBLKind) {
	spec := iblKinds[kind]
	body, ok := decodeBody(w, r)
	if !ok {
		return
	}
	errs := map[string][]string{}
	// No field of the *InvitationCreate schemas is nullable: DRF refuses a null.
	fields := s.iblPostFields(kind)
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
	key, _ := str(spec.keyField)
	if key == nil || *key == "" {
		errs[spec.keyField] = []string{"This field is required."}
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
	userFields := map[string]string{}
	for _, f := range spec.strings {
		if v, _ := str(f); v != nil && fields[f] {
			userFields[f] = *v
		}
	}
	if v, ok := userFields["user_group_owner_email"]; ok {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			errs["user_group_owner_email"] = []string{"Enter a valid email address."}
		}
	}
	times := map[string]*time.Time{}
	for _, k := range append([]string{"created", "expired"}, spec.accessDates...) {
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
	for _, k := range append([]string{"metadata"}, spec.objects...) {
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
	itemID, org := s.iblItem(kind, *key)
	if itemID == 0 {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": fmt.Sprintf("%s %s not found", spec.label, *key)})
		return
	}

	table := s.ibl[kind]
	var inv *iblInvitation
	if !s.opts.IBL.AlwaysCreate {
		for _, row := range table.rows {
			if row.Key != *key {
				continue
			}
			if (email != nil && s.iblEmailEqual(deref(row.Email), *email)) || (email == nil && username != nil && deref(row.Username) == *username) {
				inv = row
				break
			}
		}
	}
	if inv == nil {
		inv = table.insert(*key, org, s.now().UTC().Truncate(time.Microsecond))
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
	for i, d := range spec.accessDates {
		if t := times[d]; t != nil && fields[d] {
			if inv.EnrollmentConfig == nil {
				inv.EnrollmentConfig = map[string]any{}
			}
			inv.EnrollmentConfig[[]string{"started", "expired"}[i]] = drfTime(*t)
		}
	}
	for f, v := range userFields {
		if inv.Extra == nil {
			inv.Extra = map[string]string{}
		}
		inv.Extra[f] = v
	}
	if active != nil {
		inv.Active = *active
	}
	writeJSON(w, http.StatusOK, s.iblRender(kind, inv))
}

// insert adds a new active invitation with the next id.
func (t *iblTable) insert(key, org string, created time.Time) *iblInvitation {
	t.seq++
	inv := &iblInvitation{ID: t.seq, Key: key, Org: org, Created: created, Active: true, Metadata: map[string]any{}}
	t.rows = append(t.rows, inv)
	return inv
}

// find returns the row with the id and its index, nil if there is none.
func (t *iblTable) find(id int) (*iblInvitation, int) {
	for i, inv := range t.rows {
		if inv.ID == id {
			return inv, i
		}
	}
	return nil, -1
}

func (t *iblTable) remove(i int) { t.rows = append(t.rows[:i], t.rows[i+1:]...) }

// iblDelete reads id and org from the query, or from a JSON body.
func (s *Server) iblDelete(w http.ResponseWriter, r *http.Request, k IBLKind) {
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
	table := s.ibl[k]
	inv, i := table.find(id)
	if inv == nil || inv.Org != org {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": "Invitation not found"})
		return
	}
	if s.opts.IBL.RealDelete {
		table.remove(i)
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": "Invitation deleted successfully"})
}

// IBLInvitation is the stored state of one invitation, for tests.
type IBLInvitation struct {
	ID   int
	Kind IBLKind
	// Key is the item: program_key, course_id or platform_key.
	Key                        string
	Org                        string
	Email, Username, Source    string
	RedirectTo                 string
	Active                     bool
	Expired, Started           *time.Time
	UserID                     *int
	Metadata, EnrollmentConfig map[string]any
	// UserFields are the platform invitation's company_name, first_name,
	// last_name, user_group and user_group_owner_email, as last posted.
	UserFields map[string]string
}

// IBLTable is one kind's invitations, for tests and the control API.
type IBLTable struct {
	s    *Server
	kind IBLKind
}

// IBLOf is the table of a kind's invitations.
func (s *Server) IBLOf(k IBLKind) IBLTable {
	if _, ok := iblKinds[k]; !ok {
		panic(fmt.Sprintf("mockserver: no ibl.ai invitation kind %q", k))
	}
	return IBLTable{s: s, kind: k}
}

// Invitations returns every stored invitation of the kind, by id.
func (t IBLTable) Invitations() []IBLInvitation {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	rows := t.s.ibl[t.kind].rows
	out := make([]IBLInvitation, 0, len(rows))
	for _, inv := range rows {
		v := IBLInvitation{ID: inv.ID, Kind: t.kind, Key: inv.Key, Org: inv.Org, Email: deref(inv.Email),
			Username: deref(inv.Username), Source: deref(inv.Source), RedirectTo: deref(inv.RedirectTo), Active: inv.Active,
			Expired: inv.Expired, Started: inv.Started, UserID: inv.UserID, Metadata: inv.Metadata,
			EnrollmentConfig: inv.EnrollmentConfig, UserFields: inv.Extra}
		out = append(out, v)
	}
	return out
}

// Accept plays the invitee registering with the invitation, as the server
// records it: the invitation is no longer active, started is now, and
// user_id and username are the platform user's (a new user when the email
// belongs to none the mock knows).
func (t IBLTable) Accept(id int) error {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	inv, _ := t.s.ibl[t.kind].find(id)
	if inv == nil {
		return fmt.Errorf("no %s invitation %d", t.kind, id)
	}
	now := t.s.now().UTC().Truncate(time.Microsecond)
	inv.Active, inv.Started = false, &now
	if inv.UserID == nil {
		u, known := t.s.opts.IBL.Users[strings.ToLower(deref(inv.Email))]
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

// SetEmail changes the email of a stored invitation behind Terraform's back
// (as the vendor's UI or a normalising import might, for its letter case).
func (t IBLTable) SetEmail(id int, email string) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	inv, _ := t.s.ibl[t.kind].find(id)
	if inv != nil {
		inv.Email = &email
	}
	return inv != nil
}

// Delete deletes an invitation behind Terraform's back.
func (t IBLTable) Delete(id int) bool {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	table := t.s.ibl[t.kind]
	inv, i := table.find(id)
	if inv != nil {
		table.remove(i)
	}
	return inv != nil
}

// Seed creates n invitations of the item (program_key, course_id or
// platform_key), for learner<id>@example.com; sources cycle through
// terraform, import and csv, every fourth is inactive, and metadata holds
// cohort c0/c1 and seq. The item need not be one the server knows.
func (t IBLTable) Seed(n int, key string) {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	_, org := t.s.iblItem(t.kind, key)
	if org == "" { // an item the server does not know: its org as the key reads
		switch t.kind {
		case IBLKindProgram:
			org, _, _ = strings.Cut(key, "+")
		case IBLKindCourse:
			org = EdXOrg(key)
		default:
			org = key
		}
	}
	table := t.s.ibl[t.kind]
	for i := 1; i <= n; i++ {
		inv := table.insert(key, org, t.s.now().UTC().Truncate(time.Second))
		email := fmt.Sprintf("learner%d@example.com", inv.ID)
		source := []string{"terraform", "import", "csv"}[i%3]
		inv.Email, inv.Source, inv.Active = &email, &source, i%4 != 0
		inv.Metadata = map[string]any{"cohort": fmt.Sprintf("c%d", i%2), "seq": i}
	}
}

// serveIBLControl is the ibl.ai part of the control API:
//
//	POST /_mock/ibl/{kind}/invitations/{id}/accept   an invitee of the kind (program, course, platform) registers (204)
func (s *Server) serveIBLControl(w http.ResponseWriter, r *http.Request, parts []string) {
	var kind IBLKind
	if len(parts) == 4 {
		kind, parts = IBLKind(parts[0]), parts[1:]
	}
	_, known := iblKinds[kind]
	if known && len(parts) == 3 && parts[0] == "invitations" && parts[2] == "accept" && r.Method == http.MethodPost {
		id, err := strconv.Atoi(parts[1])
		if err == nil {
			err = s.IBLOf(kind).Accept(id)
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
