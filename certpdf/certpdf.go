// Package certpdf renders a certificate (电子证书) as a one-page A4 PDF:
// its type, every field with Chinese and English labels, number, issuer,
// dates and status, and a QR code whose link opens this server's
// verification page with the credential's number and access key.
//
// Why these pieces: the text goes through github.com/signintech/gopdf
// with the CJK font briefpdf already embeds (WenQuanYi Micro Hei, from
// Debian's fonts-wqy-microhei, Apache 2.0), subset, with a ToUnicode map,
// so the PDF's text can be searched and copied. The QR code is encoded by
// github.com/boombuler/barcode/qr — already in the module graph (the TOTP
// library uses it), pure Go — and drawn as filled vector rectangles, one a
// run of dark modules: it prints sharp at any size, with no image to
// resample. Error correction level M (15 %) survives a stamp or a fold.
package certpdf

import (
	"bytes"
	"fmt"
	"image/color"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/signintech/gopdf"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/briefpdf"
)

// A4 in points, and the layout.
const (
	pageW, pageH = 595.28, 841.89
	margin       = 56.0
	labelW       = 130.0
	// QRModule is the side of one QR module in points (about 0.85 mm):
	// phone cameras read it from a print at arm's length.
	QRModule = 2.4
	// minQRModule (about 0.6 mm) still scans from a print held close.
	minQRModule = 1.7
	qrQuiet     = 4 // modules of white margin, as ISO/IEC 18004 asks
)

// Render writes the certificate. c must carry every field and its QR link
// (Link); a credential opened without them cannot be printed.
func Render(c *shishi.PublicCredential, now time.Time) ([]byte, error) {
	if c == nil || c.Link == "" {
		return nil, fmt.Errorf("certpdf: no verification link")
	}
	font, err := briefpdf.Font()
	if err != nil {
		return nil, err
	}
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.SetInfo(gopdf.PdfInfo{Title: c.TypeName + " " + c.Number, Subject: c.TypeName, Author: c.Issuer, Creator: "Shishi 实事"})
	if err := p.AddTTFFontData("cjk", font); err != nil {
		return nil, fmt.Errorf("certpdf: font: %w", err)
	}
	page(p)

	y := 92.0
	centre(p, c.TypeName, 22, 0x1d3f72, y)
	y += 30
	if c.TypeNameEn != "" {
		centre(p, c.TypeNameEn, 11, 0x5f6670, y)
		y += 20
	}
	y += 24
	row := func(label, en, value string, size float64) {
		if y+40 > pageH-margin {
			page(p) // a type of many fields runs on
			y = margin + 40
		}
		_ = p.SetFont("cjk", "", 9)
		colour(p, 0x5f6670)
		p.SetXY(margin+10, y+3)
		_ = p.Cell(nil, en)
		_ = p.SetFont("cjk", "", 12)
		colour(p, 0x1f2328)
		p.SetXY(margin+10, y-11)
		_ = p.Cell(nil, label)
		_ = p.SetFont("cjk", "", size)
		lines, err := p.SplitText(value, pageW-2*margin-labelW-20)
		if err != nil || len(lines) == 0 {
			lines = []string{value}
		}
		for i, l := range lines {
			p.SetXY(margin+labelW, y-11+float64(i)*16)
			_ = p.Cell(nil, l)
		}
		p.SetStrokeColor(0xd8, 0xdd, 0xe6)
		p.SetLineWidth(0.4)
		bottom := y + 12 + float64(len(lines)-1)*16
		p.Line(margin+6, bottom, pageW-margin-6, bottom)
		y = bottom + 24
	}
	for _, f := range c.Fields {
		row(f.Label, f.LabelEn, f.Value, 12)
	}
	y += 6
	// The number on one line: 10 points fit its 53 characters.
	row("证书编号", "Certificate number", c.Number, 10)
	row("签发机构", "Issuer", c.Issuer, 12)
	if c.ValidFrom != nil {
		row("签发日期", "Issued", chineseDate(*c.ValidFrom), 12)
	}
	until := "长期有效"
	if c.ValidUntil != nil {
		until = chineseDate(*c.ValidUntil)
	}
	row("有效期至", "Valid until", until, 12)
	row("状态", "Status", c.Status.Label(false)+" / "+c.Status.Label(true)+"（"+chineseDate(now)+"）", 12)

	// The QR code, bottom right, with its caption and link.
	code, err := qr.Encode(c.Link, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("certpdf: QR code: %w", err)
	}
	// The code takes the room left at the foot of the page, shrinking its
	// modules down to minQRModule before it moves to a page of its own.
	modules := float64(code.Bounds().Dx() + 2*qrQuiet)
	module := min(QRModule, (pageH-margin-20-y)/modules)
	if module < minQRModule {
		page(p)
		y, module = margin+40, QRModule
	}
	side := modules * module
	qx, qy := pageW-margin-side, max(y, pageH-margin-side-20)
	drawQR(p, code, qx, qy, module)
	_ = p.SetFont("cjk", "", 9)
	colour(p, 0x1f2328)
	p.SetXY(qx, qy+side+2)
	_ = p.Cell(nil, "扫码核验 / Scan to verify")
	_ = p.SetFont("cjk", "", 8)
	colour(p, 0x5f6670)
	note := []string{"本证书为电子证书，附 W3C 可验证凭证（eddsa-rdfc-2022）签名。",
		"This certificate is a W3C Verifiable Credential; scan the code",
		"or open the verification page to check it online.", "核验地址 / Verify at:"}
	ny := qy + 10
	for _, l := range note {
		p.SetXY(margin+10, ny)
		_ = p.Cell(nil, l)
		ny += 13
	}
	lines, err := p.SplitText(c.Link, qx-margin-30)
	if err != nil || len(lines) == 0 {
		lines = []string{c.Link}
	}
	for _, l := range lines {
		p.SetXY(margin+10, ny)
		_ = p.Cell(nil, l)
		ny += 12
	}
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("certpdf: %w", err)
	}
	return buf.Bytes(), nil
}

