package client

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logTransport logs every attempt through tflog in the client's own
// subsystem, with the request's context, after redacting secrets.
type logTransport struct {
	next http.RoundTripper
	c    *Client
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	sub := t.c.cfg.Subsystem
	// tflog masks the credentials, header values, user info and the
	// platform's identifiers in every field and message of this subsystem.
	ctx := tflog.NewSubsystem(req.Context(), sub, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_INVITATIONS_HTTP"))
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, sub, t.c.secrets...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, sub, t.c.secrets...)
	ctx = tflog.SubsystemMaskAllFieldValuesRegexes(ctx, sub, t.c.cfg.LogMasks...)
	ctx = tflog.SubsystemMaskMessageRegexes(ctx, sub, t.c.cfg.LogMasks...)

	// Whether this attempt reaches a connection decides whether a write that
	// fails may have taken effect: without one it provably never left.
	cl := callOf(req.Context())
	attempt := int(cl.attempts.Load())
	cl.sent.Store(false)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			cl.sent.Store(true)
			cl.unresolved.Store(true)
		},
	}))

	display := req.URL.Redacted()
	if t.c.logBodies {
		fields := map[string]any{"method": req.Method, "url": display, "attempt": attempt}
		if req.Body != nil && req.GetBody != nil {
			if b, err := req.GetBody(); err == nil {
				raw, _ := io.ReadAll(b)
				fields["body"] = string(raw)
			}
		}
		fields["headers"] = t.c.headerString(req.Header)
		tflog.SubsystemTrace(ctx, sub, "sending request", fields)
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{"method": req.Method, "url": display, "attempt": attempt, "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, sub, "request failed", fields)
		return nil, err
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		cl.unresolved.Store(false) // the server rejected it: nothing happened
	}
	fields["status"] = resp.StatusCode
	tflog.SubsystemDebug(ctx, sub, "received response", fields)
	if !t.c.logBodies {
		return resp, nil // the body streams to the decoder, never held twice
	}
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if readErr != nil {
		fields["error"] = readErr.Error()
		tflog.SubsystemDebug(ctx, sub, "reading response failed", fields)
		return nil, readErr
	}
	tflog.SubsystemTrace(ctx, sub, "response body", map[string]any{"body": string(raw)})
	return resp, nil
}

// logLevelVariables are where tflog takes its levels from: with none set,
// nothing is logged at trace level, and bodies are not copied for it; nor
// when they say OFF (as the provider sets them when no log is asked for).
var logLevelVariables = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_INVITATIONS", "TF_LOG_PROVIDER_INVITATIONS_HTTP"}

func bodiesLogged() bool {
	for _, v := range logLevelVariables {
		if l := os.Getenv(v); l != "" && !strings.EqualFold(l, "off") {
			return true
		}
	}
	return false
}

// headerString renders request headers for the log: Authorization shows
// its scheme only, configured headers are masked whole.
func (c *Client) headerString(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	configured := map[string]bool{}
	for k := range c.cfg.Headers {
		configured[http.CanonicalHeaderKey(k)] = true
	}
	var b strings.Builder
	for _, k := range keys {
		v := strings.Join(h[k], ",")
		switch {
		case strings.EqualFold(k, "Authorization"):
			scheme, _, _ := strings.Cut(v, " ")
			v = scheme + " ***"
		case configured[k]:
			v = "***"
		}
		b.WriteString(k + ": " + v + "\n")
	}
	return b.String()
}
