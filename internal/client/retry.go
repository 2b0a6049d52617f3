package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
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
	noteThrottle(ctx, resp, err) // a listing slows down for it (paging.go)
	c := callOf(ctx)
	if err != nil {
		// Errors no retry can mend: a refused redirect, an unsupported
		// scheme, an invalid header value, a certificate that does not verify.
		var redirect *RedirectError
		if errors.As(err, &redirect) {
			return false, nil
		}
		if retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, err); !retry {
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

// backoff is the library's: exponential from min to max, or the server's
// Retry-After (seconds or HTTP date) on a 429 or 503. Two things are added:
// the server's wait is capped at max (a Retry-After of an hour must not
// stall an apply), and the exponential wait gets jitter, half fixed and half
// random, so that parallel resources do not retry in lockstep.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	exponential := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, nil)
	if d := retryablehttp.DefaultBackoff(minWait, maxWait, attempt, resp); d != exponential {
		return min(d, maxWait) // the server said how long
	}
	half := exponential / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// countAttempt is the retryablehttp request hook: it numbers the call's
// attempts for the logs and errors.
func countAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	callOf(req.Context()).attempts.Store(int32(attempt + 1))
}
