package client

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func newTestClient(t *testing.T, url string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: url, Authorization: "Bearer s3cr3t-token", Secrets: []string{"s3cr3t-token"},
		MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, RequestTimeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scripted answers with the given statuses in turn, then 200 {"ok":true}.
func scripted(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(statuses[i])
			fmt.Fprintf(w, `{"detail":"status %d"}`, statuses[i])
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}))
	t.Cleanup(ts.Close)
	return ts, &n
}

func TestRetryPolicyPerKind(t *testing.T) {
	refused := &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	reset := &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	badHeader := &url.Error{Op: "Get", URL: "http://x", Err: errors.New(`net/http: invalid header field value for "X-A"`)}
	badScheme := &url.Error{Op: "Get", URL: "ftp://x", Err: errors.New(`unsupported protocol scheme "ftp"`)}
	redirect := &url.Error{Op: "Get", URL: "http://x", Err: &RedirectError{}}
	cases := []struct {
		kind   Kind
		status int
		err    error
		sent   bool
		want   bool
	}{
		{Read, 500, nil, true, true}, {Read, 502, nil, true, true}, {Read, 503, nil, true, true}, {Read, 504, nil, true, true}, {Read, 429, nil, true, true},
		{Read, 404, nil, true, false}, {Read, 400, nil, true, false}, {Read, 0, reset, true, true},
		{Idempotent, 500, nil, true, true}, {Idempotent, 502, nil, true, true}, {Idempotent, 501, nil, true, false}, {Idempotent, 429, nil, true, true}, {Idempotent, 0, reset, true, true},
		{Upsert, 504, nil, true, true}, {Upsert, 500, nil, true, true},
		// A create is repeated only when the server rejected it or it never left.
		{Create, 429, nil, true, true}, {Create, 0, refused, false, true}, {Create, 0, errors.New("dns: no such host"), false, true},
		{Create, 500, nil, true, false}, {Create, 502, nil, true, false}, {Create, 503, nil, true, false}, {Create, 504, nil, true, false},
		{Create, 0, reset, true, false}, {Create, 0, errors.New("EOF"), true, false},
		// Errors no retry can mend are never retried, whatever the kind.
		{Read, 0, badHeader, false, false}, {Read, 0, badScheme, false, false}, {Read, 0, redirect, true, false},
		{Create, 0, badHeader, false, false},
	}
	for _, tc := range cases {
		ctx, cl := withCall(context.Background(), tc.kind)
		cl.sent.Store(tc.sent)
		var resp *http.Response
		if tc.err == nil {
			resp = &http.Response{StatusCode: tc.status, Header: http.Header{}}
		}
		got, _ := checkRetry(ctx, resp, tc.err)
		if got != tc.want {
			t.Errorf("kind %d, status %d, err %v, sent %v: retry=%v, want %v", tc.kind, tc.status, tc.err, tc.sent, got, tc.want)
		}
	}
}

// TestRetryAfter: the server's wait, in seconds or as an HTTP date, is
// honoured on 429 and 503, and capped.
func TestRetryAfter(t *testing.T) {
	now := time.Now().UTC()
	for header, want := range map[string]time.Duration{
		"3600": 10 * time.Second, // capped
		"2":    2 * time.Second,
		"0":    0,
		now.Add(-time.Hour).Format(http.TimeFormat): 0, // in the past: go now
	} {
		resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": []string{header}}}
		if got := backoff(time.Second, 10*time.Second, 0, resp); got != want {
			t.Errorf("Retry-After %q with max 10s: waited %v, want %v", header, got, want)
		}
	}
	resp := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": []string{now.Add(5 * time.Second).Format(http.TimeFormat)}}}
	if got := backoff(time.Second, 10*time.Second, 0, resp); got < 3*time.Second || got > 5*time.Second {
		t.Errorf("Retry-After as an HTTP date, 5s ahead: waited %v", got)
	}
}

