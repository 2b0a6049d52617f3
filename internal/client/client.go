// Package client is the HTTP core shared by the platform clients: retries with
// a policy per call kind, Retry-After, typed API errors and redacted logging.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Config holds the settings one platform client is built from.
type Config struct {
	// BaseURL is the API root every request path is appended to.
	BaseURL string
	// Authorization is the full Authorization header value. It is a secret.
	Authorization string
	// Secrets are masked wherever the client logs or reports errors.
	Secrets []string
	// Redact rewrites paths and messages before they are put in errors;
	// platforms use it to hide identifiers that are credentials.
	Redact func(string) string
	// LogMasks are masked in every log entry, by tflog, with the secrets:
	// the identifiers Redact hides in errors.
	LogMasks []*regexp.Regexp

	MaxRetries     int
	RetryWaitMin   time.Duration
	RetryWaitMax   time.Duration
	RequestTimeout time.Duration
	Headers        map[string]string
	CACertPEM      []byte
	Insecure       bool
	UserAgent      string
	// Subsystem is the tflog subsystem requests are logged under.
	Subsystem string
	// URLSetting names the setting that holds BaseURL, for errors.
	URLSetting string
}

// Client sends requests to one platform's API.
type Client struct {
	base    *url.URL
	rc      *retryablehttp.Client
	cfg     Config
	secrets []string
	redact  func(string) string
	// logBodies is set when trace logging may be on (bodiesLogged).
	logBodies bool
}

// New builds a client; it fails on a malformed base URL or CA bundle.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("invalid base URL %q: must be an absolute http or https URL", redactUserInfo(cfg.BaseURL))
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = time.Second
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.Subsystem == "" {
		cfg.Subsystem = "http"
	}

	transport := cleanhttp.DefaultPooledTransport() // honours HTTP(S)_PROXY and NO_PROXY
	if len(cfg.CACertPEM) > 0 || cfg.Insecure {
		tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if len(cfg.CACertPEM) > 0 {
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(cfg.CACertPEM) {
				return nil, errors.New("the CA bundle holds no PEM certificate")
			}
			tlsCfg.RootCAs = pool
		}
		tlsCfg.InsecureSkipVerify = cfg.Insecure //nolint:gosec // explicit user opt-in
		transport.TLSClientConfig = tlsCfg
	}

	c := &Client{base: base, cfg: cfg, logBodies: bodiesLogged()}
	c.secrets = collectSecrets(cfg, base)
	c.redact = c.buildRedactor()

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: &logTransport{next: transport, c: c}, Timeout: cfg.RequestTimeout, CheckRedirect: c.checkRedirect}
	rc.Logger = nil // logging happens in logTransport, with the request's context
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin = cfg.RetryWaitMin
	rc.RetryWaitMax = cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.RequestLogHook = countAttempt
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler // keep the last response for the error
	c.rc = rc
	return c, nil
}

// Request describes one API call.
type Request struct {
	Kind   Kind
	Method string
	// Path is relative to the base URL.
	Path  string
	Query url.Values
	Body  any
}

// Response is a successful answer.
type Response struct {
	Method     string
	Path       string // redacted
	StatusCode int
}

// Malformed reports a 2xx answer the caller cannot use (an object without
// its identity, a page without results).
func (r *Response) Malformed(reason string) error {
	return &MalformedResponseError{Method: r.Method, Path: r.Path, Status: r.StatusCode, Reason: reason}
}

