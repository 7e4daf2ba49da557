package blob

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
)

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")

func TestPutOpen(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, n, mime, err := s.Put(bytes.NewReader(pdf), "月报.pdf", 1<<20)
	if err != nil || n != int64(len(pdf)) || mime != "application/pdf" || len(h) != 64 {
		t.Fatalf("put: %s %d %s %v", h, n, mime, err)
	}
	// The same bytes again are the same file.
	h2, _, _, _ := s.Put(bytes.NewReader(pdf), "copy.pdf", 1<<20)
	if h2 != h {
		t.Fatal("same content, different hash")
	}
	f, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(b, pdf) {
		t.Fatal("content changed")
	}
	if _, err := s.Open("../../etc/passwd"); shishi.ErrorCode(err) != shishi.ENOTFOUND {
		t.Fatalf("path traversal: %v", err)
	}
}

func TestPutRefuses(t *testing.T) {
	s, _ := New(t.TempDir())
	cases := map[string][]byte{
		"empty":      {},
		"too large":  bytes.Repeat([]byte("a"), 2048),
		"executable": append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 100)...),
		"html":       []byte("<!DOCTYPE html><script>alert(1)</script>"),
	}
	for name, b := range cases {
		_, _, _, err := s.Put(bytes.NewReader(b), "x.pdf", 1024)
		if shishi.ErrorCode(err) != shishi.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A zip that does not call itself an Office file is refused.
	if _, _, _, err := s.Put(strings.NewReader("PK\x03\x04rest"), "x.zip", 1024); shishi.ErrorCode(err) != shishi.EINVALID {
		t.Errorf("zip: %v", err)
	}
	if _, _, mime, err := s.Put(strings.NewReader("PK\x03\x04rest"), "台账.xlsx", 1024); err != nil || !strings.Contains(mime, "spreadsheetml") {
		t.Errorf("xlsx: %s %v", mime, err)
	}
}
