package fwfix

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
)

// A callee that keeps a context derived from the call's, as the framework
// does, keeps nothing of the call once it has returned; during the call the
// context carries the call's values and cancellation.
func TestReleasedLetsGoOfTheCall(t *testing.T) {
	var kept []context.CancelFunc
	keep := func(ctx context.Context, _ int) (int, error) {
		derived, cancel := context.WithCancel(ctx)
		kept = append(kept, cancel) // never called: the framework's pattern
		if derived.Value(acctest.PayloadKey{}) == nil {
			return 0, errors.New("the call's values were not visible during the call")
		}
		return len(kept), nil
	}

	if acctest.Retained(t, func(ctx context.Context) {
		if _, err := released(ctx, 0, keep); err != nil {
			t.Error(err)
		}
	}) {
		t.Error("the call's context is still reachable from what the callee kept")
	}

	// The control: called directly, the same callee keeps the call alive.
	if !acctest.Retained(t, func(ctx context.Context) { _, _ = keep(ctx, 0) }) {
		t.Error("the control kept nothing: this test no longer tells anything")
	}

	// Cancelling the call's context reaches the callee's during the call.
	ctx, cancel := context.WithCancel(t.Context())
	if _, err := released(ctx, 0, func(ctx context.Context, _ int) (int, error) {
		derived, stop := context.WithCancel(ctx)
		defer stop()
		cancel()
		<-derived.Done()
		return 0, derived.Err()
	}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelling the call gave %v, want context.Canceled", err)
	}
	runtime.KeepAlive(kept)
}
