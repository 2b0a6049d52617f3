package provider

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// The acceptance tests run against one of two targets. By default each test
// starts the bundled mock in-process. With INVITATIONS_ACC_LIVE=1 they run
// against the servers the provider's usual settings name (AUTHENTIK_URL,
// AUTHENTIK_TOKEN, IBLAI_URL, IBLAI_API_KEY, IBLAI_ORG): a real authentik
// or ibl.ai, or a mock started on its own. A test that needs to control
// the server says so with newMockEnv, which skips it in live mode; every
// other test is written once for both, and reads the server only through
// its public API.

const (
	envAccLive = "INVITATIONS_ACC_LIVE"
	// The fixtures a live run cannot make through the invitation APIs.
	envAccFlow        = "INVITATIONS_ACC_AUTHENTIK_FLOW"
	envAccFlowSlug    = "INVITATIONS_ACC_AUTHENTIK_FLOW_SLUG"
	envAccProgramKey  = "INVITATIONS_ACC_IBL_PROGRAM_KEY"
	envAccCourseID    = "INVITATIONS_ACC_IBL_COURSE_ID"
	envAccPlatformKey = "INVITATIONS_ACC_IBL_PLATFORM_KEY"
	envAccEmailDomain = "INVITATIONS_ACC_EMAIL_DOMAIN"
	envAccSendTo      = "INVITATIONS_ACC_SEND_TO"
)

// The reasons a test runs on the mock only.
const (
	needsFaults     = "it injects faults into the server's answers"
	needsVariant    = "it plays another server version or variant"
	needsInvitee    = "an invitee opens or accepts an invitation, which only the mock can play"
	needsCleanupJob = "it runs authentik's cleanup job when it chooses"
	needsScale      = "it makes hundreds of invitations or counts a budget at that scale"
	needsUsers      = "it uses tokens of users with other permissions"
	needsClock      = "it moves the servers' clock"
	needsStore      = "it reads what the API does not return"
	needsFixtures   = "it needs more items or flows than the live fixtures name"
)

// accRun names this test process's objects: tfacc-<run>-<n>-...
var accRun = func() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

var accSeq atomic.Int64

// nextPrefix is a test's prefix: tfacc-<run>-<n>.
func nextPrefix() string { return fmt.Sprintf("%s%s-%d", accPrefix, accRun, accSeq.Add(1)) }

// settings are the target's settings from the environment, read in
// TestMain before the provider's variables are cleared (they must not leak
// into mock tests); liveTarget is them in a live run, else nil.
var settings, liveTarget *target

type target struct {
	authentikURL, authentikToken string
	iblURL, iblKey, iblOrg       string
	fixtures                     map[string]string
}

func readTarget() *target {
	t := &target{
		authentikURL: os.Getenv(EnvAuthentikURL), authentikToken: os.Getenv(EnvAuthentikToken),
		iblURL: os.Getenv(EnvIBLURL), iblKey: os.Getenv(EnvIBLAPIKey), iblOrg: os.Getenv(EnvIBLOrg),
		fixtures: map[string]string{},
	}
	for _, k := range []string{envAccFlow, envAccFlowSlug, envAccProgramKey, envAccCourseID, envAccPlatformKey, envAccEmailDomain, envAccSendTo} {
		t.fixtures[k] = os.Getenv(k)
	}
	return t
}

// platform is what a test needs of the target.
type platform int

const (
	authentikPlatform platform = 1 << iota
	iblPlatform
	bothPlatforms = authentikPlatform | iblPlatform
)

// testEnv is the target of one test and the provider block that points at
// it. The provider talks to the target through a proxy that logs its
// requests, so a test counts them the same way on both targets; the
// test's own reads go to the target directly and are not counted.
type testEnv struct {
	// srv is the in-process mock: nil in live mode and for portable tests
	// when INVITATIONS_ACC_LIVE points at a separately started mock.
	srv *mockserver.Server
	// url is what the provider's authentik block is given (and ibl's, on
	// the mock); iblURL is ibl's.
	url, iblURL string
	// upstream are the servers themselves and their secrets.
	authentikUpstream, iblUpstream, authentikToken, iblKey string
	org                                                    string
	fixtures                                               map[string]string
	// prefix is the start of every name, email and source the test makes:
	// tfacc-<run>-<n>.
	prefix string
	log    *requestLog
	// iblExtra is added to the provider's ibl block.
	iblExtra string
}

