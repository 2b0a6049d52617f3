package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// APIError is a non-2xx answer from the server.
type APIError struct {
	Method     string
	Path       string // redacted
	StatusCode int
	// Message is the server's own words, parsed from a DRF-style body
	// ({"detail": …} or {"field": ["…"]}) or its text.
	Message string
	// Fields maps a field name to its validation messages (400 bodies).
	Fields map[string][]string
	// RetryAfter is the raw Retry-After header, if any.
	RetryAfter string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// StatusOf returns the HTTP status of an *APIError in err's chain, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IsNotFound tells a 404 answer.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// TransportError is a request that got no HTTP answer: connection refused,
// reset, timed out, cancelled.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	// MaybeSent tells that the last attempt reached a server connection, so a
	// write may have taken effect; false proves it never left this machine.
	MaybeSent bool
	Err       error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: no answer after %d attempt(s): %v", e.Method, e.Path, e.Attempts, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// MalformedResponseError is a 2xx answer the client cannot use: a body that
// does not decode, or an object without its identity. For a write it proves
// nothing about what the server did.
type MalformedResponseError struct {
	Method string
	Path   string
	Status int
	Reason string
}

func (e *MalformedResponseError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d with an unusable body: %s", e.Method, e.Path, e.Status, e.Reason)
}

// RedirectError is a redirect the client refused to follow: to another
// scheme, host or port than the configured one (credentials would go
// there), or of a request that is not a read.
type RedirectError struct {
	Method string
	Path   string
	// Target is where the server pointed, without user info or query.
	Target string
	// Origin is the configured scheme://host:port.
	Origin string
	// Setting names the configuration that holds the URL.
	Setting string
	Reason  string
}

func (e *RedirectError) Error() string {
	hint := ""
	if e.Setting != "" {
		hint = fmt.Sprintf(" (if the API now lives there, set %s to that address)", e.Setting)
	}
	return fmt.Sprintf("%s %s: the server redirected to %s, which was refused: %s%s", e.Method, e.Path, e.Target, e.Reason, hint)
}

// MayHaveTakenEffect tells a failed write whose outcome is unknown: any 5xx
// or 3xx answer, a 2xx the client could not use, a refused redirect, and a
// request that reached a connection but got no answer. Only a 4xx and a
// request that provably never left prove that nothing happened.
func MayHaveTakenEffect(err error) bool {
	var te *TransportError
	var me *MalformedResponseError
	var re *RedirectError
	switch {
	case errors.As(err, &te):
		return te.MaybeSent
	case errors.As(err, &me), errors.As(err, &re):
		return true
	}
	status := StatusOf(err)
	return status >= 500 || (status >= 300 && status < 400)
}

// WorthRepeating tells whether a write whose outcome was unknown, and that
// turned out not to have taken effect, may be sent again: not when the
// server redirected it (the same would happen again).
func WorthRepeating(err error) bool {
	var re *RedirectError
	return MayHaveTakenEffect(err) && !errors.As(err, &re)
}

func newAPIError(method, path string, resp *http.Response, raw []byte, redact func(string) string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	e.Message, e.Fields = parseMessage(raw)
	// Servers echo what they were sent: the message can carry a credential.
	e.Message = redact(e.Message)
	for k, msgs := range e.Fields {
		for i := range msgs {
			msgs[i] = redact(msgs[i])
		}
		e.Fields[k] = msgs
	}
	return e
}

// parseMessage reads the server's explanation out of an error body.
func parseMessage(raw []byte) (string, map[string][]string) {
	text := strings.TrimSpace(string(raw))
	if text == "" {
		return "", nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return strings.Join(list, "; "), nil
		}
		if strings.HasPrefix(text, "<") {
			return "(HTML error page)", nil // proxies answer with pages nobody wants in a diagnostic
		}
		if len(text) > 300 {
			text = text[:300] + "…"
		}
		return text, nil
	}
	for _, key := range []string{"detail", "error", "message"} {
		var s string
		if v, ok := obj[key]; ok && json.Unmarshal(v, &s) == nil && s != "" {
			return s, nil
		}
	}
	fields := map[string][]string{}
	for k, v := range obj {
		if k == "code" {
			continue
		}
		var msgs []string
		var one string
		switch {
		case json.Unmarshal(v, &msgs) == nil:
		case json.Unmarshal(v, &one) == nil:
			msgs = []string{one}
		default:
			msgs = []string{string(v)}
		}
		fields[k] = msgs
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if k == "non_field_errors" {
			parts = append(parts, strings.Join(fields[k], " "))
			continue
		}
		parts = append(parts, k+": "+strings.Join(fields[k], " "))
	}
	return strings.Join(parts, "; "), fields
}

// redactedError hides secrets in an error's text (URLs in net/http errors
// carry paths with invite tokens) while keeping its chain for errors.Is.
type redactedError struct {
	err    error
	redact func(string) string
}

func (e redactedError) Error() string { return e.redact(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }

// Transient tells a failure that may go away by itself: no answer, a 429 or
// 5xx, a 2xx that could not be used. A refused redirect, a 4xx and a
// cancelled context are not.
func Transient(err error) bool {
	var te *TransportError
	var me *MalformedResponseError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &te), errors.As(err, &me):
		return true
	}
	status := StatusOf(err)
	return status == http.StatusTooManyRequests || status >= 500
}
