package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/invitations-dev/terraform-provider-invitations/internal/authentik"
)

// start goes ahead only when the platform's client exists and the
// operation's timeout is good, and then under that timeout.
func TestPlatformStart(t *testing.T) {
	configured := &authentik.Client{}
	badTimeout := func(context.Context, time.Duration) (time.Duration, diag.Diagnostics) {
		var d diag.Diagnostics
		d.AddError("Timeout Cannot Be Parsed", `timeout for "create" cannot be parsed`)
		return time.Minute, d
	}
	for _, tc := range []struct {
		name    string
		client  *authentik.Client
		timeout timeoutFunc
		prior   bool // an error before start
		wantOK  bool
	}{
		{name: "configured", client: configured, timeout: noTimeoutAttribute, wantOK: true},
		{name: "settings not known", timeout: noTimeoutAttribute},
		{name: "bad timeout", client: configured, timeout: badTimeout},
		{name: "earlier error", client: configured, timeout: noTimeoutAttribute, prior: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var diags diag.Diagnostics
			if tc.prior {
				diags.AddError("Reading the plan failed", "")
			}
			ctx, cancel, ok := start(t.Context(), &diags, tc.client, tc.timeout, 3*time.Second)
			defer cancel()
			if ok != tc.wantOK || ok == diags.HasError() {
				t.Fatalf("ok %v with diagnostics %v, want ok %v and errors exactly when not ok", ok, diags, tc.wantOK)
			}
			deadline, has := ctx.Deadline()
			if ok && (!has || time.Until(deadline) > 3*time.Second) {
				t.Errorf("deadline %v (set: %v), want within the default 3s", deadline, has)
			}
			if !ok && has {
				t.Errorf("an operation that does not go ahead got a deadline")
			}
		})
	}
}
