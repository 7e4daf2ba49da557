package server

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/shishi-edu/shishi"
)

func (s *Server) evidenceRoutes() {
	s.api(&operation{Method: "POST", Path: "/api/v1/reports/{id}/evidence", ID: "attachEvidence", Tag: "ledger",
		Summary: "Attach an evidence file (multipart field file; images, PDF, Office, text; at most 20 MiB) to a report awaiting review",
		Params:  []param{pathID()}, Upload: true, Resp: shishi.Evidence{}, Status: http.StatusCreated, handle: s.attachEvidence})
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}/evidence", ID: "listEvidence", Tag: "ledger", Summary: "An item's evidence files, newest first",
		Params: listParams(pathID()), Resp: shishi.Evidence{}, List: true, handle: s.listEvidence})
	s.api(&operation{Method: "GET", Path: "/api/v1/evidence/{id}", ID: "getEvidence", Tag: "ledger", Summary: "The bytes of an evidence file",
		Params: []param{pathID()}, handle: s.downloadEvidence})
}

// storeUpload puts one uploaded file into the blob store.
func (s *Server) storeUpload(fh *multipart.FileHeader) (shishi.Evidence, error) {
	f, err := fh.Open()
	if err != nil {
		return shishi.Evidence{}, shishi.Invalid(shishi.FieldError{Field: "file", Message: "无法读取上传的文件 / unreadable upload"})
	}
	defer f.Close()
	hash, size, mime, err := s.Blobs.Put(f, fh.Filename, shishi.MaxEvidence)
	if err != nil {
		return shishi.Evidence{}, err
	}
	return shishi.Evidence{Name: fh.Filename, Hash: hash, Size: size, Mime: mime}, nil
}

// oneUpload reads a multipart body holding exactly one file in field
// "file" (at most MaxEvidence) and stores it by content hash.
func (s *Server) oneUpload(w http.ResponseWriter, r *http.Request) (shishi.Evidence, error) {
	r.Body = http.MaxBytesReader(w, r.Body, shishi.MaxEvidence+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return shishi.Evidence{}, shishi.Invalid(shishi.FieldError{Field: "file", Message: "须以 multipart/form-data 上传，且不超过 20 MiB / upload as multipart/form-data, at most 20 MiB"})
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) != 1 {
		return shishi.Evidence{}, shishi.Invalid(shishi.FieldError{Field: "file", Message: "须上传一个文件 / exactly one file is required"})
	}
	return s.storeUpload(fhs[0])
}

func (s *Server) attachEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.oneUpload(w, r)
	if err != nil {
		return err
	}
	out, err := s.Evidence.AttachEvidence(r.Context(), id, e)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) listEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Items.FindItem(r.Context(), id); err != nil {
		return err // an item out of reach does not exist
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	es, total, err := s.Evidence.FindEvidence(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeList(w, es, total, p.Limit, func(e *shishi.Evidence) int64 { return e.ID })
}

// downloadEvidence serves a file as an attachment, with its sniffed type,
// under a sandboxing CSP so that nothing in it runs in our origin.
func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	e, err := s.Evidence.GetEvidence(r.Context(), id)
	if err != nil {
		return err
	}
	return s.sendBlob(w, r, e.Hash, "evidence-"+strconv.FormatInt(e.ID, 10), e.Name, e.Mime)
}

// sendBlob serves a stored file as an attachment with its sniffed type,
// under a sandboxing CSP so that nothing in it runs in our origin.
func (s *Server) sendBlob(w http.ResponseWriter, r *http.Request, hash, asciiName, name, mime string) error {
	f, err := s.Blobs.Open(hash)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return shishi.Internal(err)
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+asciiName+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("ETag", `"`+hash+`"`)
	http.ServeContent(w, r, "", st.ModTime(), f)
	return nil
}
