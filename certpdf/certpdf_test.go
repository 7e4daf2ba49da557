package certpdf

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/shishi-edu/shishi"
)

func sample() *shishi.PublicCredential {
	from := time.Date(2021, 8, 24, 16, 30, 0, 0, time.UTC) // 2021-08-25 in Beijing
	return &shishi.PublicCredential{Status: shishi.CredentialValid, Number: "1.2.156.3005.2.CET4.12100000400010253E.00000042.001.Q",
		Type: "cet4", TypeName: "全国大学英语四级考试成绩报告单", TypeNameEn: "CET-4 score report", Issuer: "教育部教育考试院",
		Fields: []shishi.PublicField{{Key: "fullName", Label: "姓名", LabelEn: "Name", Value: "韩梅梅"},
			{Key: "idNumber", Label: "证件号码", LabelEn: "ID number", Value: "4101**********123X"},
			{Key: "examSession", Label: "考试时间", LabelEn: "Exam session", Value: "2021年6月"},
			{Key: "totalScore", Label: "总分", LabelEn: "Total score", Value: "561"}},
		ValidFrom: &from,
		Link:      "http://127.0.0.1:8080/verify?number=1.2.156.3005.2.CET4.12100000400010253E.00000042.001.Q&key=7K3M9P2QX4RT8VWZ"}
}

// pageContent reads page 1: its text (through the font's ToUnicode map,
// what a reader copying from the file gets) and its rectangles.
func pageContent(t *testing.T, b []byte) (string, []pdf.Rect) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	text.ReadFrom(tr)
	return text.String(), r.Page(1).Content().Rect
}

// decodeQR rasterizes the page's rectangles (the QR code's dark runs) at
// four pixels a module, with the quiet zone, and reads them with ZXing's
// QR decoder (makiuchi-d/gozxing, a port): a real decode, not a
// comparison with our own encoder.
func decodeQR(t *testing.T, rects []pdf.Rect) string {
	t.Helper()
	if len(rects) == 0 {
		t.Fatal("no QR code drawn")
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range rects {
		minX, minY = math.Min(minX, r.Min.X), math.Min(minY, r.Min.Y)
		maxX, maxY = math.Max(maxX, r.Max.X), math.Max(maxY, r.Max.Y)
	}
	module := rects[0].Max.Y - rects[0].Min.Y // every run is one module high
	px := 4.0 / module                        // pixels a point
	quiet := 4 * module
	w, h := int((maxX-minX+2*quiet)*px+0.5), int((maxY-minY+2*quiet)*px+0.5)
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, r := range rects {
		// PDF space grows upwards; the image downwards.
		x0, x1 := int((r.Min.X-minX+quiet)*px+0.5), int((r.Max.X-minX+quiet)*px+0.5)
		y0, y1 := int((maxY-r.Max.Y+quiet)*px+0.5), int((maxY-r.Min.Y+quiet)*px+0.5)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return res.GetText()
}

func TestRender(t *testing.T) {
	c := sample()
	b, err := Render(c, time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:16])
	}
	text, rects := pageContent(t, b)
	for _, want := range []string{"全国大学英语四级考试成绩报告单", "CET-4 score report", "韩梅梅", "4101**********123X", "2021年6月", "561",
		"证书编号", c.Number, "教育部教育考试院", "2021年8月25日", "长期有效", "有效 / Valid（2026年11月29日）", "扫码核验"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	got := decodeQR(t, rects)
	if got != c.Link {
		t.Fatalf("QR code reads %q, want %q", got, c.Link)
	}
	u, err := url.Parse(got)
	if err != nil || u.Path != "/verify" || u.Query().Get("number") != c.Number || len(u.Query().Get("key")) != 16 {
		t.Fatalf("the QR link does not open the verification page: %q", got)
	}
	// The font is a subset.
	if len(b) > 300<<10 {
		t.Errorf("PDF of %d bytes", len(b))
	}
	// A type of many fields: the text runs on and the code still decodes,
	// on the page that holds it.
	for i := 0; i < 30; i++ {
		c.Fields = append(c.Fields, shishi.PublicField{Label: "科目", LabelEn: "Subject", Value: strings.Repeat("成绩", i%5+1)})
	}
	long, err := Render(c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := pdf.NewReader(bytes.NewReader(long), int64(len(long)))
	var qrRects []pdf.Rect
	for i := 1; i <= r.NumPage(); i++ {
		if rs := r.Page(i).Content().Rect; len(rs) > 0 {
			qrRects = rs
		}
	}
	if r.NumPage() < 2 || decodeQR(t, qrRects) != c.Link {
		t.Fatalf("long certificate: %d pages", r.NumPage())
	}
	if _, err := Render(&shishi.PublicCredential{Number: c.Number}, time.Now()); err == nil {
		t.Fatal("a credential without its link was rendered")
	}
}
