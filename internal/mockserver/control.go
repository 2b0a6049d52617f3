package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
)

// serveControl is the mock's own API, for the demo and for driving a
// standalone mock from a shell:
//
//	GET  /_mock/requests                          request counts by route
//	POST /_mock/faults                            queue faults (a JSON list of Fault)
//	POST /_mock/chaos                             random faults (a JSON Chaos; null turns them off)
//	POST /_mock/authentik/invitations/{pk}/use    a user enrols with the invitation
//	POST /_mock/authentik/cleanup                 run authentik's cleanup job now
//	POST /_mock/ibl/{kind}/invitations/{id}/accept  an invitee registers (kind: program, course or platform)
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, rest string) {
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case len(parts) > 0 && parts[0] == "ibl":
		s.serveIBLControl(w, r, parts[1:])
	case rest == "requests" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.CountsByRoute())
	case rest == "faults" && r.Method == http.MethodPost:
		var faults []Fault
		if err := json.NewDecoder(r.Body).Decode(&faults); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"detail": err.Error()})
			return
		}
		s.Script(faults...)
		w.WriteHeader(http.StatusNoContent)
	case rest == "chaos" && r.Method == http.MethodPost:
		var c *Chaos
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"detail": err.Error()})
			return
		}
		s.SetChaos(c)
		w.WriteHeader(http.StatusNoContent)
	case rest == "authentik/cleanup" && r.Method == http.MethodPost:
		s.CleanupAuthentik()
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 4 && parts[0] == "authentik" && parts[1] == "invitations" && parts[3] == "use" && r.Method == http.MethodPost:
		if err := s.UseAuthentikInvitation(parts[2]); err != nil {
			writeJSON(w, http.StatusNotFound, map[string]any{"detail": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Not found."})
	}
}
