package mockserver

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Fault is one scripted misbehaviour, matched against incoming requests.
type Fault struct {
	// Method and PathPrefix select the requests it applies to; empty
	// matches any. PathPrefix is matched against the URL path.
	Method     string
	PathPrefix string
	// Status is the status answered instead of the real one (default 500).
	Status int
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Body is the answer's body; empty sends {"detail": <status text>}.
	Body string
	// Drop closes the connection without any answer.
	Drop bool
	// CommitThenFail lets the request take effect before failing it, as a
	// gateway timing out on a backend that finished its work. With a 2xx
	// Status and a Body it plays a server that did the work and answered
	// something unusable.
	CommitThenFail bool
	// Hold keeps the answer back until the client gives up (a timeout,
	// Ctrl-C); with CommitThenFail the request takes effect first.
	Hold bool
	// Location, with a 3xx Status, redirects the client there.
	Location string
	// Delay is waited before answering.
	Delay time.Duration
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) && strings.HasPrefix(r.URL.Path, f.PathPrefix)
}

func (f *Fault) respond(w http.ResponseWriter) {
	if f.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // aborts the connection without a response
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	if f.Body != "" {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	writeJSON(w, status, map[string]any{"detail": http.StatusText(status)})
}

type faultState struct {
	script  []Fault
	latency time.Duration
	chaos   *Chaos
	// seen counts requests by fingerprint, so that a retry draws anew.
	seen map[uint64]int
	// holdWrites holds every committed POST's answer (see HoldWrites).
	holdWrites bool
	held       int
}

// Chaos fails requests at random, at the given rates, as flaky networks,
// overloaded gateways and busy backends do. The draw for a request depends
// only on the seed, the request (method, path, query, body) and how often
// the same request was seen before, not on arrival order, so that a run
// with many requests in parallel repeats.
type Chaos struct {
	Seed uint64
	// PathPrefix limits the faults to requests below it (default "/api/").
	PathPrefix string
	// Status5xx answers a random 500, 502, 503 or 504; nothing happens.
	Status5xx float64
	// TooMany answers 429 with RetryAfter (default "1").
	TooMany    float64
	RetryAfter string
	// Drop closes the connection without an answer; nothing happens.
	Drop float64
	// CommitThenFail lets a write (POST, PUT, PATCH, DELETE) take effect,
	// then answers a random 5xx or drops the connection.
	CommitThenFail float64
}

// next picks the fault for this request, if any: the first matching one in
// the script (consumed), else a chaos draw.
func (fs *faultState) next(r *http.Request, body []byte) (*Fault, time.Duration) {
	for i := range fs.script {
		if fs.script[i].matches(r) {
			f := fs.script[i]
			fs.script = append(fs.script[:i], fs.script[i+1:]...)
			return &f, fs.latency + f.Delay
		}
	}
	c := fs.chaos
	prefix := "/api/"
	if c != nil && c.PathPrefix != "" {
		prefix = c.PathPrefix
	}
	if c == nil || !strings.HasPrefix(r.URL.Path, prefix) {
		return nil, fs.latency
	}
	h := fnv.New64a()
	_, _ = fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00", c.Seed, r.Method, r.URL.Path, r.URL.RawQuery)
	_, _ = h.Write(body)
	key := h.Sum64()
	if fs.seen == nil {
		fs.seen = map[uint64]int{}
	}
	fs.seen[key]++
	rng := rand.New(rand.NewPCG(key, uint64(fs.seen[key])))
	draw := rng.Float64()
	codes := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	switch {
	case draw < c.Status5xx:
		return &Fault{Status: codes[rng.IntN(len(codes))]}, fs.latency
	case draw < c.Status5xx+c.TooMany:
		ra := c.RetryAfter
		if ra == "" {
			ra = "1"
		}
		return &Fault{Status: http.StatusTooManyRequests, RetryAfter: ra}, fs.latency
	case draw < c.Status5xx+c.TooMany+c.Drop:
		return &Fault{Drop: true}, fs.latency
	case write && draw < c.Status5xx+c.TooMany+c.Drop+c.CommitThenFail:
		if rng.IntN(3) == 0 {
			return &Fault{Drop: true, CommitThenFail: true}, fs.latency
		}
		return &Fault{Status: codes[rng.IntN(len(codes))], CommitThenFail: true}, fs.latency
	}
	return nil, fs.latency
}

// SetChaos fails requests at random as c says; nil turns it off.
func (s *Server) SetChaos(c *Chaos) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.chaos = c
	s.faults.seen = nil
}

// HoldWrites makes every POST take effect and then keeps its answer back
// until the client gives up, as a backend that committed behind a stalled
// gateway: what a Ctrl-C during an apply meets. Off again, new POSTs are
// answered normally.
func (s *Server) HoldWrites(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.holdWrites = on
}

// Held tells how many answers are being held back now.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.held
}

// Script queues faults; each is used once, by the first request it matches.
func (s *Server) Script(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.script = append(s.faults.script, faults...)
}

// PendingFaults tells how many scripted faults have not been used yet.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.faults.script)
}

// SetLatency delays every answer.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = d
}

// SetRandom5xx fails the given fraction of requests (0 to 1) whose path
// starts with prefix with a random 500, 502, 503 or 504, from a seeded draw
// so that runs repeat.
func (s *Server) SetRandom5xx(fraction float64, prefix string, seed uint64) {
	s.SetChaos(&Chaos{Seed: seed, PathPrefix: prefix, Status5xx: fraction})
}
