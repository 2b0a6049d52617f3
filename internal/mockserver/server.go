// Package mockserver is an in-memory stand-in for the two APIs the provider
// drives: authentik's stage invitations and ibl.ai's program, course and
// platform invitations. It follows the API documents on its own (it shares
// no types with the provider's clients), can play the variants and faults
// of real servers, and counts every request. Tests run it in-process;
// cmd/mockserver runs it standalone for the demo.
package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configure a mock server.
type Options struct {
	// AuthentikTokens maps a token to the user it authenticates; nil uses
	// DefaultAuthentikTokens.
	AuthentikTokens map[string]User
	// Flows the authentik part knows; nil uses DefaultFlows.
	Flows []Flow
	// AuthentikMaxPageSize caps page_size as the tenant's
	// pagination_max_page_size does (default 100). Servers before 2025.12
	// (AuthentikVersion) have no cap.
	AuthentikMaxPageSize int
	// AuthentikVersion is the authentik release played, "YYYY.M" (default
	// DefaultAuthentikVersion): before 2025.12 names are limited to 50
	// characters and page_size is not capped; 2026.2 and older have no
	// send_email (404); 2024.2 and older default an omitted expires to now
	// + 30 minutes and reject a null one.
	AuthentikVersion string
	// AuthentikCleanupInterval is how often the cleanup job
	// (clean_expired_models) runs in a server started with Start or
	// StartCleanup (default 5m; negative: never on its own).
	AuthentikCleanupInterval time.Duration
	// AuthentikStableOrder is the kinder variant of listing: rows that tie
	// under the ordering come back in creation order, the same on every
	// request. By default they come back in an order that changes from one
	// request to the next, as a database without a tie break may.
	AuthentikStableOrder bool
	// AuthentikSeed seeds the order of tied rows (default 1).
	AuthentikSeed uint64

	// IBL configures the ibl.ai part.
	IBL IBLOptions

	// Now is the clock, for expiry; nil uses time.Now.
	Now func() time.Time
}

// Server is the mock. Its exported methods are safe for concurrent use.
type Server struct {
	mu   sync.Mutex
	opts Options
	now  func() time.Time

	ak  *authentikStore
	ibl map[IBLKind]*iblTable

	stop     chan struct{}
	stopOnce sync.Once

	faults   faultState
	requests []RecordedRequest
	sent     []SentEmail
}

// RecordedRequest is one request as the server received it.
type RecordedRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
}

// New returns an empty mock server.
func New(opts Options) *Server {
	if opts.AuthentikTokens == nil {
		opts.AuthentikTokens = DefaultAuthentikTokens()
	}
	if opts.Flows == nil {
		opts.Flows = DefaultFlows()
	}
	if opts.AuthentikMaxPageSize <= 0 {
		opts.AuthentikMaxPageSize = 100
	}
	if opts.AuthentikVersion == "" {
		opts.AuthentikVersion = DefaultAuthentikVersion
	}
	if opts.AuthentikCleanupInterval == 0 {
		opts.AuthentikCleanupInterval = 5 * time.Minute
	}
	if opts.AuthentikSeed == 0 {
		opts.AuthentikSeed = 1
	}
	opts.IBL = opts.IBL.withDefaults()
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{opts: opts, now: now, stop: make(chan struct{})}
	s.ak = newAuthentikStore(opts.AuthentikSeed)
	s.ibl = newIBLStore()
	return s
}

// Start serves the mock on a free loopback port until the test ends.
func Start(t interface{ Cleanup(func()) }, opts Options) (*Server, *httptest.Server) {
	s := New(opts)
	ts := httptest.NewServer(s)
	s.StartCleanup()
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// ServeHTTP records the request, applies any fault, and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	s.requests = append(s.requests, RecordedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()})
	f, delay := s.faults.next(r, body)
	if f == nil && s.faults.holdWrites && r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/_mock/") {
		f = &Fault{CommitThenFail: true, Hold: true}
	}
	s.mu.Unlock()

	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case f == nil:
		s.route(w, r)
	case f.CommitThenFail:
		// The write takes effect; the client never learns it did.
		s.route(httptest.NewRecorder(), r)
		s.hold(f, r)
		f.respond(w)
	default:
		s.hold(f, r)
		f.respond(w)
	}
}

// hold waits, for a Hold fault, until the client has gone.
func (s *Server) hold(f *Fault, r *http.Request) {
	if !f.Hold {
		return
	}
	s.mu.Lock()
	s.faults.held++
	s.mu.Unlock()
	<-r.Context().Done()
	s.mu.Lock()
	s.faults.held--
	s.mu.Unlock()
	f.Drop = true // nobody is listening any more
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, authentikPrefix):
		s.serveAuthentik(w, r, strings.TrimPrefix(p, authentikPrefix))
	case strings.HasPrefix(p, "/_mock/"):
		s.serveControl(w, r, strings.TrimPrefix(p, "/_mock/"))
	default:
		if k, ok := iblRoute(p); ok {
			s.serveIBL(w, r, k)
			return
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
	}
}

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RecordedRequest(nil), s.requests...)
}

// Count returns how many requests had the method (any if empty) and a path
// starting with prefix.
func (s *Server) Count(method, prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// CountsByRoute groups the requests by method and path, identifiers (UUIDs
// and numbers) folded into {id}, for reports and benchmarks. ibl.ai's kinds
// each have a path of their own, their ids are in the query.
func (s *Server) CountsByRoute() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, r := range s.requests {
		out[r.Method+" "+foldIDs(r.Path)]++
	}
	return out
}

// ResetCounts forgets the requests received so far.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

func foldIDs(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		if len(part) == 36 && strings.Count(part, "-") == 4 || part != "" && strings.Trim(part, "0123456789") == "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// drfTime renders a timestamp as Django REST framework does with UTC:
// "Z", and microseconds only when there are any.
func drfTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

// parseDRFTime accepts the ISO 8601 forms DRF accepts for a DateTimeField.
func parseDRFTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Truncate(time.Microsecond), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad datetime %q", v)
}

// decodeOptionalBody reads a JSON object body if there is one.
func decodeOptionalBody(r *http.Request) (map[string]any, bool) {
	if r.Body == nil {
		return nil, false
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, false
	}
	return body, true
}
