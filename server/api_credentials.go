package server

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/certpdf"
	"github.com/shishi-edu/shishi/xlsx"
)

// Certificates (module E) over the API. The forms of CONTRACTS.md:
// GET/POST /api/v1/credentials, GET /api/v1/credentials/{id}/vc,
// POST /api/v1/credentials/{id}:revoke, POST /api/v1/credentials:bulk.

type issueBody struct {
	Type    string            `json:"type"`
	Subject map[string]string `json:"subject"`
}

type reasonBody struct {
	Reason string `json:"reason"`
}

// reissueBody: the reason, and corrected values by field key (optional).
type reissueBody struct {
	Reason  string            `json:"reason"`
	Subject map[string]string `json:"subject,omitempty"`
}

type bulkResult struct {
	Count int `json:"count"`
}

type issuerBody struct {
	UnitID int64 `json:"unit_id"`
	SM2    bool  `json:"sm2"`
}

func (s *Server) credentialRoutes() {
	list := listParams(param{Name: "type", In: "query", Type: "string"}, param{Name: "status", In: "query", Type: "string", Desc: "valid, revoked, suspended"},
		param{Name: "q", In: "query", Type: "string", Desc: "certificate number or holder name"})
	s.api(&operation{Method: "GET", Path: "/api/v1/credentials", ID: "listCredentials", Tag: "credentials", Summary: "Credentials of the issuers in reach, newest first",
		Params: list, Resp: shishi.Credential{}, List: true, handle: s.listCredentials})
	s.api(&operation{Method: "POST", Path: "/api/v1/credentials", ID: "issueCredential", Tag: "credentials", Status: http.StatusCreated,
		Summary: "Issue one credential: type code and subject values by field key; the answer carries the access key of the QR code, once",
		Body:    issueBody{}, Resp: shishi.Issued{}, handle: s.issueCredential})
	s.api(&operation{Method: "POST", Path: "/api/v1/credentials:bulk", ID: "bulkIssueCredentials", Tag: "credentials", Status: http.StatusCreated, Upload: true,
		Summary: "Issue from an .xlsx or .csv (multipart fields file and type; headers are field keys or labels): all or nothing, 422 lists every bad row",
		Params:  []param{{Name: "type", In: "query", Type: "string", Desc: "the type code (or a form field type)"}}, Resp: bulkResult{}, handle: s.bulkIssue})
	s.api(&operation{Method: "GET", Path: "/api/v1/credentials/{id}", ID: "getCredential", Tag: "credentials", Params: []param{pathID()},
		Resp: shishi.Credential{}, ETag: true, handle: s.getCredential})
	s.api(&operation{Method: "GET", Path: "/api/v1/credentials/{id}/vc", ID: "getCredentialVC", Tag: "credentials", Params: []param{pathID()},
		Summary: "The signed credential (W3C VC 2.0 with an eddsa-rdfc-2022 proof)", handle: s.credentialVC})
	s.api(&operation{Method: "GET", Path: "/api/v1/credentials/{id}/pdf", ID: "getCredentialPDF", Tag: "credentials", Params: []param{pathID()},
		Summary: "The certificate as a PDF (CJK text, every field, a QR code that opens /verify with the number and access key)", handle: s.credentialPDF})
	for _, a := range []shishi.StatusAction{shishi.ActionRevoke, shishi.ActionSuspend, shishi.ActionResume} {
		a := a
		s.api(&operation{Method: "POST", Path: "/api/v1/credentials/{id}:" + string(a), ID: string(a) + "Credential", Tag: "credentials",
			Summary: "Change the status with a reason (audited); If-Match honoured, 412 when stale", Params: []param{pathID()},
			Body: reasonBody{}, Resp: shishi.Credential{}, ETag: true, handle: func(w http.ResponseWriter, r *http.Request) error { return s.changeCredential(w, r, a) }})
	}
	s.api(&operation{Method: "POST", Path: "/api/v1/credentials/{id}:reissue", ID: "reissueCredential", Tag: "credentials",
		Summary: "Reissue (换发) with a reason, and corrected values by field key if any (the rest kept): same serial, next version; the old one is revoked with the reason \"reissued\". Answers the new credential; If-Match honoured, 412 when stale",
		Params:  []param{pathID()}, Body: reissueBody{}, Resp: shishi.Credential{}, ETag: true, handle: s.reissueCredential})
	s.api(&operation{Method: "GET", Path: "/api/v1/issuers", ID: "listIssuers", Tag: "credentials", Summary: "Issuers in reach, oldest first",
		Params: listParams(), Resp: shishi.Issuer{}, List: true, handle: s.listIssuers})
	s.api(&operation{Method: "POST", Path: "/api/v1/issuers", ID: "createIssuer", Tag: "credentials", Status: http.StatusCreated,
		Summary: "Make a unit an issuer with a fresh Ed25519 key and a did:web DID; with sm2 also an SM2 key, and every credential then carries a second proof (cryptosuite sm2-rdfc-2026)", Body: issuerBody{}, Resp: shishi.Issuer{}, handle: s.createIssuer})
	s.api(&operation{Method: "POST", Path: "/api/v1/issuers/{id}:rotate", ID: "rotateIssuerKey", Tag: "credentials", Params: []param{pathID()},
		Summary: "Add a new signing key; the old one retires and still verifies what it signed", Resp: shishi.Issuer{}, handle: s.rotateKey})
	s.api(&operation{Method: "GET", Path: "/api/v1/credential-types", ID: "listCredentialTypes", Tag: "credentials", Summary: "Credential types in reach, oldest first",
		Params: listParams(), Resp: shishi.CredentialType{}, List: true, handle: s.listTypes})
	s.api(&operation{Method: "POST", Path: "/api/v1/credential-types", ID: "createCredentialType", Tag: "credentials", Status: http.StatusCreated,
		Body: shishi.CredentialType{}, Resp: shishi.CredentialType{}, handle: s.createType})
	s.api(&operation{Method: "POST", Path: "/api/v1/credentials:verify", ID: "verifyCredential", Tag: "credentials", Public: true, Strict: true,
		Summary: "Verify a presented credential (the JSON as body): proofs, status lists, validity", Resp: shishi.Verification{}, handle: s.verifyAPI})
}

