package provider

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// createOnce, with fake send and find: each step is what one call answers.
func TestCreateOnce(t *testing.T) {
	serverError := &client.APIError{Method: "POST", Path: "/x", StatusCode: http.StatusBadGateway}
	unavailable := &client.APIError{Method: "GET", Path: "/x", StatusCode: http.StatusServiceUnavailable}
	badRequest := &client.APIError{Method: "POST", Path: "/x", StatusCode: http.StatusBadRequest}
	forbidden := &client.APIError{Method: "GET", Path: "/x", StatusCode: http.StatusForbidden}
	type found struct {
		ok  bool
		err error
	}
	tests := []struct {
		name  string
		sends []error // nil: created
		finds []found
		// cancelOnSend cancels the operation's context during the first send.
		cancelOnSend bool
		want         createOutcome // zero: an error
		wantErr      func(error) bool
		wantSends    int
		wantFinds    int
	}{
		{name: "created", sends: []error{nil}, want: createdFirstTime, wantSends: 1},
		{name: "5xx then found", sends: []error{serverError}, finds: []found{{ok: true}}, want: createAdopted, wantSends: 1, wantFinds: 1},
		{name: "5xx then absent then sent again", sends: []error{serverError, nil}, finds: []found{{}}, want: createdAgain, wantSends: 2, wantFinds: 1},
		{name: "cancelled then found on the detached context", sends: []error{&client.TransportError{MaybeSent: true, Err: context.Canceled}},
			cancelOnSend: true, finds: []found{{ok: true}}, want: createInterrupted, wantSends: 1, wantFinds: 1},
		{name: "cancelled then absent", sends: []error{&client.TransportError{MaybeSent: true, Err: context.Canceled}},
			cancelOnSend: true, finds: []found{{}}, wantErr: func(err error) bool { return errors.As(err, new(*client.TransportError)) }, wantSends: 1, wantFinds: 1},
		{name: "transient look-up failures, then found", sends: []error{serverError}, finds: []found{{err: unavailable}, {err: unavailable}, {ok: true}},
			want: createAdopted, wantSends: 1, wantFinds: 3},
		{name: "a look-up that fails for good", sends: []error{serverError}, finds: []found{{err: forbidden}},
			wantErr: func(err error) bool { return errors.As(err, new(*unknownOutcomeError)) }, wantSends: 1, wantFinds: 1},
		{name: "the attempt cap", sends: repeat(error(serverError), maxCreateAttempts+1), finds: repeat(found{}, maxCreateAttempts+1),
			wantErr: func(err error) bool { return errors.Is(err, serverError) }, wantSends: maxCreateAttempts, wantFinds: maxCreateAttempts},
		{name: "a refusal is not looked for", sends: []error{badRequest},
			wantErr: func(err error) bool { return errors.Is(err, badRequest) }, wantSends: 1},
		{name: "a connection that never left is not looked for", sends: []error{&client.TransportError{MaybeSent: false, Err: errors.New("refused")}},
			wantErr: func(err error) bool { return errors.As(err, new(*client.TransportError)) }, wantSends: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			sends, finds := 0, 0
			send := func(ctx context.Context) (string, error) {
				err := tt.sends[sends]
				sends++
				if tt.cancelOnSend {
					cancel()
				}
				if err != nil {
					return "", err
				}
				return "sent", nil
			}
			find := func(ctx context.Context) (string, bool, error) {
				if ctx.Err() != nil {
					t.Error("the look-up ran on an ended context")
				}
				f := tt.finds[finds]
				finds++
				if f.ok {
					return "found", true, nil
				}
				return "", false, f.err
			}
			res, err := createOnce(ctx, send, find)
			switch {
			case tt.wantErr != nil && (err == nil || !tt.wantErr(err)):
				t.Errorf("error %v, want another", err)
			case tt.wantErr == nil && err != nil:
				t.Errorf("error %v, want outcome %d", err, tt.want)
			case tt.wantErr == nil && res.Outcome != tt.want:
				t.Errorf("outcome %d, want %d", res.Outcome, tt.want)
			}
			if sends != tt.wantSends || finds != tt.wantFinds {
				t.Errorf("sent %d and looked %d times, want %d and %d", sends, finds, tt.wantSends, tt.wantFinds)
			}
			if err == nil && res.Attempts != sends {
				t.Errorf("attempts %d, sent %d", res.Attempts, sends)
			}
		})
	}
}

// The detached look-up after a create that ran out of time lasts no
// longer than the operation's own timeout.
func TestCreateOnceDetachedLookUpIsBoundedByTheOperation(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := createOnce(ctx,
		func(ctx context.Context) (string, error) {
			<-ctx.Done()
			return "", &client.TransportError{MaybeSent: true, Err: ctx.Err()}
		},
		func(ctx context.Context) (string, bool, error) {
			<-ctx.Done()
			return "", false, ctx.Err()
		})
	if !errors.As(err, new(*unknownOutcomeError)) {
		t.Errorf("error %v, want the outcome unknown", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s: the look-up outlived the operation's timeout", took)
	}
}

func repeat[T any](v T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = v
	}
	return out
}