// newTestEnv is the target of a portable test, which runs unchanged on the
// mock and on live servers: in live mode it skips when a platform the test
// needs is not configured.
func newTestEnv(t *testing.T, needs platform) *testEnv {
	t.Helper()
	env := &testEnv{prefix: nextPrefix(), log: &requestLog{}, org: "acme"}
	if liveTarget == nil {
		srv, ts := mockserver.Start(t, mockserver.Options{})
		env.srv = srv
		env.authentikUpstream, env.iblUpstream = ts.URL, ts.URL
		env.authentikToken, env.iblKey = mockserver.AuthentikAdminToken, mockserver.IBLAdminKey
		env.fixtures = mockFixtures()
	} else {
		lt := liveTarget
		if needs&authentikPlatform != 0 && (lt.authentikURL == "" || lt.authentikToken == "") {
			t.Skipf("live run: set %s and %s to run the authentik tests", EnvAuthentikURL, EnvAuthentikToken)
		}
		if needs&iblPlatform != 0 && (lt.iblURL == "" || lt.iblKey == "" || lt.iblOrg == "") {
			t.Skipf("live run: set %s, %s and %s to run the ibl.ai tests", EnvIBLURL, EnvIBLAPIKey, EnvIBLOrg)
		}
		env.authentikUpstream, env.authentikToken = strings.TrimRight(lt.authentikURL, "/"), lt.authentikToken
		env.iblUpstream, env.iblKey, env.org = strings.TrimRight(lt.iblURL, "/"), lt.iblKey, lt.iblOrg
		env.fixtures = maps.Clone(lt.fixtures)
	}
	if env.fixtures[envAccEmailDomain] == "" {
		env.fixtures[envAccEmailDomain] = "example.com"
	}
	env.url = env.proxy(t, env.authentikUpstream)
	env.iblURL = env.proxy(t, env.iblUpstream)
	return env
}

// newMockEnv is the target of a test that controls the server (faults,
// variants, invitees, the clock, the cleanup job, budgets at scale): the
// mock, in-process, with opts. In live mode the test skips, with reason.
func newMockEnv(t *testing.T, reason string, opts mockserver.Options) *testEnv {
	t.Helper()
	if liveTarget != nil {
		t.Skip("mock only: " + reason)
	}
	srv, ts := mockserver.Start(t, opts)
	return &testEnv{srv: srv, url: ts.URL, iblURL: ts.URL, authentikUpstream: ts.URL, iblUpstream: ts.URL,
		authentikToken: mockserver.AuthentikAdminToken, iblKey: mockserver.IBLAdminKey, org: "acme",
		prefix: nextPrefix(), fixtures: mockFixtures()}
}

// mockFixtures are the mock's answers to the live fixtures.
func mockFixtures() map[string]string {
	return map[string]string{
		envAccFlow: flowDefault, envAccFlowSlug: "default-enrollment-flow",
		envAccProgramKey: "acme+data-science", envAccCourseID: "course-v1:acme+DS101+2027", envAccPlatformKey: "acme",
		envAccEmailDomain: "example.com", envAccSendTo: "tfacc@example.com",
	}
}

// fixture is a live fixture's value; a test that needs one that is not set
// skips, naming it.
func (e *testEnv) fixture(t *testing.T, name string) string {
	t.Helper()
	v := e.fixtures[name]
	if v == "" {
		t.Skipf("live run: set %s to run this test", name)
	}
	return v
}

// name is a stage invitation name of this test.
func (e *testEnv) name(s string) string { return e.prefix + "-" + s }

// email is an ibl.ai invitee's address of this test.
func (e *testEnv) email(local string) string {
	return e.prefix + "-" + local + "@" + e.fixtures[envAccEmailDomain]
}

// proxy starts a reverse proxy to upstream that logs each request.
func (e *testEnv) proxy(t *testing.T, upstream string) string {
	t.Helper()
	to, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(to)
	}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.log.add(r)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// loggedRequest is a request the provider sent.
type loggedRequest struct {
	Method, Path string
	Query        url.Values
	Body         []byte
}

type requestLog struct {
	mu   sync.Mutex
	reqs []loggedRequest
}

