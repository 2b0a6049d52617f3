// Command mockserver runs the bundled mock of the authentik and ibl.ai
// invitation APIs in the foreground, for the demo and for trying the
// provider by hand. It prints the environment a shell can eval.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func main() {
	addr := flag.String("addr", envOr("MOCK_ADDR", "127.0.0.1:0"), "address to listen on (MOCK_ADDR); port 0 picks a free one")
	seedAuthentik := flag.Int("seed-authentik", 0, "pre-create this many authentik invitations")
	seedIBL := flag.Int("seed-ibl", 0, "pre-create this many ibl.ai program invitations (in acme+onboarding)")
	iblPrograms := flag.String("ibl-programs", strings.Join(mockserver.DefaultPrograms(), ","), "comma-separated program keys (org+program) the ibl.ai part knows; POSTs for others get 404")
	iblCourses := flag.String("ibl-courses", mockserver.FormatIBLCourses(mockserver.DefaultCourses()), "comma-separated courses the ibl.ai part knows, each org=course_id (the platform that hosts it; a bare course-v1:ORG+COURSE+RUN takes the org its key names, as Open edX reads it); POSTs for others get 404")
	iblPlatforms := flag.String("ibl-platforms", strings.Join(mockserver.DefaultPlatforms(), ","), "comma-separated platform keys the ibl.ai part knows (a platform's key is its org); POSTs for others get 404")
	seedIBLCourse := flag.Int("seed-ibl-course", 0, "pre-create this many ibl.ai course invitations (in the first course)")
	seedIBLPlatform := flag.Int("seed-ibl-platform", 0, "pre-create this many ibl.ai platform invitations (in the first platform)")
	iblScheme := flag.String("ibl-auth-scheme", "Api-Token", "Authorization prefix the ibl.ai part accepts (Api-Token or Api-Key)")
	iblNextPage := flag.Bool("ibl-next-page-envelope", false, "answer lists with next_page/previous_page instead of next/previous")
	iblRelative := flag.Bool("ibl-relative-links", false, "render pagination links as paths instead of absolute URLs")
	_ = flag.Bool("ibl-noop-delete", true, "accepted for compatibility: DELETE answers 200 and keeps the row by default, as real servers do (see -ibl-real-delete)")
	iblRealDelete := flag.Bool("ibl-real-delete", false, "play a server whose DELETE deletes the row (real servers keep it)")
	iblEmailCase := flag.Bool("ibl-email-case-sensitive", false, "compare emails exactly in filters and in the create-or-update key")
	iblNoEnrollment := flag.Bool("ibl-no-enrollment-config", false, "play a server older than enrollment_config (programs, courses): it is stored in metadata, like any unknown body key")
	iblNoAccessDates := flag.Bool("ibl-no-access-dates", false, "play a server older than SDK 4.202, without the programs' and courses' access start and expiration dates: they are stored in metadata")
	iblNoUserFields := flag.Bool("ibl-no-platform-user-fields", false, "play a 4.90 server, older than the platform invitation's company_name, first_name, last_name, user_group and user_group_owner_email: they are stored in metadata")
	iblSparse := flag.Bool("ibl-sparse-answers", false, "leave user_id (when null) and created out of course and platform invitations, as their response schemas allow")
	iblAlwaysCreate := flag.Bool("ibl-always-create", false, "make every POST insert a new invitation (servers before create-or-update)")
	akVersion := flag.String("authentik-version", mockserver.DefaultAuthentikVersion, "authentik release to play (YYYY.M): before 2025.12 names are limited to 50 characters and pages are not capped; 2026.2 and older have no send_email (404); 2024.2 and older default an omitted expires to now + 30 minutes and reject null")
	akCleanup := flag.Duration("authentik-cleanup-interval", 5*time.Minute, "how often authentik's cleanup job deletes expired invitations and those without expires (POST /_mock/authentik/cleanup runs it at once); 0 never")
	akMaxPage := flag.Int("authentik-max-page-size", 100, "largest authentik page (the tenant's pagination_max_page_size)")
	akStable := flag.Bool("authentik-stable-order", false, "list rows that tie under the ordering in creation order (kinder than a real database, whose order of ties changes from request to request)")
	latency := flag.Duration("latency", 0, "delay every answer by this much")
	random5xx := flag.Float64("random-5xx", 0, "fail this fraction (0..1) of API requests with a random 500/502/503/504")
	seed := flag.Uint64("seed", 1, "seed of the random faults")
	faults := flag.String("faults", "", `scripted faults, as a JSON list of {"Method","PathPrefix","Status","RetryAfter","Body","Drop","CommitThenFail","Delay"}, each used once by the first request it matches; e.g. [{"Method":"POST","Status":429,"RetryAfter":"2"}] (POST /_mock/faults takes the same list at run time)`)
	chaos := flag.String("chaos", "", `random faults, as JSON {"Seed","Status5xx","TooMany","RetryAfter","Drop","CommitThenFail"} with rates from 0 to 1; e.g. {"Seed":1,"Status5xx":0.2,"TooMany":0.05,"Drop":0.05,"CommitThenFail":0.05} (POST /_mock/chaos takes the same at run time)`)
	envFile := flag.String("env-file", "", "also write the export lines to this file")
	flag.Parse()

	courses, err := mockserver.ParseIBLCourses(*iblCourses)
	if err != nil {
		log.Fatalf("mockserver: -ibl-courses: %v", err)
	}
	platforms := strings.Split(*iblPlatforms, ",")
	if *akCleanup == 0 {
		*akCleanup = -1 // Options: negative is never
	}
	srv := mockserver.New(mockserver.Options{
		AuthentikVersion: *akVersion, AuthentikCleanupInterval: *akCleanup, AuthentikMaxPageSize: *akMaxPage, AuthentikStableOrder: *akStable,
		IBL: mockserver.IBLOptions{
			Programs: strings.Split(*iblPrograms, ","), Courses: courses, Platforms: platforms,
			AuthScheme: *iblScheme, NextPageEnvelope: *iblNextPage, RelativeLinks: *iblRelative,
			RealDelete: *iblRealDelete, AlwaysCreate: *iblAlwaysCreate,
			EmailCaseSensitive: *iblEmailCase, NoEnrollmentConfig: *iblNoEnrollment, NoAccessDates: *iblNoAccessDates,
			NoPlatformUserFields: *iblNoUserFields, SparseAnswers: *iblSparse,
		}})
	srv.StartCleanup()
	defer srv.Close()
	srv.SeedAuthentik(*seedAuthentik, "seeded")
	srv.IBLOf(mockserver.IBLKindProgram).Seed(*seedIBL, "acme+onboarding")
	if len(courses) > 0 {
		srv.IBLOf(mockserver.IBLKindCourse).Seed(*seedIBLCourse, courses[0].ID)
	}
	srv.IBLOf(mockserver.IBLKindPlatform).Seed(*seedIBLPlatform, platforms[0])
	srv.SetLatency(*latency)
	if *faults != "" {
		var list []mockserver.Fault
		if err := json.Unmarshal([]byte(*faults), &list); err != nil {
			log.Fatalf("mockserver: -faults: %v", err)
		}
		srv.Script(list...)
	}
	if *random5xx > 0 {
		srv.SetRandom5xx(*random5xx, "/api/", *seed)
	}
	if *chaos != "" {
		var c mockserver.Chaos
		if err := json.Unmarshal([]byte(*chaos), &c); err != nil {
			log.Fatalf("mockserver: -chaos: %v", err)
		}
		srv.SetChaos(&c)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("mockserver: %v", err)
	}
	base := "http://" + ln.Addr().String()
	exports := fmt.Sprintf("export AUTHENTIK_URL=%s\nexport AUTHENTIK_TOKEN=%s\nexport IBLAI_URL=%s\nexport IBLAI_API_KEY=%s\nexport IBLAI_ORG=%s\n",
		base, mockserver.AuthentikAdminToken, base, mockserver.IBLAdminKey, mockserver.IBLDefaultOrg)
	fmt.Print(exports)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(exports), 0o600); err != nil {
			log.Fatalf("mockserver: %v", err)
		}
	}
	log.Printf("mockserver: listening on %s (read-only credentials: authentik token %s, ibl.ai key %s; authentik tokens that may not view every invitation: %s views none, %s its own); "+
		"programs: %s; courses: %s; platforms: %s; Ctrl-C stops it",
		base, mockserver.AuthentikReadOnlyToken, mockserver.IBLReadOnlyKey, mockserver.AuthentikBlindToken, mockserver.AuthentikOwnToken,
		*iblPrograms, mockserver.FormatIBLCourses(courses), strings.Join(platforms, ","))

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("mockserver: %v", err)
	}
	printCounts(srv)
}

// printCounts reports the requests served, by route, when the mock stops.
func printCounts(srv *mockserver.Server) {
	counts := srv.CountsByRoute()
	routes := make([]string, 0, len(counts))
	for r := range counts {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	log.Printf("mockserver: requests served, by route:")
	for _, r := range routes {
		log.Printf("mockserver:   %4d  %s", counts[r], r)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
