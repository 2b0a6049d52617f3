package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// maxCreateAttempts bounds how often a create is sent when each attempt's
// outcome stays unknown and the look-up after it finds nothing.
const maxCreateAttempts = 6

// detachedLookupTimeout bounds the look-up that runs after Terraform
// cancelled a create (Ctrl-C, a timeout): short, but long enough to ride
// out a few retries.
const detachedLookupTimeout = 30 * time.Second

// created is the outcome of createOnce.
type created[T any] struct {
	Value T
	// Adopted tells that a look-up found the invitation after an attempt
	// whose outcome was unknown.
	Adopted bool
	// Interrupted tells that Terraform cancelled the create and the
	// invitation was found on a detached context.
	Interrupted bool
	// Cause is the failure that made the outcome unknown, when Adopted.
	Cause error
	// Attempts is how many times the create was sent.
	Attempts int
}

// createOnce sends a create so that it takes effect at most once. When an
// attempt's outcome is unknown (any 5xx, a dropped or timed-out connection
// after the request left, a 2xx without a usable invitation, cancellation
// after sending), find looks for its effect before anything is sent again;
// only when find proves it absent is the create sent once more, a bounded
// number of times. When ctx has ended, the look-up runs on a short detached
// context, so that an invitation made just before Ctrl-C still reaches state.
func createOnce[T any](ctx context.Context, send func(context.Context) (T, error), find func(context.Context) (T, bool, error)) (created[T], error) {
	for attempt := 1; ; attempt++ {
		v, err := send(ctx)
		if err == nil {
			return created[T]{Value: v, Attempts: attempt}, nil
		}
		if !client.MayHaveTakenEffect(err) {
			return created[T]{}, err
		}
		tflog.Warn(ctx, "the create's outcome is unknown; looking for its effect before anything is sent again",
			map[string]any{"error": err.Error(), "attempt": attempt})
		lookCtx, interrupted := ctx, ctx.Err() != nil
		if interrupted {
			var cancel context.CancelFunc
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), detachedLookupTimeout)
			defer cancel()
		}
		found, ok, ferr := lookUp(lookCtx, find)
		switch {
		case ferr != nil:
			return created[T]{}, &unknownOutcomeError{cause: err, lookup: ferr}
		case ok:
			return created[T]{Value: found, Adopted: true, Interrupted: interrupted, Cause: err, Attempts: attempt}, nil
		case interrupted:
			return created[T]{}, fmt.Errorf("%w; Terraform stopped the create, and the invitation was looked for and not found: nothing was created", err)
		case !client.WorthRepeating(err) || attempt == maxCreateAttempts:
			return created[T]{}, fmt.Errorf("%w; the invitation was looked for and not found: nothing was created (attempt %d)", err, attempt)
		}
	}
}

// lookUp runs find until it answers, while failures are transient and ctx
// lasts: a look-up is a read, always safe to repeat, and giving up early
// would leave an invitation outside state.
func lookUp[T any](ctx context.Context, find func(context.Context) (T, bool, error)) (T, bool, error) {
	wait := 250 * time.Millisecond
	for {
		v, ok, err := find(ctx)
		if err == nil || !client.Transient(err) || ctx.Err() != nil {
			return v, ok, err
		}
		tflog.Warn(ctx, "looking for the invitation failed; trying again", map[string]any{"error": err.Error()})
		select {
		case <-ctx.Done():
			return v, ok, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// unknownOutcomeError is a create that may have taken effect and whose
// effect could not be looked up.
type unknownOutcomeError struct {
	cause, lookup error
}

func (e *unknownOutcomeError) Error() string {
	return fmt.Sprintf("%v; looking for the invitation afterwards failed too: %v. "+
		"The invitation may exist on the server without being in state: check the server before applying again", e.cause, e.lookup)
}

func (e *unknownOutcomeError) Unwrap() []error { return []error{e.cause, e.lookup} }

// ownership remembers, for one provider process (one Terraform operation),
// the invitations that resources have created or adopted, so that no two
// resources of a configuration end up holding the same one.
type ownership struct {
	mu    sync.Mutex
	owned map[string]bool
}

func newOwnership() *ownership { return &ownership{owned: map[string]bool{}} }

// claim records key as owned; it is false when another resource holds it.
func (o *ownership) claim(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.owned[key] {
		return false
	}
	o.owned[key] = true
	return true
}

// errAmbiguousLookAlikes is a look-up that found several invitations the
// create could have made.
var errAmbiguousLookAlikes = errors.New("several invitations match")

// isClaimed tells whether a resource of this process holds key.
func (o *ownership) isClaimed(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.owned[key]
}
