package client

import (
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
// reset, timed out. Whether a write took effect is unknown.
type TransportError struct {
	Method   string
	Path     string
	Attempts int
	Err      error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: no answer after %d attempt(s): %v", e.Method, e.Path, e.Attempts, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// IsAmbiguous tells a failed write that may still have taken effect on the
// server: no answer at all, or a gateway error after the request was sent.
func IsAmbiguous(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	switch StatusOf(err) {
	case http.StatusBadGateway, http.StatusGatewayTimeout, http.StatusInternalServerError:
		return true
	}
	return false
}

func newAPIError(method, path string, resp *http.Response, raw []byte, redact func(string) string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	e.Message, e.Fields = parseMessage(raw)
	e.Message = redact(e.Message)
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