func (s *Server) listCredentials(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, total, err := s.Credentials.FindCredentials(r.Context(), shishi.CredentialFilter{Type: q.Get("type"), Status: shishi.CredentialStatus(q.Get("status")),
		Q: q.Get("q"), After: after, Limit: limit})
	if err != nil {
		return err
	}
	return writeList(w, list, total, limit, func(c *shishi.Credential) int64 { return c.ID })
}

// mustIssue refuses a caller without the issuer role before reading its
// input (the store then checks which issuer's types it may use).
func mustIssue(r *http.Request) error {
	if !shishi.ActorFrom(r.Context()).Has(shishi.RoleIssuer) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有证书签发员可以签发证书 / only an issuer issues credentials")
	}
	return nil
}

func (s *Server) issueCredential(w http.ResponseWriter, r *http.Request) error {
	if err := mustIssue(r); err != nil {
		return err
	}
	var b issueBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.Type == "" {
		return shishi.Invalid(shishi.FieldError{Field: "type", Message: "不能为空 / is required"})
	}
	got, err := s.Credentials.Issue(r.Context(), b.Type, b.Subject)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, got)
}

func (s *Server) bulkIssue(w http.ResponseWriter, r *http.Request) error {
	if err := mustIssue(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBulk+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return shishi.Invalid(shishi.FieldError{Field: "file", Message: "须以 multipart/form-data 上传 / upload as multipart/form-data"})
	}
	typ := r.URL.Query().Get("type")
	// The file streams from the request into the store; a type field must
	// come before it.
	for {
		part, err := mr.NextPart()
		if err != nil {
			return shishi.Invalid(shishi.FieldError{Field: "file", Message: "缺少文件字段 file / the file field is missing"})
		}
		switch part.FormName() {
		case "type":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			typ = strings.TrimSpace(string(b))
		case "file":
			if typ == "" {
				return shishi.Invalid(shishi.FieldError{Field: "type", Message: "请指定证书类型 / the type is required"})
			}
			rows, err := xlsx.OpenRows(part)
			if err != nil {
				return err
			}
			defer rows.Close()
			n, err := s.Credentials.IssueBulk(r.Context(), typ, rows, nil)
			if err != nil {
				return err
			}
			return writeJSON(w, http.StatusCreated, bulkResult{Count: n})
		}
	}
}

// maxBulk bounds one uploaded bulk file (100,000 rows fit comfortably).
const maxBulk = 200 << 20

func (s *Server) getCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Credentials.FindCredential(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.ID, c.Version))
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) credentialVC(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	b, err := s.Credentials.CredentialVC(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vc+ld+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `inline; filename="credential-`+strconv.FormatInt(id, 10)+`.json"`)
	_, err = w.Write(b)
	return err
}

func (s *Server) credentialPDF(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	c, err := s.Credentials.CredentialDocument(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeCertificatePDF(w, c, "no-store")
}

// writeCertificatePDF renders the certificate; it carries personal data,
// so no cache keeps it.
func (s *Server) writeCertificatePDF(w http.ResponseWriter, c *shishi.PublicCredential, cache string) error {
	b, err := certpdf.Render(c, s.now())
	if err != nil {
		return shishi.Internal(err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("Content-Disposition", `inline; filename="certificate-`+strings.ReplaceAll(c.Number, ".", "-")+`.pdf"`)
	_, err = w.Write(b)
	return err
}

func (s *Server) changeCredential(w http.ResponseWriter, r *http.Request, a shishi.StatusAction) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b reasonBody
	if err := decode(r, &b); err != nil {
		return err
	}
	c, err := s.Credentials.ChangeStatus(r.Context(), id, a, b.Reason, ifMatch(r, id))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.ID, c.Version))
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) reissueCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b reissueBody
	if err := decode(r, &b); err != nil {
		return err
	}
	c, err := s.Credentials.Reissue(r.Context(), id, b.Reason, b.Subject, ifMatch(r, id))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(c.ID, c.Version))
	return writeJSON(w, http.StatusOK, c)
}

func (s *Server) listIssuers(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.Credentials.FindIssuers(r.Context(), p)
	if err != nil {
		return err
	}
	return writeList(w, list, total, p.Limit, func(i *shishi.Issuer) int64 { return i.ID })
}

func (s *Server) createIssuer(w http.ResponseWriter, r *http.Request) error {
	var b issuerBody
	if err := decode(r, &b); err != nil {
		return err
	}
	i, err := s.Credentials.CreateIssuer(r.Context(), b.UnitID, b.SM2)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, i)
}

func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	i, err := s.Credentials.RotateKey(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, i)
}

func (s *Server) listTypes(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	list, total, err := s.Credentials.FindTypes(r.Context(), p)
	if err != nil {
		return err
	}
	return writeList(w, list, total, p.Limit, func(t *shishi.CredentialType) int64 { return t.ID })
}

func (s *Server) createType(w http.ResponseWriter, r *http.Request) error {
	var t shishi.CredentialType
	if err := decode(r, &t); err != nil {
		return err
	}
	got, err := s.Credentials.CreateType(r.Context(), &t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, got)
}
