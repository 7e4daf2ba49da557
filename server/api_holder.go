package server

import (
	"net/http"

	"github.com/shishi-edu/shishi"
)

// A certificate holder's online verification codes (在线验证码) beside the
// /verify/holder page: the holder proves the credential with its number,
// their name and identity number, then makes, lists or closes codes. The
// proof travels only in POST bodies (never in a URL, where logs keep it),
// so the listing is a POST too. Public, under the page's tighter limit.

// holderProof is what proves a holder.
type holderProof struct {
	Number   string `json:"number"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// holderCodeBody asks for a code valid for Days days.
type holderCodeBody struct {
	Number   string `json:"number"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
	Days     int    `json:"days"`
}

// holderCodes is the holder's codes, newest first; each shows only its
// last four characters.
type holderCodes struct {
	Items []*shishi.HolderCode `json:"items"`
}

func (s *Server) holderAPIRoutes() {
	s.api(&operation{Method: "POST", Path: "/api/v1/holder-codes", ID: "createHolderCode", Tag: "credentials", Public: true, Strict: true, Status: http.StatusCreated,
		Summary: "Make a verification code for one's credential, valid 1–365 days (the holder, proved by number, name and identity number; public, tighter limit); the whole code is in this answer only",
		Body:    holderCodeBody{}, Resp: shishi.HolderCode{}, handle: s.createHolderCode})
	s.api(&operation{Method: "POST", Path: "/api/v1/holder-codes:query", ID: "listHolderCodes", Tag: "credentials", Public: true, Strict: true,
		Summary: "The holder's verification codes, newest first, each by its last four characters (same proof; POST so the identity number stays out of URLs)",
		Body:    holderProof{}, Resp: holderCodes{}, handle: s.listHolderCodes})
	s.api(&operation{Method: "POST", Path: "/api/v1/holder-codes/{id}:close", ID: "closeHolderCode", Tag: "credentials", Public: true, Strict: true,
		Summary: "Close one of the holder's verification codes (same proof)",
		Params:  []param{pathID()}, Body: holderProof{}, Status: http.StatusNoContent, handle: s.closeHolderCode})
}

func (s *Server) createHolderCode(w http.ResponseWriter, r *http.Request) error {
	var b holderCodeBody
	if err := decode(r, &b); err != nil {
		return err
	}
	h, err := s.Credentials.CreateHolderCode(r.Context(), b.Number, b.Name, b.IDNumber, b.Days)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, h)
}

func (s *Server) listHolderCodes(w http.ResponseWriter, r *http.Request) error {
	var b holderProof
	if err := decode(r, &b); err != nil {
		return err
	}
	hs, err := s.Credentials.HolderCodes(r.Context(), b.Number, b.Name, b.IDNumber)
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []*shishi.HolderCode{}
	}
	return writeJSON(w, http.StatusOK, holderCodes{Items: hs})
}

func (s *Server) closeHolderCode(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b holderProof
	if err := decode(r, &b); err != nil {
		return err
	}
	if err := s.Credentials.CloseHolderCode(r.Context(), b.Number, b.Name, b.IDNumber, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
