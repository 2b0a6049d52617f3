package provider

// What every operation on a platform shares: its start under a timeout,
// and the way a platform's errors become diagnostics.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// Default operation timeouts, retries included; the timeouts attribute
// overrides them per resource.
const (
	defaultWriteTimeout = 5 * time.Minute
	defaultReadTimeout  = 2 * time.Minute
	// defaultListTimeout bounds a whole listing.
	defaultListTimeout = 5 * time.Minute
)

// timeoutFunc is the timeouts library's Create, Read, Update or Delete.
type timeoutFunc func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// noTimeoutAttribute is for operations whose configuration has no timeouts
// attribute (list resources, the link, the action): the default applies.
func noTimeoutAttribute(_ context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
	return def, nil
}

// start begins an operation on a platform's client under its timeout (def
// unless the configuration sets one). ok is false, after an error, when it
// cannot go ahead: an earlier error, a client that does not exist yet (the
// provider's settings depend on values known only at apply), or a timeout
// that cannot be read.
func start[C any](ctx context.Context, diags *diag.Diagnostics, c *C, timeout timeoutFunc, def time.Duration) (_ context.Context, cancel context.CancelFunc, ok bool) {
	if diags.HasError() {
		return ctx, func() {}, false
	}
	if c == nil {
		diags.AddError("The platform's settings are not known yet",
			"The provider's settings for this platform depend on values known only after apply, so nothing can be read or changed there yet. "+
				"Apply what the settings depend on first (terraform apply -target=...).")
		return ctx, func() {}, false
	}
	d, tdiags := timeout(ctx, def)
	if diags.Append(tdiags...); diags.HasError() {
		// Validation refuses such timeouts first, at apply too; this keeps
		// a create from going ahead under the default if one slips past.
		return ctx, func() {}, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, true
}

// privateKeys is a resource's private state (a request's or a response's).
type privateKeys interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
	SetKey(context.Context, string, []byte) diag.Diagnostics
}

// describe renders an error for a diagnostic: the HTTP status and the
// server's message, with a hint for a refusal (403) worded for the platform
// that answered.
func describe(err error) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		return err.Error()
	}
	if kind, ok := iblKindOfPath(apiErr.Path); ok {
		return err.Error() + "\n\nibl.ai answers 403 when the API key may not do this with " + kind + " invitations: a read-only platform admin's key may only list them, " +
			"and with RBAC on, the key needs the catalog's permission for them (Ibl.Catalog/ProgramInvitations/ for programs). Check the key's role (ibl.api_key, IBLAI_API_KEY) and org."
	}
	switch apiErr.Message {
	case "Token invalid/expired":
		return err.Error() + "\n\nauthentik does not know the token, or it has expired: tokens made through authentik's API expire after a day by default. " +
			"Use a non-expiring API token (intent API) of a dedicated service account (authentik.token, AUTHENTIK_TOKEN)."
	case "Authentication credentials were not provided.":
		return err.Error() + "\n\nThe request carried no token: set authentik.token (or AUTHENTIK_TOKEN)."
	}
	return err.Error() + "\n\nThe token's user lacks the permission " + authentikPermission(apiErr.Method, apiErr.Path) +
		": authentik checks each action on invitations separately. Grant it to the token's user (or its role), or use a token whose user has it."
}

// authentikPermission names the permission authentik checks for a request
// on invitations.
func authentikPermission(method, path string) string {
	const app = "authentik_stages_invitation."
	switch {
	case strings.HasSuffix(path, "/send_email/"):
		return app + "add_invitation (and " + app + "view_invitation)"
	case method == http.MethodPost:
		return app + "add_invitation"
	case method == http.MethodPatch || method == http.MethodPut:
		return app + "change_invitation"
	case method == http.MethodDelete:
		return app + "delete_invitation"
	}
	return app + "view_invitation"
}

// iblKindOfPath tells a request to ibl.ai's catalog invitations (behind any
// gateway prefix) and the kind it was about.
func iblKindOfPath(p string) (string, bool) {
	_, rest, ok := strings.Cut(p, "/api/catalog/invitations/")
	kind, _, _ := strings.Cut(rest, "/")
	return kind, ok
}

// addWriteError reports a failed create or update. A validation answer
// (400) whose fields are the resource's own arguments is reported on those
// arguments, so Terraform points at the line in the configuration.
func addWriteError(diags *diag.Diagnostics, summary string, err error, arguments ...string) {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest && len(apiErr.Fields) > 0 {
		onArgument := false
		for _, name := range arguments {
			if msgs, ok := apiErr.Fields[name]; ok {
				diags.AddAttributeError(path.Root(name), summary,
					fmt.Sprintf("The server rejected %s: %s\n\n(%s %s: HTTP 400)", name, strings.Join(msgs, " "), apiErr.Method, apiErr.Path))
				onArgument = true
			}
		}
		if onArgument {
			return
		}
	}
	diags.AddError(summary, describe(err))
}
