package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/vc"
)

// The public side of module E, no account needed: the documents written
// into credentials (DID documents, type contexts, status lists) at stable,
// cacheable URLs, and the verification pages: query by number and name,
// the QR code's link, a holder's online verification code, an uploaded
// credential file. Lookups are under the public rate limit.

func (s *Server) credentialPublicRoutes(h func(string, http.HandlerFunc)) {
	if s.Credentials == nil {
		return
	}
	h("GET /issuers/{id}/did.json", s.limit(s.apiLim, s.didDocument))
	h("GET /contexts/{code}/v1", s.limit(s.apiLim, s.typeContext))
	h("GET /status/{issuer}/{purpose}/{seq}", s.limit(s.apiLim, s.statusList))
	h("GET /verify", s.verifyPage)
	h("GET /verify/pdf", s.limit(s.publicLim, s.verifyPDF))
	h("POST /verify", s.limit(s.publicLim, s.verifyUpload))
	h("GET /verify/holder", s.holderPage)
	h("POST /verify/holder", s.limit(s.publicLim, s.holderAction))
}

// publishDoc answers a published JSON document, cacheable: a proxy may
// keep it a few minutes, and an ETag saves the transfer when unchanged.
func (s *Server) publishDoc(w http.ResponseWriter, r *http.Request, b []byte, err error, mime string, maxAge int) {
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	tag := `"` + shortHash(b) + `"`
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", mime)
	w.Write(b)
}

func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.apiError(w, r, shishi.Errorf(shishi.ENOTFOUND, "没有这个签发机构 / no such issuer"))
		return
	}
	b, err := s.Credentials.DIDDocument(r.Context(), id)
	s.publishDoc(w, r, b, err, "application/did+json", 300)
}

func (s *Server) typeContext(w http.ResponseWriter, r *http.Request) {
	b, err := s.Credentials.TypeContext(r.Context(), r.PathValue("code"))
	s.publishDoc(w, r, b, err, "application/ld+json", 86400)
}

func (s *Server) statusList(w http.ResponseWriter, r *http.Request) {
	issuer, err1 := strconv.ParseInt(r.PathValue("issuer"), 10, 64)
	seq, err2 := strconv.Atoi(r.PathValue("seq"))
	if err1 != nil || err2 != nil || seq < 1 {
		s.apiError(w, r, shishi.Errorf(shishi.ENOTFOUND, "没有这个状态列表 / no such status list"))
		return
	}
	b, err := s.Credentials.StatusListCredential(r.Context(), issuer, r.PathValue("purpose"), seq)
	s.publishDoc(w, r, b, err, "application/vc+ld+json", 300)
}

// verifyData is what the verification page shows.
type verifyData struct {
	Number, Name, Code string
	Result             *shishi.PublicCredential
	Checked            *shishi.Verification
	Full               bool   // the QR link or a holder's code: every field
	PDF                string // then the link of the certificate's PDF
}

// verifyAnswer is the JSON of GET /verify.
type verifyAnswer struct {
	*shishi.PublicCredential
	Credential json.RawMessage `json:"credential,omitempty"`
}

func wantsJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// verifyPage: GET /verify?number=&name= (the public query), ?number=&key=
// (the QR code's link), ?code= (a holder's code); without any, the forms.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "verify.title")
	q := r.URL.Query()
	d := verifyData{Number: q.Get("number"), Name: q.Get("name"), Code: q.Get("code")}
	var res *shishi.PublicCredential
	var err error
	// A query is rate-limited before it reads anything: a refused one
	// costs the store nothing.
	asked := d.Code != "" || d.Number != "" || d.Name != ""
	if asked {
		if ok, wait := s.publicLim.allow(clientIP(r)); !ok {
			s.tooMany(w, r, wait)
			return
		}
	}
	switch {
	case d.Code != "":
		res, err = s.Credentials.UseHolderCode(r.Context(), d.Code)
		d.Full = true
	case d.Number != "" && q.Get("key") != "":
		res, err = s.Credentials.OpenCredential(r.Context(), d.Number, q.Get("key"))
		d.Full = true
	case asked:
		res, err = s.Credentials.QueryCredential(r.Context(), d.Number, d.Name)
	}
	if wantsJSON(r) {
		if !asked {
			err = shishi.Invalid(shishi.FieldError{Field: "number", Message: "请输入证书编号和姓名 / give number and name"})
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		ans := verifyAnswer{PublicCredential: res}
		if len(res.VC) > 0 {
			ans.Credential = res.VC
		}
		_ = writeJSON(w, http.StatusOK, ans)
		return
	}
	status := http.StatusOK
	if err != nil {
		v.Form = url.Values(q)
		formError(v, r, err)
		status = Status(err)
	}
	d.Result = res
	if d.Full && res != nil && res.Status != shishi.CredentialNotFound {
		d.PDF = "/verify/pdf?" + pdfQuery(q).Encode()
	}
	v.Data = d
	s.render(w, r, status, "verify", v)
}

// pdfQuery keeps what opens a credential: number and key, or a code.
func pdfQuery(q url.Values) url.Values {
	if q.Get("code") != "" {
		return url.Values{"code": {q.Get("code")}}
	}
	return url.Values{"number": {q.Get("number")}, "key": {q.Get("key")}}
}

