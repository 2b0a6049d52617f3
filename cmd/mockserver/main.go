// Command mockserver runs the bundled mock of the authentik and ibl.ai
// invitation APIs in the foreground, for the demo and for trying the
// provider by hand. It prints the environment a shell can eval.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func main() {
	addr := flag.String("addr", envOr("MOCK_ADDR", "127.0.0.1:0"), "address to listen on (MOCK_ADDR); port 0 picks a free one")
	seedAuthentik := flag.Int("seed-authentik", 0, "pre-create this many authentik invitations")
	latency := flag.Duration("latency", 0, "delay every answer by this much")
	random5xx := flag.Float64("random-5xx", 0, "fail this fraction (0..1) of API requests with a random 500/502/503/504")
	seed := flag.Uint64("seed", 1, "seed of the random faults")
	envFile := flag.String("env-file", "", "also write the export lines to this file")
	flag.Parse()

	srv := mockserver.New(mockserver.Options{})
	srv.SeedAuthentik(*seedAuthentik, "seeded")
	srv.SetLatency(*latency)
	if *random5xx > 0 {
		srv.SetRandom5xx(*random5xx, "/api/", *seed)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("mockserver: %v", err)
	}
	base := "http://" + ln.Addr().String()
	exports := fmt.Sprintf("export AUTHENTIK_URL=%s\nexport AUTHENTIK_TOKEN=%s\n", base, mockserver.AuthentikAdminToken)
	fmt.Print(exports)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(exports), 0o600); err != nil {
			log.Fatalf("mockserver: %v", err)
		}
	}
	log.Printf("mockserver: listening on %s (read-only authentik token: %s); Ctrl-C stops it", base, mockserver.AuthentikReadOnlyToken)

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
