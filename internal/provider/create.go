package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// maxCreateAttempts bounds how often a create is sent when each attempt's
// outcome stays unknown and the look-up after it finds nothing.
const maxCreateAttempts = 6

// detachedLookupTimeout bounds the look-up that runs after Terraform
// cancelled a create (Ctrl-C, a timeout): short, but long enough to ride
// out a few retries. It is shorter still when the operation's own timeout
// was (see createOnce).
const detachedLookupTimeout = 30 * time.Second

// createOutcome says how createOnce ended; the callers switch on it once.
type createOutcome int

const (
	// createdFirstTime: the first attempt's own answer.
	createdFirstTime createOutcome = iota + 1
	// createdAgain: sent again after a look-up proved an earlier attempt
	// absent. An earlier attempt may still have committed after that
	// look-up: the caller sweeps for late duplicates.
	createdAgain
	// createAdopted: an attempt's outcome was unknown, and the look-up
	// found the invitation it made.
	createAdopted
	// createInterrupted: Terraform cancelled the create, and the look-up
	// on a detached context found the invitation.
	createInterrupted
)

// created is the result of createOnce.
type created[T any] struct {
	Value   T
	Outcome createOutcome
	// Cause is the failure that made the outcome unknown, when adopted or
	// interrupted.
	Cause error
	// Attempts is how many times the create was sent.
	Attempts int
}

// createOnce sends a create so that it takes effect at most once. When an
// attempt's outcome is unknown (any 5xx, a dropped or timed-out connection
// after the request left, a 2xx without a usable invitation, cancellation
// after sending), find looks for its effect before anything is sent again;
// only when find proves it absent is the create sent once more, a bounded
// number of times. When ctx has ended, the look-up runs on a detached
// context, so that an invitation made just before Ctrl-C still reaches
// state; it lasts no longer than the operation had when createOnce began
// (its timeouts.create, less what came before), and never more than
// detachedLookupTimeout.
func createOnce[T any](ctx context.Context, send func(context.Context) (T, error), find func(context.Context) (T, bool, error)) (created[T], error) {
	lookupBudget := detachedLookupTimeout
	if deadline, ok := ctx.Deadline(); ok {
		lookupBudget = max(min(lookupBudget, time.Until(deadline)), time.Second)
	}
	for attempt := 1; ; attempt++ {
		v, err := send(ctx)
		if err == nil {
			outcome := createdFirstTime
			if attempt > 1 {
				outcome = createdAgain
			}
			return created[T]{Value: v, Outcome: outcome, Attempts: attempt}, nil
		}
		if !client.MayHaveTakenEffect(err) {
			return created[T]{}, err
		}
		tflog.Warn(ctx, "the create's outcome is unknown; looking for its effect before anything is sent again",
			map[string]any{"error": err.Error(), "attempt": attempt})
		lookCtx, interrupted := ctx, ctx.Err() != nil
		if interrupted {
			var cancel context.CancelFunc
			lookCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), lookupBudget)
			defer cancel()
		}
		found, ok, ferr := lookUp(lookCtx, find)
		switch {
		case ferr != nil:
			return created[T]{}, &unknownOutcomeError{cause: err, lookup: ferr}
		case ok && interrupted:
			return created[T]{Value: found, Outcome: createInterrupted, Cause: err, Attempts: attempt}, nil
		case ok:
			return created[T]{Value: found, Outcome: createAdopted, Cause: err, Attempts: attempt}, nil
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

// ownerKey names an invitation, or an ibl.ai invitee, that one resource of
// a run holds.
type ownerKey struct {
	scope string
	id    string // lower-cased where the server compares without case
}

// stageOwnerKey is an authentik invitation, by its token.
func stageOwnerKey(pk string) ownerKey { return ownerKey{scope: "stage", id: strings.ToLower(pk)} }

// iblOwnerKey is an ibl.ai invitation of a kind, by org and id.
func iblOwnerKey(k ibl.Kind, org string, id int64) ownerKey {
	return ownerKey{scope: k.String() + " " + org, id: strconv.FormatInt(id, 10)}
}

// iblUserKey is an invitee of an ibl.ai item, email compared without case:
// the server keeps one invitation per item and user.
func iblUserKey(k ibl.Kind, org, item, user string) ownerKey {
	return ownerKey{scope: k.String() + " user " + org + " " + item, id: strings.ToLower(user)}
}

// ownership remembers, for one run, the invitations that resources have
// created or adopted, so that no two resources of a configuration end up
// holding the same one. The zero value is ready to use.
type ownership struct {
	mu    sync.Mutex
	owned map[ownerKey]bool
}

// claim records key as owned; it is false when another resource holds it.
func (o *ownership) claim(key ownerKey) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.owned[key] {
		return false
	}
	if o.owned == nil {
		o.owned = map[ownerKey]bool{}
	}
	o.owned[key] = true
	return true
}

// isClaimed tells whether a resource of this run holds key.
func (o *ownership) isClaimed(key ownerKey) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.owned[key]
}

// errAmbiguousLookAlikes is a look-up that found several invitations the
// create could have made.
var errAmbiguousLookAlikes = errors.New("several invitations match")
