// Command refuseproxy stands in front of a separately started mock for the
// live-mode acceptance run in CI: it forwards the platforms' APIs and
// refuses the mock's own control API (/_mock/), so that no test run
// against it can drive the mock.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"time"
)

func main() {
	upstream := flag.String("to", "", "the mock's base URL")
	addrFile := flag.String("addr-file", "", "write the proxy's base URL to this file")
	flag.Parse()
	to, err := url.Parse(*upstream)
	if err != nil || to.Host == "" {
		log.Fatalf("refuseproxy: -to must be the mock's base URL, got %q", *upstream)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(to) }}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mock/") {
			log.Printf("refuseproxy: refused %s %s", r.Method, r.URL.Path)
			http.Error(w, "the mock's control API is not reachable through this proxy", http.StatusForbidden)
			return
		}
		rp.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(base+"\n"), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(base)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
