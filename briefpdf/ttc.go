package briefpdf

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"sync"
)

//go:embed font/wqy-microhei.ttc
var collection []byte

var (
	faceOnce sync.Once
	faceData []byte
	faceErr  error
)

// Font returns the embedded CJK font (WenQuanYi Micro Hei, Apache 2.0) as
// a standalone TrueType file, for the other PDFs Shishi writes (the
// certificate's): one copy of the 5 MB collection in the binary.
func Font() ([]byte, error) { return face() }

// face returns the collection's first font as a standalone TrueType file.
func face() ([]byte, error) {
	faceOnce.Do(func() { faceData, faceErr = firstFace(collection) })
	return faceData, faceErr
}

// firstFace cuts the first font out of a TrueType collection: its table
// directory, with each table copied after it (4-byte aligned) and the
// offsets rewritten. The tables themselves, and so their checksums, stay
// as they are.
func firstFace(b []byte) ([]byte, error) {
	be := binary.BigEndian
	bad := errors.New("briefpdf: not a TrueType collection")
	if len(b) < 16 || string(b[:4]) != "ttcf" || be.Uint32(b[8:]) == 0 {
		return nil, bad
	}
	off := int(be.Uint32(b[12:]))
	if off+12 > len(b) {
		return nil, bad
	}
	n := int(be.Uint16(b[off+4:]))
	if off+12+16*n > len(b) {
		return nil, bad
	}
	head := make([]byte, 12+16*n)
	copy(head, b[off:off+12])
	var data []byte
	for i := 0; i < n; i++ {
		rec := b[off+12+16*i : off+28+16*i]
		copy(head[12+16*i:], rec)
		o, l := int(be.Uint32(rec[8:])), int(be.Uint32(rec[12:]))
		if o < 0 || l < 0 || o+l > len(b) {
			return nil, bad
		}
		be.PutUint32(head[12+16*i+8:], uint32(len(head)+len(data)))
		data = append(data, b[o:o+l]...)
		for len(data)%4 != 0 {
			data = append(data, 0)
		}
	}
	return append(head, data...), nil
}