func TestBackoffCapsRetryAfterAndGrows(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": []string{"3600"}}}
	if got := backoff(time.Second, 10*time.Second, 0, resp); got != 10*time.Second {
		t.Errorf("Retry-After 3600 with max 10s: waited %v", got)
	}
	for attempt := range 6 {
		ceiling := min(time.Second<<attempt, 10*time.Second)
		for range 50 {
			got := backoff(time.Second, 10*time.Second, attempt, nil)
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, got, ceiling/2, ceiling)
			}
		}
	}
}

func TestDoRetriesReadsThenSucceeds(t *testing.T) {
	ts, n := scripted(t, 503, 502, 500)
	c := newTestClient(t, ts.URL, nil)
	var out map[string]bool
	if _, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/x/"}, &out); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 4 || !out["ok"] {
		t.Fatalf("requests %d, body %v", n.Load(), out)
	}
}

func TestDoGivesUpWithTheLastAnswer(t *testing.T) {
	ts, n := scripted(t, 503, 503, 503, 503, 503)
	c := newTestClient(t, ts.URL, nil)
	_, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/x/"}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Message != "status 503" {
		t.Fatalf("got %v", err)
	}
	if n.Load() != 4 { // 1 + MaxRetries
		t.Fatalf("requests %d", n.Load())
	}
	if !strings.Contains(err.Error(), "GET /x/: HTTP 503: status 503") {
		t.Fatalf("error text %q", err)
	}
}

func TestDoNeverRepeatsAnAmbiguousCreate(t *testing.T) {
	// Every 5xx leaves the outcome unknown, 503 included: a gateway may
	// answer it after the backend committed.
	for _, status := range []int{500, 502, 503, 504} {
		ts, n := scripted(t, status)
		c := newTestClient(t, ts.URL, nil)
		_, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{"a": 1}}, nil)
		if n.Load() != 1 || !MayHaveTakenEffect(err) || !WorthRepeating(err) {
			t.Errorf("status %d: %d requests, may have taken effect=%v (%v)", status, n.Load(), MayHaveTakenEffect(err), err)
		}
	}
	// A 429 is a rejection: sent again, as often as it takes.
	ts, n := scripted(t, 429, 429)
	c := newTestClient(t, ts.URL, nil)
	if _, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil); err != nil || n.Load() != 3 {
		t.Errorf("429, 429, 200: %d requests, %v", n.Load(), err)
	}
	// Other 4xx prove nothing happened, and are not repeated.
	ts, n = scripted(t, 400)
	c = newTestClient(t, ts.URL, nil)
	_, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil)
	if n.Load() != 1 || MayHaveTakenEffect(err) {
		t.Errorf("400: %d requests, may have taken effect=%v", n.Load(), MayHaveTakenEffect(err))
	}
}

func TestDoRejectsUnusable2xxBodies(t *testing.T) {
	for name, body := range map[string]string{"empty": "", "not JSON": "<html>ok</html>", "wrong shape": `["a"]`} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			fmt.Fprint(w, body)
		}))
		c := newTestClient(t, ts.URL, nil)
		var out struct{ ID int }
		_, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, &out)
		var me *MalformedResponseError
		if !errors.As(err, &me) || me.Status != 201 || !MayHaveTakenEffect(err) {
			t.Errorf("%s body: %v", name, err)
		}
		ts.Close()
	}
}

func TestDoCancelledWriteKnowsWhetherItLeft(t *testing.T) {
	// Cancelled while the server holds the answer: the request was sent.
	held := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Hold") != "" {
			_, _ = io.ReadAll(r.Body) // the server notices a gone client only once the body is read
			close(held)
			<-r.Context().Done()
			return
		}
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
	}))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(c *Config) { c.RetryWaitMax = time.Minute; c.Headers = map[string]string{"X-Hold": "yes!"} })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-held; cancel() }()
	_, err := c.Do(ctx, Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil)
	if !errors.Is(err, context.Canceled) || !MayHaveTakenEffect(err) {
		t.Errorf("cancelled while held: %v, may have taken effect=%v", err, MayHaveTakenEffect(err))
	}
	// Cancelled while waiting out a 429: the server had refused it.
	c = newTestClient(t, ts.URL, func(c *Config) { c.RetryWaitMax = time.Minute })
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.Do(ctx, Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil)
	if !errors.Is(err, context.DeadlineExceeded) || MayHaveTakenEffect(err) {
		t.Errorf("cancelled after a 429: %v, may have taken effect=%v", err, MayHaveTakenEffect(err))
	}
}

