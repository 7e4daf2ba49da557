package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi/internal/app"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "shishi test"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

// TestTLS: with --tls-cert and --tls-key the server speaks HTTPS only
// (TLS 1.2 and up), its public URL is https:// and pages carry HSTS.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	m, err := app.Open(ctx, app.Config{Addr: "127.0.0.1:0", Data: dir, TLSCert: cert, TLSKey: key}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	defer func() {
		cancel()
		<-done
		m.Close()
	}()
	if !strings.HasPrefix(m.URL(), "https://") || !strings.HasPrefix(m.Config.PublicURL, "https://") {
		t.Fatalf("URLs: %s %s", m.URL(), m.Config.PublicURL)
	}
	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(cert)
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := c.Get(m.URL() + "/login")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 || r.Header.Get("Strict-Transport-Security") == "" || r.TLS == nil || r.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("HTTPS answer: %d, HSTS %q", r.StatusCode, r.Header.Get("Strict-Transport-Security"))
	}
	// TLS 1.1 is refused; plain HTTP gets no page.
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if _, err := old.Get(m.URL() + "/login"); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
	if r, err := http.Get("http://" + strings.TrimPrefix(m.URL(), "https://") + "/login"); err == nil && r.StatusCode == 200 {
		t.Fatal("plain HTTP served a page")
	}
	// Mismatched flags are refused at start.
	m2, err := app.Open(ctx, app.Config{Addr: "127.0.0.1:0", Data: dir, TLSCert: cert}, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if err := m2.Listen(); err == nil {
		t.Fatal("a certificate without a key was accepted")
	}
}
