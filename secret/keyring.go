package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Keyring holds the master keys. The first key is current: it encrypts new
// data. Older keys still decrypt what they sealed, so a key can be rotated by
// putting a new one first and re-encrypting at leisure.
//
// The master keys live outside the database (a file in the data directory
// with mode 0600, or the SHISHI_MASTER_KEYS environment variable), so a copy
// of the database alone reveals no personal data and cannot forge the audit
// chain.
type Keyring struct {
	ids  []string
	keys map[string][]byte
	// hashKeys caches KeyedHash's derived keys by purpose: a bulk
	// issuance hashes two values a row, and deriving is most of the cost.
	hashKeys sync.Map
}

var keyIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// ParseKeyring reads "id:base64key" entries separated by commas or
// newlines; '#' starts a comment line.
func ParseKeyring(text string) (*Keyring, error) {
	k := &Keyring{keys: map[string][]byte{}}
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, enc, ok := strings.Cut(line, ":")
		if !ok || !keyIDRE.MatchString(id) {
			return nil, fmt.Errorf("secret: key entry %q: want id:base64", id)
		}
		raw, err := base64.StdEncoding.DecodeString(enc)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("secret: key %q: want 32 bytes in base64", id)
		}
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("secret: key %q given twice", id)
		}
		k.ids = append(k.ids, id)
		k.keys[id] = raw
	}
	if len(k.ids) == 0 {
		return nil, errors.New("secret: no master key")
	}
	return k, nil
}

// NewKeyringText makes the text of a keyring with one fresh key.
func NewKeyringText(id string) string {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic(err)
	}
	return "# Shishi master keys: first is current. Keep this file secret and backed up.\n" +
		id + ":" + base64.StdEncoding.EncodeToString(raw) + "\n"
}

// LoadKeyring uses env when set, else the file at path, creating it with a
// fresh key when create is true and it does not exist.
func LoadKeyring(env, path string, create bool) (*Keyring, error) {
	if strings.TrimSpace(env) != "" {
		return ParseKeyring(env)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		text := NewKeyringText("k1")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(text); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return ParseKeyring(text)
	} else if err != nil {
		return nil, fmt.Errorf("secret: master keys: %w", err)
	}
	return ParseKeyring(string(b))
}

// CurrentID returns the id of the key that encrypts new data.
func (k *Keyring) CurrentID() string { return k.ids[0] }

// Derive returns a 32-byte key for one purpose (e.g. "audit-chain") from
// the master key id; purposes never share a key.
func (k *Keyring) Derive(id, purpose string) ([]byte, error) {
	master, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("secret: unknown key id %q", id)
	}
	return hkdf.Key(sha256.New, master, nil, "shishi/"+purpose, 32)
}

// AuditKey returns the key of the audit chain. It is derived from the
// oldest master key, which must therefore be kept when keys rotate.
func (k *Keyring) AuditKey() []byte {
	key, err := k.Derive(k.ids[len(k.ids)-1], "audit-chain")
	if err != nil {
		panic(err)
	}
	return key
}

// KeyedHash returns the hex HMAC-SHA256 of data under a key derived for
// purpose from the oldest master key (like the audit key, so a rotation
// does not orphan stored hashes). Personal identity numbers are stored
// this way: a copy of the database alone cannot test guesses against them.
func (k *Keyring) KeyedHash(purpose, data string) string {
	var key []byte
	if v, ok := k.hashKeys.Load(purpose); ok {
		key = v.([]byte)
	} else {
		var err error
		if key, err = k.Derive(k.ids[len(k.ids)-1], "hash/"+purpose); err != nil {
			panic(err)
		}
		k.hashKeys.Store(purpose, key)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return hex.EncodeToString(m.Sum(nil))
}

// Seal encrypts plaintext for purpose with the current key. The result is
// "id:base64(nonce|ciphertext)"; purpose is bound as associated data so a
// ciphertext cannot be moved to another column.
func (k *Keyring) Seal(purpose string, plaintext []byte) (string, error) {
	id := k.ids[0]
	aead, err := k.aead(id, purpose)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := aead.Seal(nonce, nonce, plaintext, []byte(purpose))
	return id + ":" + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal produced, with whichever key sealed it.
func (k *Keyring) Open(purpose, sealed string) ([]byte, error) {
	id, enc, ok := strings.Cut(sealed, ":")
	if !ok {
		return nil, errors.New("secret: malformed ciphertext")
	}
	raw, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil {
		return nil, errors.New("secret: malformed ciphertext")
	}
	aead, err := k.aead(id, purpose)
	if err != nil {
		return nil, err
	}
	if len(raw) < aead.NonceSize() {
		return nil, errors.New("secret: short ciphertext")
	}
	return aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(purpose))
}

func (k *Keyring) aead(id, purpose string) (cipher.AEAD, error) {
	key, err := k.Derive(id, "seal")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Token returns a random URL-safe token of n bytes of entropy.
func Token(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a bearer secret; tokens have enough
// entropy that a fast hash is the right choice.
func HashToken(t string) string {
	s := sha256.Sum256([]byte(t))
	return fmt.Sprintf("%x", s[:])
}