func TestRedirectsKeepCredentialsHome(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		fmt.Fprint(w, `{}`)
	}))
	defer other.Close()
	var home atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home.Add(1)
		switch r.URL.Path {
		case "/same/":
			http.Redirect(w, r, "/landing/", http.StatusFound)
		case "/landing/":
			if r.Header.Get("Authorization") == "" {
				w.WriteHeader(403)
			}
			fmt.Fprint(w, `{}`)
		default:
			http.Redirect(w, r, other.URL+"/steal/?itoken=abc", http.StatusTemporaryRedirect)
		}
	}))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.Headers = map[string]string{"X-Api-Secret": "header-secret"}
		c.URLSetting = "authentik.url"
	})
	// Same scheme, host and port: followed, credentials kept.
	if _, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/same/"}, nil); err != nil {
		t.Fatalf("same-origin redirect: %v", err)
	}
	// Another port: refused before anything is sent there, and not retried.
	home.Store(0)
	_, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/away/"}, nil)
	var re *RedirectError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "set authentik.url") || !strings.Contains(err.Error(), other.URL+"/steal/") ||
		strings.Contains(err.Error(), "itoken") || home.Load() != 1 {
		t.Errorf("redirect to another port: %v (%d requests)", err, home.Load())
	}
	// A write is never redirected, not even to the same origin.
	home.Store(0)
	_, err = c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/same/", Body: map[string]int{}}, nil)
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "only reads follow redirects") || home.Load() != 1 || WorthRepeating(err) {
		t.Errorf("redirected POST: %v (%d requests)", err, home.Load())
	}
	if elsewhere.Load() != 0 {
		t.Errorf("the other server received %d requests", elsewhere.Load())
	}
	// From https to http on the same host: another scheme and port.
	u, _ := url.Parse("https://api.example.com/x")
	v, _ := url.Parse("http://api.example.com/x")
	if origin(u) == origin(v) {
		t.Error("https and http share an origin")
	}
}

func TestDoCreateRetriesConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens: the connection is refused
	c := newTestClient(t, "http://"+addr, func(c *Config) { c.MaxRetries = 2 })
	_, err = c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil)
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 3 {
		t.Fatalf("got %v", err)
	}
}

func TestDoStopsWaitingOnCancel(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
	}))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(c *Config) { c.RetryWaitMax = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, Request{Kind: Read, Method: "GET", Path: "/x/"}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("kept waiting %v after the context ended", time.Since(start))
	}
}

func TestParseMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"detail": "Token invalid/expired"}`:                                "Token invalid/expired",
		`{"name": ["This field may not be blank."], "flow": ["Invalid pk"]}`: "flow: Invalid pk; name: This field may not be blank.",
		`{"non_field_errors": ["Bad combination."], "code": "invalid"}`:      "Bad combination.",
		`{"error": "Program not found"}`:                                     "Program not found",
		`["one", "two"]`:                                                     "one; two",
		`Internal Server Error`:                                              "Internal Server Error",
		`<html><body>502 Bad Gateway</body></html>`:                          "(HTML error page)",
		``: "",
	} {
		if got, _ := parseMessage([]byte(body)); got != want {
			t.Errorf("parseMessage(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestResolveKeepsPrefixAndHost(t *testing.T) {
	c := newTestClient(t, "https://api.example.com/dm/", nil)
	u, err := c.resolve("/api/catalog/invitations/program/?page=2")
	if err != nil || u.String() != "https://api.example.com/dm/api/catalog/invitations/program/?page=2" {
		t.Fatalf("got %v, %v", u, err)
	}

}

func TestSecretsNeverLoggedOrInErrors(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A server that echoes the credentials back, in its message and in a field error.
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"detail": "bad token %s"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer ts.Close()
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"name": ["%s is not %s"]}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), r.Header.Get("X-Api-Secret"))
	}))
	defer echo.Close()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	t.Setenv("TF_LOG_PROVIDER_INVITATIONS_HTTP", "TRACE")
	secrets := []string{"s3cr3t-token", "invite-1234", "header-secret", "hunter22"}
	for _, base := range []string{ts.URL, echo.URL} {
		u, _ := url.Parse(base)
		u.User = url.UserPassword("admin", "hunter22")
		c := newTestClient(t, u.String(), func(c *Config) {
			c.Redact = func(s string) string { return strings.ReplaceAll(s, "invite-1234", "{invite}") }
			c.LogMasks = []*regexp.Regexp{regexp.MustCompile(`invite-\d+`)}
			c.Headers = map[string]string{"X-Api-Secret": "header-secret"}
		})
		_, err := c.Do(ctx, Request{Kind: Idempotent, Method: "PATCH", Path: "/inv/invite-1234/", Body: map[string]string{"x": "y"}}, nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("want an API error, got %v", err)
		}
		shown := err.Error() + fmt.Sprint(apiErr.Fields)
		for _, secret := range secrets {
			if strings.Contains(shown, secret) {
				t.Errorf("%q leaked into the error: %s", secret, shown)
			}
		}
	}
	logs := buf.String()
	if !strings.Contains(logs, "received response") || !strings.Contains(logs, "Bearer ***") || !strings.Contains(logs, "X-Api-Secret: ***") {
		t.Fatalf("expected request logs, got %s", logs)
	}
	for _, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("%q leaked into the logs: %s", secret, logs)
		}
	}
}

func TestExtraHeadersAndUserAgent(t *testing.T) {
	var got http.Header
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Clone() }))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.Headers = map[string]string{"X-Tenant": "acme"}
		c.UserAgent = "terraform-provider-invitations/test"
	})
	if _, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/"}, nil); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-Tenant") != "acme" || got.Get("User-Agent") != "terraform-provider-invitations/test" || got.Get("Authorization") != "Bearer s3cr3t-token" {
		t.Fatalf("headers %v", got)
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	if _, err := New(Config{BaseURL: "not a url"}); err == nil {
		t.Error("accepted a relative base URL")
	}
	if _, err := New(Config{BaseURL: "ftp://user:hunter22@x"}); err == nil || strings.Contains(err.Error(), "hunter22") {
		t.Errorf("ftp base URL: %v", err)
	}
	if _, err := New(Config{BaseURL: "https://x", CACertPEM: []byte("nope")}); err == nil {
		t.Error("accepted a CA bundle without certificates")
	}
}

func TestTLSTrustAndInsecure(t *testing.T) {
	var n atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		fmt.Fprint(w, `{}`)
	}))
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	ts.StartTLS()
	defer ts.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})

	// An unknown certificate fails at once: retrying cannot fix it.
	c := newTestClient(t, ts.URL, nil)
	_, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/"}, nil)
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 1 || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate: %v", err)
	}
	// Trusted through the CA bundle.
	c = newTestClient(t, ts.URL, func(c *Config) { c.CACertPEM = caPEM })
	if _, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/"}, nil); err != nil {
		t.Fatalf("with the CA bundle: %v", err)
	}
	// Or not verified at all, when the user opts in.
	c = newTestClient(t, ts.URL, func(c *Config) { c.Insecure = true })
	if _, err := c.Do(context.Background(), Request{Kind: Read, Method: "GET", Path: "/"}, nil); err != nil {
		t.Fatalf("insecure: %v", err)
	}
	if n.Load() != 2 {
		t.Fatalf("server saw %d requests, want 2", n.Load())
	}
}

// A base URL that is refused is shown without its password, parsed or not.
func TestNewHidesPasswordOfABadBaseURL(t *testing.T) {
	for _, raw := range []string{"ftp://admin:s3cr3t@example.com", "https://admin:s3cr3t@example.com:badport", "admin:s3cr3t@example.com"} {
		_, err := New(Config{BaseURL: raw})
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("New(%q): %v, want an error that shows no password", raw, err)
		}
	}
}
