package mockserver

import "net/http"

// IBLOptions configure the ibl.ai part.
type IBLOptions struct{}

func (o IBLOptions) withDefaults() IBLOptions { return o }

type iblStore struct{}

func newIBLStore() *iblStore { return &iblStore{} }

func (s *Server) iblPath(p string) (string, bool) { return "", false }

func (s *Server) serveIBL(w http.ResponseWriter, r *http.Request, rest string) {}