// Do sends the request with the retry policy of its kind. A non-2xx answer
// becomes an *APIError; out, when not nil, receives the decoded JSON body,
// and a 2xx answer whose body does not decode is a *MalformedResponseError.
func (c *Client) Do(ctx context.Context, r Request, out any) (*Response, error) {
	u, err := c.resolve(r.Path)
	if err != nil {
		return nil, err
	}
	if len(r.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Query {
			q[k] = vs
		}
		u.RawQuery = q.Encode()
	}
	var body any
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("encoding request body: %w", err)
		}
		body = b
	}
	ctx, cl := withCall(ctx, r.Kind)
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, redactedError{err, c.redact}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.cfg.Headers {
		req.Header.Set(k, v)
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	if c.cfg.Authorization != "" {
		req.Header.Set("Authorization", c.cfg.Authorization)
	}

	display := c.redact(u.Path)
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		var redirect *RedirectError
		if errors.As(err, &redirect) {
			return nil, redirect
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, &TransportError{Method: r.Method, Path: display, Err: redactedError{err, c.redact},
			Attempts: int(cl.attempts.Load()), MaybeSent: cl.unresolved.Load()}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if readErr != nil {
		return nil, &TransportError{Method: r.Method, Path: display, Err: redactedError{readErr, c.redact},
			Attempts: int(cl.attempts.Load()), MaybeSent: true}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(r.Method, display, resp, raw, c.redact)
	}
	res := &Response{Method: r.Method, Path: display, StatusCode: resp.StatusCode}
	if out != nil {
		if len(bytes.TrimSpace(raw)) == 0 {
			return nil, res.Malformed("the body is empty")
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, res.Malformed(c.redact(err.Error()))
		}
	}
	return res, nil
}

// checkRedirect follows a redirect only for a read, and only to the
// configured scheme, host and port: the Authorization header and every
// configured header go wherever a redirect leads, and a write must not be
// repeated at an address nobody configured.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	target := *req.URL
	target.User, target.RawQuery, target.Fragment = nil, "", ""
	e := &RedirectError{Method: first.Method, Path: c.redact(first.URL.Path), Target: c.redact(target.String()),
		Origin: origin(c.base), Setting: c.cfg.URLSetting}
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		e.Reason = "only reads follow redirects, so the " + first.Method + " was not sent there"
		e.Setting = ""
	case origin(req.URL) != origin(c.base):
		e.Reason = "credentials are only sent to " + e.Origin + ", the configured scheme, host and port"
	case len(via) >= 10:
		e.Reason = "stopped after 10 redirects"
		e.Setting = ""
	default:
		return nil
	}
	return e
}

// origin is scheme://host:port with the scheme's default port made explicit.
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// resolve joins a path to the base URL, keeping the base's own path prefix
// (an API gateway's /dm, say).
func (c *Client) resolve(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("invalid request path %q: %w", c.redact(p), err)
	}
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(ref.Path, "/")
	u.RawQuery = ref.RawQuery
	return &u, nil
}

func (c *Client) buildRedactor() func(string) string {
	var pairs []string
	for _, s := range c.secrets {
		pairs = append(pairs, s, "***")
	}
	repl := strings.NewReplacer(pairs...)
	extra := c.cfg.Redact
	return func(s string) string {
		s = repl.Replace(s)
		if extra != nil {
			s = extra(s)
		}
		return s
	}
}

// minSecretLen is the shortest value masked wherever it appears: shorter
// ones would mangle every message and are no secret anyway.
const minSecretLen = 4

// collectSecrets lists what is masked in logs and errors: the credential,
// every configured header value, and the base URL's user info.
func collectSecrets(cfg Config, base *url.URL) []string {
	all := append([]string{cfg.Authorization}, cfg.Secrets...)
	if _, token, ok := strings.Cut(cfg.Authorization, " "); ok {
		all = append(all, token)
	}
	for _, v := range cfg.Headers {
		all = append(all, v)
	}
	if base.User != nil {
		all = append(all, base.User.String())
		if p, ok := base.User.Password(); ok {
			all = append(all, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range all {
		if len(s) >= minSecretLen && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	// Longest first, so that a secret containing another is masked whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// redactUserInfo hides a password in a URL that is about to be shown, in
// one that does not parse too (all before its last "@" goes).
func redactUserInfo(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err == nil && u.User != nil:
		return u.Redacted()
	case !strings.Contains(raw, "@"):
		return raw
	}
	// user:secret@host parses with "user" as its scheme.
	return "xxxxx" + raw[strings.LastIndex(raw, "@"):]
}
