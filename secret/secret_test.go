package secret

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("Correct-Horse-42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := CheckPassword(h, "Correct-Horse-42"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, _ := CheckPassword(h, "correct-horse-42"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("Correct-Horse-42")
	if h == h2 {
		t.Fatal("same salt twice")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=8,t=1,p=1$!!$AAAA"} {
		if _, err := CheckPassword(bad, "x"); err != ErrMalformedHash {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestKeyringSealOpenRotate(t *testing.T) {
	old, err := ParseKeyring(NewKeyringText("k1"))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.Seal("totp", []byte("JBSWY3DPEHPK3PXP"))
	if err != nil || !strings.HasPrefix(sealed, "k1:") {
		t.Fatalf("seal %q %v", sealed, err)
	}
	// Rotation: a new current key in front, the old one kept, still opens.
	oldLine := ""
	for _, id := range old.ids {
		oldLine = id + ":" + encode(old.keys[id])
	}
	rotated, err := ParseKeyring(strings.TrimSpace(strings.Split(NewKeyringText("k2"), "\n")[1]) + "\n" + oldLine)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.CurrentID() != "k2" {
		t.Fatalf("current %s", rotated.CurrentID())
	}
	pt, err := rotated.Open("totp", sealed)
	if err != nil || string(pt) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("open after rotation: %q %v", pt, err)
	}
	// The audit key follows the oldest key, so rotation keeps the chain.
	if string(rotated.AuditKey()) != string(old.AuditKey()) {
		t.Fatal("audit key changed with rotation")
	}
	// A ciphertext bound to one purpose does not open as another.
	if _, err := rotated.Open("email", sealed); err == nil {
		t.Fatal("opened under another purpose")
	}
	// Tampering is detected.
	if _, err := rotated.Open("totp", sealed[:len(sealed)-2]+"AA"); err == nil {
		t.Fatal("tampered ciphertext opened")
	}
}

func TestParseKeyringErrors(t *testing.T) {
	for _, bad := range []string{"", "# only a comment", "k1", "k1:notbase64!", "k1:AAAA", "bad id:" + strings.Repeat("A", 44), "k1:" + encode(make([]byte, 32)) + "\nk1:" + encode(make([]byte, 32))} {
		if _, err := ParseKeyring(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTOTP(t *testing.T) {
	sec, url, err := NewTOTP("Shishi", "admin")
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/") {
		t.Fatal(url, err)
	}
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	code := TOTPCode(sec, now)
	if step := MatchTOTP(sec, code, now); step != now.Unix()/30 {
		t.Fatalf("step %d", step)
	}
	// One step of drift either way is tolerated; two are not.
	if MatchTOTP(sec, code, now.Add(30*time.Second)) == 0 || MatchTOTP(sec, code, now.Add(-30*time.Second)) == 0 {
		t.Fatal("drift of one step refused")
	}
	if MatchTOTP(sec, code, now.Add(90*time.Second)) != 0 {
		t.Fatal("drift of three steps accepted")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if MatchTOTP(sec, bad, now) != 0 {
			t.Errorf("%q matched", bad)
		}
	}
}

func FuzzParseKeyring(f *testing.F) {
	f.Add(NewKeyringText("k1"))
	f.Add("k1:" + encode(make([]byte, 32)) + ",k2:" + encode(make([]byte, 32)))
	f.Add("k1:")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyring(s)
		if err != nil {
			return
		}
		sealed, err := k.Seal("p", []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		if pt, err := k.Open("p", sealed); err != nil || string(pt) != "x" {
			t.Fatalf("round trip: %q %v", pt, err)
		}
	})
}

func FuzzCheckPassword(f *testing.F) {
	h, _ := HashPassword("x")
	f.Add(h, "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA", "")
	f.Add("$$$$$", "a")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		// Malformed hashes are refused with an error, never a panic or a
		// runaway allocation (m is capped).
		ok, err := CheckPassword(hash, pw)
		if err != nil && ok {
			t.Fatal("ok with error")
		}
	})
}

func FuzzOpen(f *testing.F) {
	k, _ := ParseKeyring(NewKeyringText("k1"))
	s, _ := k.Seal("p", []byte("secret"))
	f.Add(s)
	f.Add("k1:")
	f.Add("zz:AAAA")
	f.Fuzz(func(t *testing.T, sealed string) {
		if pt, err := k.Open("p", sealed); err == nil && sealed != s && string(pt) == "secret" {
			t.Fatalf("forged ciphertext %q opened", sealed)
		}
	})
}

func encode(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
