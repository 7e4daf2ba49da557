package vc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
)

// SuiteSM2 is the cryptosuite of the national-cryptography proof (国密,
// GB/T 39786) an issuer may add to every credential's proof set, after
// the eddsa-rdfc-2022 proof — so Ed25519 verifiers still verify the first
// proof and pass over this one. It is Shishi's own, defined here as
// eddsa-rdfc-2022 with SM3 and SM2 in place of SHA-256 and Ed25519:
//
//   - transformation: RDFC-1.0 canonical N-Quads of the document without
//     its proof set, and of the proof configuration (the proof without
//     proofValue, under the document's @context) — exactly as
//     eddsa-rdfc-2022;
//   - hashing: SM3 (GB/T 32905) of the canonical proof configuration,
//     followed by SM3 of the canonical document: 64 bytes;
//   - signing: SM2 (GB/T 32918.2) with SM3 over those 64 bytes, with the
//     default signer identity "1234567812345678" (GB/T 35276) in Z_A;
//   - proofValue: "z" + base58btc of r ‖ s, each 32 bytes big-endian;
//   - verificationMethod: a Multikey whose publicKeyMultibase is "z" +
//     base58btc of the sm2-pub multicodec (0x1206, varint 0x86 0x24) and
//     the 33-byte compressed point.
const SuiteSM2 = "sm2-rdfc-2026"

// sm2UID is GB/T 35276's default signer identity.
var sm2UID = []byte("1234567812345678")

// SM2Signer signs with sm2-rdfc-2026.
type SM2Signer struct {
	Key *sm2.PrivateKey
	VM  string
}

func (s SM2Signer) Suite() string  { return SuiteSM2 }
func (s SM2Signer) Method() string { return s.VM }

// Sign signs SM3(config) ‖ SM3(doc) and returns r ‖ s.
func (s SM2Signer) Sign(config, doc string) ([]byte, error) {
	der, err := s.Key.SignWithSM2(rand.Reader, sm2UID, sm3Data(config, doc))
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

func sm3Data(config, doc string) []byte {
	a, b := sm3.Sum([]byte(config)), sm3.Sum([]byte(doc))
	return append(a[:], b[:]...)
}

// NewSM2Key makes a fresh SM2 key: its private scalar (to be sealed) and
// its compressed public point.
func NewSM2Key() (private, public []byte, err error) {
	k, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	d := make([]byte, 32)
	k.D.FillBytes(d)
	return d, elliptic.MarshalCompressed(sm2.P256(), k.X, k.Y), nil
}

// SM2PrivateKey rebuilds a key from its private scalar.
func SM2PrivateKey(d []byte) (*sm2.PrivateKey, error) {
	c := sm2.P256()
	n := new(big.Int).SetBytes(d)
	if len(d) != 32 || n.Sign() == 0 || n.Cmp(c.Params().N) >= 0 {
		return nil, errors.New("vc: not an SM2 private key")
	}
	x, y := c.ScalarBaseMult(d)
	return &sm2.PrivateKey{PrivateKey: ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: c, X: x, Y: y}, D: n}}, nil
}

func verifySM2(pub *PublicKey, config, doc string, sig []byte) error {
	if pub.Alg != "SM2" {
		return errors.New("the verification method is not an SM2 key")
	}
	c := sm2.P256()
	x, y := elliptic.UnmarshalCompressed(c, pub.Key)
	if x == nil {
		return errors.New("the verification method's SM2 key is not a compressed point on the curve")
	}
	if len(sig) != 64 {
		return errors.New("an SM2 proofValue is 64 bytes (r ‖ s)")
	}
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
	if err != nil {
		return err
	}
	if !sm2.VerifyASN1WithSM2(&ecdsa.PublicKey{Curve: c, X: x, Y: y}, sm2UID, sm3Data(config, doc), der) {
		return errors.New("signature does not match")
	}
	return nil
}

func init() { Verifiers[SuiteSM2] = verifySM2 }
