package xlsx

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"
)

// Tag kinds of xmlScan.
const (
	tagStart = iota
	tagEnd
	tagEmpty
)

// xmlScan reads the markup of a spreadsheet part: element tags with their
// attributes, and text where asked. It knows what SpreadsheetML needs —
// namespace prefixes dropped, the five entities and character references,
// CDATA, comments and processing instructions skipped — and refuses a
// document type declaration (an entity bomb's vehicle). It is no general
// XML parser: it does not check that tags nest.
type xmlScan struct {
	r   *bufio.Reader
	buf []byte // a tag
	raw []byte // a text longer than the reader's buffer
}

func newXMLScan(r io.Reader) *xmlScan { return &xmlScan{r: bufio.NewReaderSize(r, 64<<10)} }

// maxTag bounds one tag's length, maxText one text's (Excel's longest
// cell, 32,767 characters, is at most ~260 KB written as references).
const (
	maxTag  = 1 << 20
	maxText = 4 << 20
)

// tag skips to the next element tag and returns its kind, local name and
// raw attributes (valid until the next call). Text before it is dropped.
func (s *xmlScan) tag() (int, []byte, []byte, error) {
	for {
		if _, err := s.skipTo('<'); err != nil {
			return 0, nil, nil, err
		}
		b, err := s.readTag()
		if err != nil {
			return 0, nil, nil, err
		}
		if b == nil {
			continue // a comment, CDATA or processing instruction
		}
		return splitTag(b)
	}
}

// skipTo discards input up to and including c.
func (s *xmlScan) skipTo(c byte) (int, error) {
	n := 0
	for {
		b, err := s.r.ReadSlice(c)
		n += len(b)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && n > 0 && len(bytes.TrimSpace(b)) > 0 {
			return n, io.ErrUnexpectedEOF
		}
		return n, err
	}
}

// readTag reads a tag's body after '<' up to its '>' (quotes respected);
// nil for markup that is no element.
func (s *xmlScan) readTag() ([]byte, error) {
	first, err := s.r.Peek(1)
	if err != nil {
		return nil, unexpected(err)
	}
	switch first[0] {
	case '?':
		return nil, s.skipPast("?>")
	case '!':
		head, _ := s.r.Peek(9)
		switch {
		case bytes.HasPrefix(head, []byte("!--")):
			return nil, s.skipPast("-->")
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			return nil, s.skipPast("]]>")
		}
		return nil, errSheet
	}
	s.buf = s.buf[:0]
	for {
		b, err := s.r.ReadSlice('>')
		s.buf = append(s.buf, b...)
		if len(s.buf) > maxTag {
			return nil, errSheet
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return nil, unexpected(err)
		}
		if quotesClosed(s.buf) {
			return s.buf[:len(s.buf)-1], nil
		}
	}
}

// quotesClosed: no attribute value is open in b (a '>' inside one does
// not end the tag).
func quotesClosed(b []byte) bool {
	var quote byte
	for _, c := range b {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		}
	}
	return quote == 0
}

