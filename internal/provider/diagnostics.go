package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/invitations-dev/terraform-provider-invitations/internal/client"
)

// describe renders an error for a diagnostic: the HTTP status and the
// server's message, with a hint for authentication failures that speaks of
// the platform that answered (told by the request's path).
func describe(err error) string {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == 403 {
		if isIBLPath(apiErr.Path) {
			return err.Error() + "\n\nibl.ai answers 403 when the API key lacks permission for program invitations: a read-only platform admin's key may only list them, " +
				"and with RBAC on, the key needs the Ibl.Catalog/ProgramInvitations/ permission. Check the key's role (ibl.api_key, IBLAI_API_KEY) and org."
		}
		return err.Error() + "\n\nauthentik answers 403 both to a missing or invalid token and to a token whose user lacks permission on invitations: check the token and its user's permissions."
	}
	return err.Error()
}

// isIBLPath tells a request to ibl.ai's catalog API (the gateway may put a
// prefix before it).
func isIBLPath(p string) bool { return strings.Contains(p, "/api/catalog/") }

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
