package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/shishi-edu/shishi"
)

// TestReadSheetBounds: an uploaded item list is taken up to maxSheet (a
// 100,000-item ledger is 18.5 MiB) and refused past it, naming the field;
// what is not a zip is refused before the sheet reader sees it.
func TestReadSheetBounds(t *testing.T) {
	upload := func(body []byte) error {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", "台账.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(body)
		mw.Close()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/campaigns/1/items:import", &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		_, err = readSheet(httptest.NewRecorder(), r)
		return err
	}
	field := func(err error) string {
		if f := shishi.ErrorFields(err); shishi.ErrorCode(err) == shishi.EINVALID && len(f) > 0 {
			return f[0].Field + ": " + f[0].Message
		}
		return "not a field error: " + shishi.ErrorMessage(err)
	}
	// 20 MiB starting like a zip: past the size checks, refused by the
	// sheet reader (it is no workbook), not for its size.
	big := append([]byte("PK\x03\x04"), make([]byte, 20<<20)...)
	if err := upload(big); err == nil || bytes.Contains([]byte(field(err)), []byte("MiB")) {
		t.Fatalf("a 20 MiB upload: %v", err)
	}
	tooBig := append([]byte("PK\x03\x04"), make([]byte, maxSheet)...)
	if err := upload(tooBig); field(err) == "" || !bytes.Contains([]byte(field(err)), []byte("file: ")) || !bytes.Contains([]byte(field(err)), []byte("32 MiB")) {
		t.Fatalf("an upload over the bound: %v", field(err))
	}
	if err := upload([]byte("not a zip")); !bytes.Contains([]byte(field(err)), []byte(".xlsx")) {
		t.Fatalf("not a zip: %v", field(err))
	}
}