// skipPast discards input up to and including end.
func (s *xmlScan) skipPast(end string) error {
	last := end[len(end)-1]
	var tail []byte
	for {
		b, err := s.r.ReadSlice(last)
		if err == bufio.ErrBufferFull {
			tail = append(tail[:0], b[max(0, len(b)-len(end)):]...)
			continue
		}
		if err != nil {
			return unexpected(err)
		}
		tail = append(tail, b...)
		if bytes.HasSuffix(tail, []byte(end)) {
			return nil
		}
		tail = append(tail[:0], tail[max(0, len(tail)-len(end)):]...)
	}
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// splitTag splits a tag's body into its kind, local name and attributes.
func splitTag(b []byte) (int, []byte, []byte, error) {
	kind := tagStart
	if len(b) > 0 && b[0] == '/' {
		kind, b = tagEnd, b[1:]
	} else if len(b) > 0 && b[len(b)-1] == '/' {
		kind, b = tagEmpty, b[:len(b)-1]
	}
	end := bytes.IndexAny(b, " \t\r\n")
	name, attrs := b, []byte(nil)
	if end >= 0 {
		name, attrs = b[:end], b[end:]
	}
	if len(name) == 0 {
		return 0, nil, nil, errSheet
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return kind, name, attrs, nil
}

// attr finds an attribute's value by its local name, entities decoded.
func attr(attrs []byte, want string) ([]byte, bool) {
	var found []byte
	ok := false
	eachAttr(attrs, func(name, val []byte) bool {
		if string(name) == want {
			found, ok = val, true
			return false
		}
		return true
	})
	return found, ok
}

// eachAttr calls fn with each attribute's local name and value (entities
// decoded; namespace declarations left out) until fn returns false.
func eachAttr(attrs []byte, fn func(name, val []byte) bool) {
	for len(attrs) > 0 {
		attrs = skipSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return
		}
		name := bytes.TrimSpace(attrs[:eq])
		rest := skipSpace(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return
		}
		val := rest[1 : 1+end]
		attrs = rest[2+end:]
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			if string(name[:i]) == "xmlns" {
				continue
			}
			name = name[i+1:]
		}
		if bytes.IndexByte(val, '&') >= 0 {
			val = unescape(nil, val)
		}
		if !fn(name, val) {
			return
		}
	}
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// text appends the text up to the element's end tag (</elem>) to dst,
// entities decoded; nested elements' text is included.
func (s *xmlScan) text(dst []byte, elem string) ([]byte, error) {
	for {
		chunk, err := s.r.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			// Longer than the buffer: kept whole until its end, so that
			// an entity or a CR LF cut by the buffer's end reads as one.
			if s.raw = append(s.raw, chunk...); len(s.raw) > maxText {
				return dst, errSheet
			}
			continue
		}
		if err != nil {
			return dst, unexpected(err)
		}
		if len(s.raw) > 0 {
			s.raw = append(s.raw, chunk[:len(chunk)-1]...)
			dst, s.raw = unescape(dst, s.raw), s.raw[:0]
		} else {
			dst = unescape(dst, chunk[:len(chunk)-1])
		}
		if head, _ := s.r.Peek(9); bytes.HasPrefix(head, []byte("![CDATA[")) {
			if dst, err = s.cdata(dst); err != nil {
				return dst, err
			}
			continue
		}
		b, err := s.readTag()
		if err != nil {
			return dst, err
		}
		if b == nil {
			continue
		}
		kind, name, _, err := splitTag(b)
		if err != nil {
			return dst, err
		}
		if kind == tagEnd && string(name) == elem {
			return dst, nil
		}
	}
}

// cdata appends a CDATA section's content as it is.
func (s *xmlScan) cdata(dst []byte) ([]byte, error) {
	if _, err := s.r.Discard(len("![CDATA[")); err != nil {
		return dst, unexpected(err)
	}
	start := len(dst)
	for {
		b, err := s.r.ReadSlice('>')
		if err != nil && err != bufio.ErrBufferFull {
			return dst, unexpected(err)
		}
		dst = append(dst, b...)
		if err == nil && bytes.HasSuffix(dst[start:], []byte("]]>")) {
			return dst[:len(dst)-3], nil
		}
	}
}

// richText appends the text of a string item (<si>, <is>) up to its end
// tag: its <t>, or its runs' <t>; a phonetic run's (<rPh>) is not the
// cell's text.
func (s *xmlScan) richText(dst []byte, elem string) ([]byte, error) {
	phonetic := false
	for {
		kind, name, _, err := s.tag()
		if err != nil {
			return dst, unexpected(err)
		}
		switch {
		case kind == tagEnd && string(name) == elem:
			return dst, nil
		case string(name) == "rPh":
			phonetic = kind == tagStart
		case kind == tagStart && string(name) == "t":
			if phonetic {
				if _, err := s.text(nil, "t"); err != nil {
					return dst, err
				}
				continue
			}
			if dst, err = s.text(dst, "t"); err != nil {
				return dst, err
			}
		}
	}
}

// unescape appends raw XML text to dst with entities and character
// references decoded and line ends normalised, as an XML parser reads
// them. An unknown entity is kept as written.
func unescape(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&\r")
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if raw[0] == '\r' {
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			raw = raw[1:]
			continue
		}
		ent := string(raw[1:semi])
		switch {
		case ent == "lt":
			dst = append(dst, '<')
		case ent == "gt":
			dst = append(dst, '>')
		case ent == "amp":
			dst = append(dst, '&')
		case ent == "quot":
			dst = append(dst, '"')
		case ent == "apos":
			dst = append(dst, '\'')
		case strings.HasPrefix(ent, "#"):
			var n uint64
			var err error
			if strings.HasPrefix(ent, "#x") {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil || n > math.MaxInt32 {
				dst = append(dst, raw[:semi+1]...)
			} else {
				dst = appendRune(dst, rune(n))
			}
		default:
			dst = append(dst, raw[:semi+1]...)
		}
		raw = raw[semi+1:]
	}
	return dst
}

func appendRune(dst []byte, r rune) []byte {
	var b [4]byte
	n := copy(b[:], string(r))
	return append(dst, b[:n]...)
}