func (l *requestLog) add(r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, loggedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
}

// sent is what the provider sent since the last reset: through the proxy,
// or for a mock-only test the mock's own record.
func (e *testEnv) sent() []loggedRequest {
	if e.log == nil {
		var out []loggedRequest
		for _, r := range e.srv.Requests() {
			q, _ := url.ParseQuery(r.Query)
			out = append(out, loggedRequest{Method: r.Method, Path: r.Path, Query: q})
		}
		return out
	}
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	return append([]loggedRequest(nil), e.log.reqs...)
}

// resetCounts forgets the requests sent so far.
func (e *testEnv) resetCounts() {
	if e.log == nil {
		e.srv.ResetCounts()
		return
	}
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	e.log.reqs = nil
}

// count is how many requests had the method (any if empty) and a path
// starting with prefix.
func (e *testEnv) count(method, prefix string) int {
	n := 0
	for _, r := range e.sent() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// The test's own requests to the target's public API.

const stagePath = "/api/v3/stages/invitation/invitations/"

// testClient is the tests' own client of the target.
var testClient = &http.Client{Timeout: time.Minute}

// call sends a request to the target directly and decodes a JSON answer
// into out (when not nil); it returns the status.
func (e *testEnv) call(method, rawURL, auth string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := testClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, nil
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: %w", method, rawURL, err)
		}
	}
	return res.StatusCode, nil
}

// serverStage is a stage invitation as authentik's API returns it.
type serverStage struct {
	PK        string         `json:"pk"`
	Name      string         `json:"name"`
	Expires   *time.Time     `json:"expires"`
	FixedData map[string]any `json:"fixed_data"`
	SingleUse bool           `json:"single_use"`
	Flow      *string        `json:"flow"`
	CreatedBy struct {
		Username string `json:"username"`
	} `json:"created_by"`
}

func (e *testEnv) stageAuth() string { return "Bearer " + e.authentikToken }

// stages are the stage invitations of this test (named with its prefix),
// read through the listing.
func (e *testEnv) stages() ([]serverStage, error) {
	return e.listStages(url.Values{"search": {e.prefix + "-"}}, e.prefix+"-")
}

// allStages are every stage invitation the token may see.
func (e *testEnv) allStages() ([]serverStage, error) {
	return e.listStages(url.Values{}, "")
}

// listStages reads the listing with filters q, page by page, and keeps the
// invitations whose name starts with prefix.
func (e *testEnv) listStages(q url.Values, prefix string) ([]serverStage, error) {
	var out []serverStage
	for page := 1; ; page++ {
		var p struct {
			Pagination struct {
				Next int `json:"next"`
			} `json:"pagination"`
			Results []serverStage `json:"results"`
		}
		q.Set("ordering", "pk")
		q.Set("page_size", "100")
		q.Set("page", strconv.Itoa(page))
		status, err := e.call(http.MethodGet, e.authentikUpstream+stagePath+"?"+q.Encode(), e.stageAuth(), nil, &p)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			return nil, fmt.Errorf("listing stage invitations: status %d", status)
		}
		for _, inv := range p.Results {
			if strings.HasPrefix(inv.Name, prefix) {
				out = append(out, inv)
			}
		}
		if p.Pagination.Next == 0 {
			return out, nil
		}
	}
}

// stage reads one stage invitation by its pk; nil when authentik answers 404.
func (e *testEnv) stage(pk string) (*serverStage, error) {
	var inv serverStage
	status, err := e.call(http.MethodGet, e.authentikUpstream+stagePath+pk+"/", e.stageAuth(), nil, &inv)
	switch {
	case err != nil:
		return nil, err
	case status == http.StatusNotFound:
		return nil, nil
	case status != http.StatusOK:
		return nil, fmt.Errorf("reading stage invitation %s: status %d", pk, status)
	}
	return &inv, nil
}

// createStage makes a stage invitation out of band; its name gets the prefix.
func (e *testEnv) createStage(t *testing.T, body map[string]any) serverStage {
	t.Helper()
	body["name"] = e.name(body["name"].(string))
	if _, ok := body["expires"]; !ok {
		body["expires"] = farFuture
	}
	var inv serverStage
	status, err := e.call(http.MethodPost, e.authentikUpstream+stagePath, e.stageAuth(), body, &inv)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("creating stage invitation %v: status %d, %v", body["name"], status, err)
	}
	return inv
}

