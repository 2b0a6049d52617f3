package mockserver

import (
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
	// gateway timing out on a backend that finished its work.
	CommitThenFail bool
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
	if f.Body != "" {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	writeJSON(w, status, map[string]any{"detail": http.StatusText(status)})
}

type faultState struct {
	script     []Fault
	latency    time.Duration
	random5xx  float64
	rng        *rand.Rand
	randomPath string
}

// next picks the fault for this request, if any: the first matching one in
// the script (consumed), else a random 5xx at the configured rate.
func (fs *faultState) next(r *http.Request) (*Fault, time.Duration) {
	for i := range fs.script {
		if fs.script[i].matches(r) {
			f := fs.script[i]
			fs.script = append(fs.script[:i], fs.script[i+1:]...)
			return &f, fs.latency + f.Delay
		}
	}
	if fs.random5xx > 0 && strings.HasPrefix(r.URL.Path, fs.randomPath) && !strings.HasPrefix(r.URL.Path, "/_mock/") {
		if fs.rng.Float64() < fs.random5xx {
			codes := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
			return &Fault{Status: codes[fs.rng.IntN(len(codes))]}, fs.latency
		}
	}
	return nil, fs.latency
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
// starts with prefix with a random 500, 502, 503 or 504, from a seeded
// generator so that runs repeat.
func (s *Server) SetRandom5xx(fraction float64, prefix string, seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.random5xx = fraction
	s.faults.randomPath = prefix
	s.faults.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
