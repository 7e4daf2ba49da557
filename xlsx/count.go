package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
)

// EstimateRows counts the data rows of a table file (the header not
// counted) without parsing its cells, for a progress bar's end: the first
// worksheet's <row> elements of an .xlsx (its dimension element cannot be
// trusted: stream writers leave it at A1), the line ends of a .csv. A
// quoted line break or a row of empty cells makes it a little high; the
// caller treats it as a hint. An error means "unknown".
func EstimateRows(file string) (int, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil {
		return 0, err
	}
	if string(head) != "PK\x03\x04" {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return 0, err
		}
		n, err := countLines(f)
		return max(n-1, 0), err
	}
	z, err := zip.NewReader(f, st.Size())
	if err != nil {
		return 0, err
	}
	sheet, err := firstSheet(z)
	if err != nil {
		return 0, err
	}
	r, err := sheet.Open()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n, err := countRowTags(r)
	return max(n-1, 0), err
}

func countLines(r io.Reader) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	n, last := 0, byte('\n')
	buf := make([]byte, 64<<10)
	for {
		k, err := br.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			if last != '\n' {
				n++
			}
			return n, nil
		} else if err != nil {
			return 0, err
		}
	}
}

// countRowTags counts "<row" and "<x:row" (any prefix) start tags whose
// name is shorter than maxTagName bytes.
func countRowTags(r io.Reader) (int, error) { return countRowTagsBy(r, 64<<10) }

// maxTagName bounds the tag names countRowTagsBy reads: a longer one is no
// row tag, whole or cut by a chunk's end, so a chunk never carries more than
// this into the next.
const maxTagName = 64

// countRowTagsBy reads chunks of size bytes; a tag cut by a chunk's end is
// read with the next. The count does not depend on size.
func countRowTagsBy(r io.Reader, size int) (int, error) {
	buf := make([]byte, size)
	n, carry := 0, []byte(nil)
	for {
		k, err := r.Read(buf)
		chunk := append(carry, buf[:k]...)
		carry = nil
		for i := 0; ; {
			j := bytes.IndexByte(chunk[i:], '<')
			if j < 0 {
				break
			}
			start := i + j
			i = start + 1
			name := chunk[i:]
			c := bytes.IndexAny(name, " />")
			if c < 0 {
				// Cut at the chunk's end: read it with the next chunk,
				// unless it is already too long to be a row tag; a '<'
				// inside it is still read.
				if len(name) < maxTagName {
					carry = append([]byte(nil), chunk[start:]...)
					break
				}
				continue
			}
			if name = name[:c]; c < maxTagName && (string(name) == "row" || bytes.HasSuffix(name, []byte(":row"))) {
				n++
			}
		}
		if err == io.EOF {
			return n, nil
		} else if err != nil {
			return 0, err
		}
	}
}

// firstSheet finds the first sheet of the workbook (the one OpenRows reads).
func firstSheet(z *zip.Reader) (*zip.File, error) {
	p, err := readWorkbook(z)
	if err != nil {
		return nil, err
	}
	if p.sheets[0] == nil {
		return nil, errors.New("xlsx: first sheet not found")
	}
	return p.sheets[0], nil
}

func decodePart(f *zip.File, v any) error { return decodePartMax(f, v, 1<<20) }

// decodePartMax decodes a small part of the workbook, reading at most
// limit bytes of it.
func decodePartMax(f *zip.File, v any, limit int64) error {
	if f == nil {
		return errors.New("xlsx: part missing")
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	return xml.NewDecoder(io.LimitReader(r, limit)).Decode(v)
}
