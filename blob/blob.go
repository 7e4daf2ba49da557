// Package blob keeps uploaded files (evidence, attachments) by the SHA-256
// of their content in a directory tree: the same file uploaded twice is
// stored once, a stored file cannot be changed without changing its name,
// and the database holds only the hash. Types are sniffed from the bytes,
// never taken from the client, and sizes are bounded.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/shishi-edu/shishi"
)

// Store is a content-addressed directory.
type Store struct{ dir string }

// New opens (and creates) the directory.
func New(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Store{dir: dir}, nil
}

// Allowed are the types evidence may have: images, PDF, Office files (zip
// containers, by extension), plain text.
var Allowed = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "application/pdf": ".pdf",
	"text/plain; charset=utf-8": ".txt",
}

var officeExt = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Put stores what r holds, at most limit bytes, and returns its hash, size
// and sniffed type. EINVALID for a file too large, empty, or of a type not
// allowed.
func (s *Store) Put(r io.Reader, name string, limit int64) (hash string, size int64, mime string, err error) {
	tmp, err := os.CreateTemp(s.dir, ".upload-*")
	if err != nil {
		return "", 0, "", shishi.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	head := make([]byte, 512)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	size, err = io.Copy(io.MultiWriter(tmp, h), io.MultiReader(strings.NewReader(string(head)), io.LimitReader(r, limit+1-int64(n))))
	if err != nil {
		return "", 0, "", shishi.Invalid(shishi.FieldError{Field: "file", Message: "上传中断 / upload interrupted"})
	}
	switch {
	case size == 0:
		return "", 0, "", shishi.Invalid(shishi.FieldError{Field: "file", Message: name + "：文件为空 / empty file"})
	case size > limit:
		return "", 0, "", shishi.Invalid(shishi.FieldError{Field: "file", Message: fmt.Sprintf("%s：文件超过 %d MiB / larger than %d MiB", name, limit>>20, limit>>20)})
	}
	mime = http.DetectContentType(head)
	if mime == "application/zip" {
		if t, ok := officeExt[strings.ToLower(filepath.Ext(name))]; ok {
			mime = t
		}
	}
	if _, ok := Allowed[mime]; !ok && !isOffice(mime) {
		return "", 0, "", shishi.Invalid(shishi.FieldError{Field: "file", Message: name + "：仅接受图片、PDF、Office 文档或文本 / only images, PDF, Office documents or text (found " + mime + ")"})
	}
	hash = hex.EncodeToString(h.Sum(nil))
	if err := tmp.Sync(); err != nil {
		return "", 0, "", shishi.Internal(err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, "", shishi.Internal(err)
	}
	dst := s.path(hash)
	if _, err := os.Stat(dst); err == nil {
		return hash, size, mime, nil // already stored: same bytes
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", 0, "", shishi.Internal(err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, "", shishi.Internal(err)
	}
	return hash, size, mime, nil
}

func isOffice(mime string) bool {
	for _, t := range officeExt {
		if t == mime {
			return true
		}
	}
	return false
}

// Open returns the stored file of hash.
func (s *Store) Open(hash string) (*os.File, error) {
	if !hashRE.MatchString(hash) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "文件不存在 / no such file")
	}
	f, err := os.Open(s.path(hash))
	if errors.Is(err, os.ErrNotExist) {
		return nil, shishi.Errorf(shishi.ENOTFOUND, "文件不存在 / no such file")
	}
	return f, err
}

func (s *Store) path(hash string) string { return filepath.Join(s.dir, hash[:2], hash[2:]) }