// drawQR draws the dark modules of code at (x, y), upper left, after the
// quiet zone: one rectangle per horizontal run.
func drawQR(p *gopdf.GoPdf, code barcode.Barcode, x, y, module float64) {
	p.SetFillColor(0, 0, 0)
	b := code.Bounds()
	x0, y0 := x+qrQuiet*module, y+qrQuiet*module
	for r := b.Min.Y; r < b.Max.Y; r++ {
		for c := b.Min.X; c < b.Max.X; {
			if !dark(code.At(c, r)) {
				c++
				continue
			}
			start := c
			for c < b.Max.X && dark(code.At(c, r)) {
				c++
			}
			p.RectFromUpperLeftWithStyle(x0+float64(start-b.Min.X)*module, y0+float64(r-b.Min.Y)*module, float64(c-start)*module, module, "F")
		}
	}
}

func dark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r+g+b < 3*0x8000
}

// page starts a page with a double frame in the issuer's blue, drawn with
// lines (the QR code is the page's only rectangles).
func page(p *gopdf.GoPdf) {
	p.AddPage()
	p.SetStrokeColor(0x1d, 0x3f, 0x72)
	p.SetLineWidth(1.6)
	frame(p, 28)
	p.SetLineWidth(0.5)
	frame(p, 34)
}

func frame(p *gopdf.GoPdf, inset float64) {
	l, t, r, b := inset, inset, pageW-inset, pageH-inset
	p.Line(l, t, r, t)
	p.Line(r, t, r, b)
	p.Line(r, b, l, b)
	p.Line(l, b, l, t)
}

func centre(p *gopdf.GoPdf, s string, size float64, rgb int, y float64) {
	_ = p.SetFont("cjk", "", size)
	colour(p, rgb)
	w, _ := p.MeasureTextWidth(s)
	p.SetXY((pageW-w)/2, y)
	_ = p.Cell(nil, s)
}

func colour(p *gopdf.GoPdf, rgb int) {
	p.SetTextColor(uint8(rgb>>16), uint8(rgb>>8), uint8(rgb))
}

// chineseDate writes a date as Chinese readers do: 2026年11月29日.
func chineseDate(t time.Time) string {
	t = t.In(shanghai)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// shanghai is China Standard Time (UTC+8, no daylight saving): a date on
// a certificate is the day in Beijing.
var shanghai = time.FixedZone("CST", 8*3600)
