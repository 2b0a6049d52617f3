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
	"os"
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
	cases := []struct {
		kind   Kind
		status int
		err    error
		want   bool
	}{
		{Read, 500, nil, true}, {Read, 502, nil, true}, {Read, 503, nil, true}, {Read, 504, nil, true}, {Read, 429, nil, true},
		{Read, 404, nil, false}, {Read, 400, nil, false}, {Read, 0, reset, true},
		{Idempotent, 500, nil, false}, {Idempotent, 502, nil, true}, {Idempotent, 429, nil, true}, {Idempotent, 0, reset, true},
		{Upsert, 504, nil, true}, {Upsert, 500, nil, false},
		// A create is repeated only when it provably did not take effect.
		{Create, 429, nil, true}, {Create, 503, nil, true}, {Create, 0, refused, true},
		{Create, 500, nil, false}, {Create, 502, nil, false}, {Create, 504, nil, false}, {Create, 0, reset, false},
		{Create, 0, errors.New("EOF"), false},
	}
	for _, tc := range cases {
		ctx := withKind(context.Background(), tc.kind)
		var resp *http.Response
		if tc.err == nil {
			resp = &http.Response{StatusCode: tc.status, Header: http.Header{}}
		}
		got, _ := checkRetry(ctx, resp, tc.err)
		if got != tc.want {
			t.Errorf("kind %d, status %d, err %v: retry=%v, want %v", tc.kind, tc.status, tc.err, got, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"7":                             7 * time.Second,
		"0":                             0,
		"Sun, 22 Nov 2026 10:00:30 GMT": 30 * time.Second,
		"Sun, 22 Nov 2026 09:00:00 GMT": 0, // in the past: go now
	} {
		got, ok := RetryAfter(in, now)
		if !ok || got != want {
			t.Errorf("RetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-3", "soon"} {
		if _, ok := RetryAfter(bad, now); ok {
			t.Errorf("RetryAfter(%q) accepted", bad)
		}
	}
}

func TestBackoffCapsRetryAfterAndGrows(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": []string{"3600"}}}
	if got := backoff(time.Second, 10*time.Second, 0, resp); got != 10*time.Second {
		t.Errorf("Retry-After 3600 with max 10s: waited %v", got)
	}
	resp.Header.Set("Retry-After", "2")
	if got := backoff(time.Second, 10*time.Second, 0, resp); got != 2*time.Second {
		t.Errorf("Retry-After 2: waited %v", got)
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
	for _, status := range []int{500, 502, 504} {
		ts, n := scripted(t, status)
		c := newTestClient(t, ts.URL, nil)
		_, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{"a": 1}}, nil)
		if n.Load() != 1 || !IsAmbiguous(err) {
			t.Errorf("status %d: %d requests, ambiguous=%v (%v)", status, n.Load(), IsAmbiguous(err), err)
		}
	}
	ts, n := scripted(t, 429, 503)
	c := newTestClient(t, ts.URL, nil)
	if _, err := c.Do(context.Background(), Request{Kind: Create, Method: "POST", Path: "/x/", Body: map[string]int{}}, nil); err != nil || n.Load() != 3 {
		t.Errorf("429 then 503 then 200: %d requests, %v", n.Load(), err)
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
	if _, err := c.resolve("https://evil.example.net/steal"); err == nil {
		t.Fatal("followed a link to another host")
	}
	if u, err := c.resolve("https://api.example.com/dm/api/x/?page=3"); err != nil || u.Path != "/dm/api/x/" {
		t.Fatalf("absolute same-host link: %v, %v", u, err)
	}
}

func TestSecretsNeverLoggedOrInErrors(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A server that echoes the credential back in its error.
		w.WriteHeader(403)
		fmt.Fprintf(w, `{"detail": "bad token %s"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer ts.Close()
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	t.Setenv("TF_LOG_PROVIDER_INVITATIONS_HTTP", "TRACE")
	c := newTestClient(t, ts.URL, func(c *Config) {
		c.Redact = func(s string) string { return strings.ReplaceAll(s, "invite-1234", "{invite}") }
	})
	_, err := c.Do(ctx, Request{Kind: Idempotent, Method: "PATCH", Path: "/inv/invite-1234/", Body: map[string]string{"x": "y"}}, nil)
	if err == nil {
		t.Fatal("want an error")
	}
	logs := buf.String()
	if !strings.Contains(logs, "received response") || !strings.Contains(logs, "Bearer ***") {
		t.Fatalf("expected request logs, got %s", logs)
	}
	for _, secret := range []string{"s3cr3t-token", "invite-1234"} {
		if strings.Contains(logs, secret) || strings.Contains(err.Error(), secret) {
			t.Errorf("%q leaked: error %q, logs %s", secret, err, logs)
		}
	}
	if !strings.Contains(err.Error(), "PATCH /inv/{invite}/: HTTP 403: bad token ***") {
		t.Errorf("error text %q", err)
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
