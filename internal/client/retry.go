package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// Kind says how a call may be retried.
type Kind int

const (
	// Read is a GET: retried on connection errors, 429, 500, 502, 503 and 504.
	Read Kind = iota
	// Idempotent is a PUT, PATCH or DELETE: retried on connection errors,
	// 429, 502, 503 and 504, since repeating it cannot do more than once.
	Idempotent
	// Create is a POST that is not idempotent. It is repeated only when the
	// first attempt provably did not take effect (connection refused, 429,
	// 503); any other failure is returned for the caller to reconcile.
	Create
	// Upsert is a create-or-update POST keyed by its body: repeating it
	// cannot duplicate anything, so it retries like Idempotent.
	Upsert
)

type kindKey struct{}
type attemptsKey struct{}

func withKind(ctx context.Context, k Kind) context.Context {
	ctx = context.WithValue(ctx, kindKey{}, k)
	return context.WithValue(ctx, attemptsKey{}, new(atomic.Int32))
}

func kindOf(ctx context.Context) Kind {
	k, _ := ctx.Value(kindKey{}).(Kind)
	return k
}

func countAttempt(ctx context.Context) int {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		return int(n.Add(1))
	}
	return 0
}

func attempts(ctx context.Context) int {
	if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok {
		return int(n.Load())
	}
	return 0
}

// checkRetry is the retryablehttp policy: the call kind travels in the
// request context.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	kind := kindOf(ctx)
	if err != nil {
		if kind == Create {
			return isConnRefused(err), nil
		}
		return isTransient(err), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, nil
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return kind != Create, nil
	case http.StatusInternalServerError:
		return kind == Read, nil
	}
	return false, nil
}

// isConnRefused tells a connection that was never established, so a POST
// cannot have reached the server.
func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isTransient tells network failures worth another attempt from errors no
// retry can fix: a certificate that does not verify fails the same way twice.
func isTransient(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	return !errors.As(err, &verifyErr) && !errors.As(err, &unknownAuthority) && !errors.As(err, &hostnameErr)
}

// backoff waits as the server asks (Retry-After in seconds or as an HTTP
// date, capped at max), otherwise exponentially with full jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	ceiling := minWait << min(attempt, 30)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	// Half fixed, half random: never less than half the exponential step.
	half := ceiling / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// RetryAfter parses a Retry-After value in either form.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}
