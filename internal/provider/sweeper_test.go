package provider

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The sweepers remove what interrupted acceptance runs left on a live
// target (make sweep): authentik invitations named tfacc-* are deleted;
// ibl.ai invitations whose source starts with tfacc- are retired (the real
// DELETE keeps rows, so they are deactivated). Nothing else is touched.

const envSweep = "INVITATIONS_SWEEP"

// accPrefix starts the name or source of everything a test makes.
const accPrefix = "tfacc-"

func init() {
	resource.AddTestSweepers("invitations_stage_invitation", &resource.Sweeper{
		Name: "invitations_stage_invitation",
		F:    func(string) error { return sweepStage() },
	})
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		resource.AddTestSweepers(c.typ, &resource.Sweeper{
			Name: c.typ,
			F:    func(string) error { return sweepIBL(c) },
		})
	}
}

// sweepTarget is the target the sweepers may act on: an error without the
// opt-in; nil, after saying so, when the platform is not configured (a
// sweep of one platform skips the other).
func sweepTarget(needs platform) (*testEnv, error) {
	if os.Getenv(envSweep) != "1" {
		return nil, fmt.Errorf("sweepers act on a live target: set %s=1 to let them", envSweep)
	}
	s := settings
	if needs == authentikPlatform && (s.authentikURL == "" || s.authentikToken == "") {
		log.Printf("[INFO] sweep: authentik not configured (%s, %s): skipped", EnvAuthentikURL, EnvAuthentikToken)
		return nil, nil
	}
	if needs == iblPlatform && (s.iblURL == "" || s.iblKey == "" || s.iblOrg == "") {
		log.Printf("[INFO] sweep: ibl.ai not configured (%s, %s, %s): skipped", EnvIBLURL, EnvIBLAPIKey, EnvIBLOrg)
		return nil, nil
	}
	return &testEnv{authentikUpstream: strings.TrimRight(s.authentikURL, "/"), authentikToken: s.authentikToken,
		iblUpstream: strings.TrimRight(s.iblURL, "/"), iblKey: s.iblKey, org: s.iblOrg}, nil
}

func sweepStage() error {
	env, err := sweepTarget(authentikPlatform)
	if env == nil {
		return err
	}
	all, err := env.allStages()
	if err != nil {
		return err
	}
	var left []serverStage
	for _, inv := range all {
		if strings.HasPrefix(inv.Name, accPrefix) {
			left = append(left, inv)
		}
	}
	for _, inv := range left {
		if err := env.deleteStage(inv.PK); err != nil {
			return err
		}
		// Absence is proven by the narrow read.
		if still, err := env.stage(inv.PK); err != nil || still != nil {
			return fmt.Errorf("stage invitation %s is still there after its DELETE (%v)", inv.Name, err)
		}
		fmt.Printf("sweep: deleted authentik invitation %s\n", inv.Name)
	}
	fmt.Printf("sweep: authentik: %d invitation(s) named %s* deleted, %d other(s) left as they are\n", len(left), accPrefix, len(all)-len(left))
	return nil
}

func sweepIBL(c iblKindCase) error {
	env, err := sweepTarget(iblPlatform)
	if env == nil {
		return err
	}
	active, err := activeIBLRows(env, c)
	if err != nil {
		return err
	}
	n := 0
	for _, inv := range active {
		if !strings.HasPrefix(inv.Source, accPrefix) {
			continue
		}
		body := map[string]any{c.keyAttr: inv.item(c.keyAttr), "active": false}
		if inv.Email != "" {
			body["email"] = inv.Email
		} else {
			body["username"] = inv.Username
		}
		var got serverIBL
		status, err := env.call(http.MethodPost, env.iblUpstream+iblPaths[c.keyAttr], env.iblAuth(), body, &got)
		if err != nil || status >= 300 {
			return fmt.Errorf("retiring %s invitation %d: status %d, %v", c.kind, inv.ID, status, err)
		}
		if got.ID != inv.ID || got.Active {
			return fmt.Errorf("retiring %s invitation %d: the server answered with %+v", c.kind, inv.ID, got)
		}
		n++
		fmt.Printf("sweep: retired ibl.ai %s invitation %d (source %s)\n", c.kind, inv.ID, inv.Source)
	}
	fmt.Printf("sweep: ibl.ai %s: %d active invitation(s) with a source %s* retired, %d other active one(s) left as they are\n", c.kind, n, accPrefix, len(active)-n)
	return nil
}

// activeIBLRows are the kind's active invitations in the org.
func activeIBLRows(env *testEnv, c iblKindCase) ([]serverIBL, error) {
	return env.listIBL(c.keyAttr, url.Values{"org": {env.org}, "active": {"true"}, "sort": {"id"}})
}
