package shishi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Decimal is an exact quantity with four decimal places (3364 套,
// 86.51 %, 3.4 million jobs): targets and reported values are never
// floats, so sums and comparisons are exact.
type Decimal int64

const decimalScale = 10000

// DecimalOf returns the integer n as a Decimal.
func DecimalOf(n int64) Decimal { return Decimal(n * decimalScale) }

// ParseDecimal reads "7000", "48.06", "-3", "1,700", "2.5万" (ten
// thousand) or "340万"; at most four decimals.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", ""))
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "万"):
		mult, s = 10000, strings.TrimSuffix(s, "万")
	case strings.HasSuffix(s, "亿"):
		mult, s = 100000000, strings.TrimSuffix(s, "亿")
	}
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 8 {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number: %q", s)
		}
	}
	w := int64(0)
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, fmt.Errorf("number too large: %q", s)
		}
	}
	frac = (frac + "00000000")[:8]
	f, _ := strconv.ParseInt(frac, 10, 64) // 8 digits of fraction
	// value × scale = (w + f/1e8) × mult × 1e4
	const limit = math.MaxInt64 / 4
	if w > limit/decimalScale/mult {
		return 0, fmt.Errorf("number too large: %q", s)
	}
	v := w*mult*decimalScale + f*mult/10000
	if f*mult%10000 != 0 {
		return 0, fmt.Errorf("more than four decimals: %q", s)
	}
	if neg {
		v = -v
	}
	return Decimal(v), nil
}

// Float is the value as a float64, for ratios and charts only.
func (d Decimal) Float() float64 { return float64(d) / decimalScale }

// String writes the shortest exact form: "7000", "48.06".
func (d Decimal) String() string {
	neg := d < 0
	v := int64(d)
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/decimalScale, 10)
	if f := v % decimalScale; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", f), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes the value as a JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number or a numeric string.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" {
		*d = 0
		return nil
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Round2 rounds a percentage to two decimals, half away from zero, as the
// contract's "completion" wants.
func Round2(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return math.Round(f*100) / 100
}
