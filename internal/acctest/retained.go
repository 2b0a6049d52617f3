package acctest

import (
	"context"
	"runtime"
	"testing"
	"weak"
)

// PayloadKey is the context key under which Retained's call finds its
// payload.
type PayloadKey struct{}

// payload stands for what a call's context reaches (its loggers, its gRPC
// stream); a weak pointer tells whether anything still holds it.
type payload struct{ _ [1 << 16]byte }

// Retained makes one call with a context that reaches a fresh payload and
// tells, once the call and its context are done with, whether anything
// still holds the payload: the tests of the framework's context leak and
// of fwfix's release of it.
func Retained(t testing.TB, do func(ctx context.Context)) bool {
	t.Helper()
	w := func() weak.Pointer[payload] {
		p := &payload{}
		ctx, cancel := context.WithCancel(context.WithValue(t.Context(), PayloadKey{}, p))
		defer cancel()
		do(ctx)
		return weak.Make(p)
	}()
	for range 3 {
		runtime.GC()
	}
	return w.Value() != nil
}