// patchStage changes a stage invitation out of band.
func (e *testEnv) patchStage(pk string, body map[string]any) error {
	status, err := e.call(http.MethodPatch, e.authentikUpstream+stagePath+pk+"/", e.stageAuth(), body, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("patching stage invitation %s: status %d", pk, status)
	}
	return err
}

// deleteStage deletes a stage invitation out of band.
func (e *testEnv) deleteStage(pk string) error {
	status, err := e.call(http.MethodDelete, e.authentikUpstream+stagePath+pk+"/", e.stageAuth(), nil, nil)
	if err == nil && status != http.StatusNoContent {
		err = fmt.Errorf("deleting stage invitation %s: status %d", pk, status)
	}
	return err
}

// serverIBL is an ibl.ai invitation as the data manager's API returns it.
type serverIBL struct {
	ID          int64          `json:"id"`
	ProgramKey  string         `json:"program_key"`
	CourseID    string         `json:"course_id"`
	PlatformKey string         `json:"platform_key"`
	Email       string         `json:"email"`
	Username    string         `json:"username"`
	Source      string         `json:"source"`
	RedirectTo  string         `json:"redirect_to"`
	Expired     string         `json:"expired"`
	Active      bool           `json:"active"`
	Metadata    map[string]any `json:"metadata"`
	UserID      *int64         `json:"user_id"`
	CompanyName string         `json:"company_name"`
	FirstName   string         `json:"first_name"`
}

// item is the invitation's program_key, course_id or platform_key.
func (i serverIBL) item(keyAttr string) string {
	return map[string]string{"program_key": i.ProgramKey, "course_id": i.CourseID, "platform_key": i.PlatformKey}[keyAttr]
}

func (e *testEnv) iblAuth() string { return "Api-Token " + e.iblKey }

// iblPaths are the collections of the three kinds, by key attribute.
var iblPaths = map[string]string{
	"program_key":  "/api/catalog/invitations/program/",
	"course_id":    "/api/catalog/invitations/course/",
	"platform_key": "/api/catalog/invitations/platform/",
}

// iblRows are the invitations of the item keyAttr = key for email (an
// address of this test's), read through the listing's narrow filter.
func (e *testEnv) iblRows(keyAttr, key, email string) ([]serverIBL, error) {
	return e.listIBL(keyAttr, url.Values{keyAttr: {key}, "org": {e.org}, "email": {email}})
}

// listIBL reads the kind's listing with filters q, page by page; a page
// past the end (the listing shrank meanwhile) ends it.
func (e *testEnv) listIBL(keyAttr string, q url.Values) ([]serverIBL, error) {
	var out []serverIBL
	for page := 1; ; page++ {
		var p struct {
			Next     *string     `json:"next"`
			NextPage *string     `json:"next_page"`
			Results  []serverIBL `json:"results"`
		}
		q.Set("page_size", "100")
		q.Set("page", strconv.Itoa(page))
		status, err := e.call(http.MethodGet, e.iblUpstream+iblPaths[keyAttr]+"?"+q.Encode(), e.iblAuth(), nil, &p)
		switch {
		case err != nil:
			return nil, err
		case status == http.StatusNotFound && page > 1:
			return out, nil
		case status != http.StatusOK:
			return nil, fmt.Errorf("listing ibl.ai invitations (%s): status %d", keyAttr, status)
		}
		out = append(out, p.Results...)
		if (p.Next == nil || *p.Next == "") && (p.NextPage == nil || *p.NextPage == "") {
			return out, nil
		}
	}
}

// postIBLRow makes or updates an ibl.ai invitation out of band; its source
// is the test's prefix unless body names one.
func (e *testEnv) postIBLRow(t *testing.T, keyAttr string, body map[string]any) serverIBL {
	t.Helper()
	if _, ok := body["source"]; !ok {
		body["source"] = e.prefix
	}
	var inv serverIBL
	status, err := e.call(http.MethodPost, e.iblUpstream+iblPaths[keyAttr], e.iblAuth(), body, &inv)
	if err != nil || status >= 300 {
		t.Fatalf("posting an ibl.ai invitation %v: status %d, %v", body, status, err)
	}
	return inv
}
