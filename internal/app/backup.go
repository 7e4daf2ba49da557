package app

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/shishi-edu/shishi"
)

// A backup is a gzipped tar: manifest.json, the database (shishi.db for
// SQLite, a pg_dump custom-format postgres.dump for PostgreSQL), the master
// keys and the evidence files. It is taken online: VACUUM INTO and pg_dump
// both read one consistent snapshot while the server keeps writing.

// Manifest describes a backup.
type Manifest struct {
	Version   string    `json:"version"`
	TakenAt   time.Time `json:"taken_at"`
	Database  string    `json:"database"` // sqlite or postgres
	AuditHead string    `json:"audit_checkpoint"`
	Files     int       `json:"files"`
	KeysIncl  bool      `json:"keys_included"`
}

// Backup writes the archive to out.
func (m *Main) Backup(ctx context.Context, out string) (*Manifest, error) {
	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".backup-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmpDir)
	man := &Manifest{Version: shishi.Version, TakenAt: time.Now().UTC(), Database: "sqlite"}
	seq, hash, err := m.Store.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	man.AuditHead = fmt.Sprintf("%d:%s", seq, hash)
	dbFile := filepath.Join(tmpDir, "shishi.db")
	if m.Store.Postgres() {
		man.Database, dbFile = "postgres", filepath.Join(tmpDir, "postgres.dump")
		pgDump, err := exec.LookPath("pg_dump")
		if err != nil {
			return nil, errors.New("pg_dump not found: install the PostgreSQL client (Debian: postgresql-client) to back up a PostgreSQL database")
		}
		cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-owner", "--no-privileges", "--file", dbFile, "--dbname", m.Config.DB)
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(string(b)))
		}
	} else if err := m.Store.BackupSQLite(ctx, dbFile); err != nil {
		return nil, fmt.Errorf("sqlite backup: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), ".shishi-backup-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	add := func(name, src string) error {
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		st, err := in.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
			return err
		}
		_, err = io.Copy(tw, in)
		return err
	}
	if err := add(filepath.Base(dbFile), dbFile); err != nil {
		return nil, err
	}
	if keys := filepath.Join(m.Config.Data, "master.keys"); fileExists(keys) {
		if err := add("master.keys", keys); err != nil {
			return nil, err
		}
		man.KeysIncl = true
	}
	for _, extra := range []string{"holidays.txt"} {
		if p := filepath.Join(m.Config.Data, extra); fileExists(p) {
			if err := add(extra, p); err != nil {
				return nil, err
			}
		}
	}
	files := filepath.Join(m.Config.Data, "files")
	err = filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(m.Config.Data, p)
		man.Files++
		return add(filepath.ToSlash(rel), p)
	})
	if err != nil {
		return nil, err
	}
	mb, _ := json.MarshalIndent(man, "", "  ")
	if err := tw.WriteHeader(&tar.Header{Name: "manifest.json", Mode: 0o600, Size: int64(len(mb)), ModTime: man.TakenAt}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(mb); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return man, os.Rename(f.Name(), out)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Restore unpacks a backup into an empty data directory. A PostgreSQL
// backup is restored with pg_restore into db, an empty database.
func Restore(ctx context.Context, archive, data, db string) (*Manifest, error) {
	if entries, err := os.ReadDir(data); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: restore goes into an empty data directory", data)
	}
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	f, err := os.Open(archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("not a Shishi backup (gzip): %w", err)
	}
	tr := tar.NewReader(gz)
	var man *Manifest
	dump := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("damaged backup: %w", err)
		}
		name := filepath.FromSlash(h.Name)
		if h.Typeflag != tar.TypeReg || filepath.IsAbs(name) || strings.HasPrefix(filepath.Clean(name), "..") {
			return nil, fmt.Errorf("backup holds an unexpected entry %q", h.Name)
		}
		if h.Name == "manifest.json" {
			b, err := io.ReadAll(io.LimitReader(tr, 1<<20))
			if err != nil {
				return nil, err
			}
			man = &Manifest{}
			if err := json.Unmarshal(b, man); err != nil {
				return nil, fmt.Errorf("damaged manifest: %w", err)
			}
			continue
		}
		dst := filepath.Join(data, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return nil, err
		}
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(out, tr); err != nil {
			out.Close()
			return nil, fmt.Errorf("damaged backup: %w", err)
		}
		if err := out.Close(); err != nil {
			return nil, err
		}
		if h.Name == "postgres.dump" {
			dump = dst
		}
	}
	if man == nil {
		return nil, errors.New("not a Shishi backup: no manifest")
	}
	if man.Database == "postgres" {
		if db == "" {
			return nil, errors.New("a PostgreSQL backup restores into a database: give --db URL of an empty database")
		}
		pgRestore, err := exec.LookPath("pg_restore")
		if err != nil {
			return nil, errors.New("pg_restore not found: install the PostgreSQL client (Debian: postgresql-client)")
		}
		cmd := exec.CommandContext(ctx, pgRestore, "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", db, dump)
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pg_restore: %v: %s", err, strings.TrimSpace(string(b)))
		}
		os.Remove(dump)
	}
	return man, nil
}