// verifyPDF: GET /verify/pdf?number=&key= (the QR code's link) or ?code=
// (a holder's code): the certificate's PDF, for the holder to print.
func (s *Server) verifyPDF(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var res *shishi.PublicCredential
	var err error
	switch {
	case q.Get("code") != "":
		res, err = s.Credentials.UseHolderCode(r.Context(), q.Get("code"))
	case q.Get("number") != "" && q.Get("key") != "":
		res, err = s.Credentials.OpenCredential(r.Context(), q.Get("number"), q.Get("key"))
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "number", Message: "请提供证书编号和访问密钥，或在线验证码 / give the number and access key, or a verification code"})
	}
	if err == nil && res.Status == shishi.CredentialNotFound {
		err = shishi.Errorf(shishi.ENOTFOUND, "没有查到这份证书 / no such certificate")
	}
	if err == nil {
		err = s.writeCertificatePDF(w, res, "private, no-store")
	}
	if err != nil {
		s.apiError(w, r, err)
	}
}

// verifyUpload checks a presented credential: an uploaded file, pasted
// JSON, or the link of a QR code.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "verify.title")
	r.Body = http.MaxBytesReader(w, r.Body, vc.MaxDocument+64<<10)
	var raw []byte
	if err := r.ParseMultipartForm(vc.MaxDocument); err == nil {
		if f, _, err := r.FormFile("file"); err == nil {
			raw, _ = io.ReadAll(io.LimitReader(f, vc.MaxDocument+1))
			f.Close()
		}
	} else if err := r.ParseForm(); err != nil {
		formError(v, r, shishi.Invalid(shishi.FieldError{Field: "file", Message: "表单无法解析或文件过大 / unreadable form or file too large"}))
		s.render(w, r, http.StatusUnprocessableEntity, "verify", v)
		return
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte(r.FormValue("vc"))
	}
	if link := strings.TrimSpace(r.FormValue("url")); link != "" && len(bytes.TrimSpace(raw)) == 0 {
		// The QR code's link: this server's /verify with number and key.
		u, err := url.Parse(link)
		if err != nil || !strings.HasSuffix(u.Path, "/verify") {
			formError(v, r, shishi.Invalid(shishi.FieldError{Field: "url", Message: "不是证书二维码中的链接 / not the link of a certificate's QR code"}))
			v.Data = verifyData{}
			s.render(w, r, http.StatusUnprocessableEntity, "verify", v)
			return
		}
		http.Redirect(w, r, "/verify?"+u.RawQuery, http.StatusSeeOther)
		return
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		formError(v, r, shishi.Invalid(shishi.FieldError{Field: "file", Message: "请上传证书文件或粘贴其内容 / upload the credential file or paste it"}))
		v.Data = verifyData{}
		s.render(w, r, http.StatusUnprocessableEntity, "verify", v)
		return
	}
	res, err := s.Credentials.VerifyCredential(r.Context(), raw)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	v.Data = verifyData{Checked: res}
	s.render(w, r, http.StatusOK, "verify", v)
}

// verifyAPI: POST /api/v1/credentials:verify with the credential as body.
func (s *Server) verifyAPI(w http.ResponseWriter, r *http.Request) error {
	raw, err := io.ReadAll(io.LimitReader(r.Body, vc.MaxDocument+1))
	if err != nil || len(raw) > vc.MaxDocument {
		return shishi.Invalid(shishi.FieldError{Field: "body", Message: "无法读取或超过 1 MiB / unreadable or larger than 1 MiB"})
	}
	res, err := s.Credentials.VerifyCredential(r.Context(), raw)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

type holderData struct {
	Number, Name string
	Codes        []*shishi.HolderCode
	Made         *shishi.HolderCode
}

func (s *Server) holderPage(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "holder.title")
	v.Data = holderData{}
	s.render(w, r, http.StatusOK, "holder", v)
}

// holderAction: the holder proves the credential with number, name and
// identity number, then lists, makes or closes verification codes. The
// identity number travels only in the POST body.
func (s *Server) holderAction(w http.ResponseWriter, r *http.Request) {
	v := s.publicView(r, "holder.title")
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, v, shishi.Invalid(shishi.FieldError{Field: "form", Message: "表单无法解析 / unreadable form"}))
		return
	}
	f := r.PostForm
	d := holderData{Number: f.Get("number"), Name: f.Get("name")}
	id := f.Get("id_number")
	var err error
	switch f.Get("action") {
	case "make":
		days, _ := strconv.Atoi(f.Get("days"))
		d.Made, err = s.Credentials.CreateHolderCode(r.Context(), d.Number, d.Name, id, days)
	case "close":
		cid, _ := strconv.ParseInt(f.Get("code_id"), 10, 64)
		if err = s.Credentials.CloseHolderCode(r.Context(), d.Number, d.Name, id, cid); err == nil {
			v.Flash = v.L.T("holder.closed")
		}
	}
	status := http.StatusOK
	if err == nil {
		d.Codes, err = s.Credentials.HolderCodes(r.Context(), d.Number, d.Name, id)
	}
	if err != nil {
		formError(v, r, err)
		status = Status(err)
	}
	v.Form = f
	v.Data = d
	s.render(w, r, status, "holder", v)
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}
