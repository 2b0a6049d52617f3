package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Kind says how a call may be retried.
type Kind int

const (
	// Read is a GET: retried on connection errors, 429, 500, 502, 503 and 504.
	Read Kind = iota
	// Idempotent is a PUT, PATCH or DELETE: retried like a read, since
	// repeating it cannot do more than once.
	Idempotent
	// Create is a POST that is not idempotent. It is repeated only when the
	// server rejected it (429) or it provably never left this machine (no
	// connection was made: refused, DNS, TLS handshake). Any other failure,
	// every 5xx included, is returned for the caller to reconcile.
	Create
	// Upsert is a create-or-update POST keyed by its body: repeating it
	// cannot duplicate anything, so it retries like Idempotent.
	Upsert
)

// call is what the transport learns about one Do call, across its attempts.
type call struct {
	kind     Kind
	attempts atomic.Int32
	// sent is set when the current attempt got a connection: from then on
	// the server may have acted on it.
	sent atomic.Bool
	// unresolved is set while the latest attempt that was sent has no
	// answer proving it took no effect (a 4xx). A call that ends with it set
	// may have taken effect.
	unresolved atomic.Bool
}

type callKey struct{}

func withCall(ctx context.Context, k Kind) (context.Context, *call) {
	c := &call{kind: k}
	return context.WithValue(ctx, callKey{}, c), c
}

func callOf(ctx context.Context) *call {
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		return c
	}
	return &call{}
}

// checkRetry is the retryablehttp policy: the call kind travels in the
// request context.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	c := callOf(ctx)
	if err != nil {
		// Errors no retry can mend: a refused redirect, an unsupported
		// scheme, an invalid header value, a certificate that does not verify.
		var redirect *RedirectError
		if errors.As(err, &redirect) {
			return false, nil
		}
		if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !retry {
			return false, nil
		}
		if c.kind == Create {
			return !c.sent.Load(), nil
		}
		return true, nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true, nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return c.kind != Create, nil
	}
	return false, nil
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
