// Package app wires Shishi together: configuration, the store, the HTTP
// server, the demo seeder. cmd/shishi is a thin command line over it and the
// end-to-end tests run the very same wiring (DESIGN.md's Main type; it lives
// here because a main package cannot be imported).
package app

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/blob"
	"github.com/shishi-edu/shishi/demo"
	"github.com/shishi-edu/shishi/jobs"
	"github.com/shishi-edu/shishi/mailer"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/server"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/webhook"
	"github.com/shishi-edu/shishi/workday"
)

// Config is what the command line and the environment set.
type Config struct {
	Addr      string // listen address
	Data      string // data directory: SQLite file, master keys, files
	DB        string // PostgreSQL URL; empty for SQLite in Data
	PublicURL string
	Demo      bool
	// DemoWithoutLedger seeds only units and accounts (fast, for tests
	// that need no campaign).
	DemoWithoutLedger bool
	LogLevel          slog.Level
	// APIRate (requests per second) and PublicRate (complaint submissions
	// and lookups per minute) are the per-address limits; zero keeps the
	// server's defaults. Env SHISHI_API_RATE, SHISHI_PUBLIC_RATE.
	APIRate, PublicRate int
	// TLSCert and TLSKey, both set, serve HTTPS (TLS 1.2 and up) with
	// these PEM files; the public URL then defaults to https:// and pages
	// send HSTS. Env SHISHI_TLS_CERT, SHISHI_TLS_KEY.
	TLSCert, TLSKey string
	// ComplaintRetentionDays is how long after a complaint ends its
	// reporter's identity is kept (default 1095, three years). Env
	// SHISHI_COMPLAINT_RETENTION_DAYS.
	ComplaintRetentionDays int
	// JobWorkers is how many queued jobs run at once (env SHISHI_JOB_WORKERS;
	// default 4); JobLease how long a claimed job may run before another
	// process takes it over (env SHISHI_JOB_LEASE, e.g. "5m"; default 5 m).
	JobWorkers int
	JobLease   time.Duration
	// JobPoll is how often an idle queue looks for work (default 1 s);
	// JobBackoff replaces the retry backoff (tests).
	JobPoll    time.Duration
	JobBackoff func(attempt int) time.Duration
	// WebhookAllowPrivate lets webhooks go to loopback and private
	// addresses (env SHISHI_WEBHOOK_ALLOW_PRIVATE=1): for tests and closed
	// networks; off by default, against server-side request forgery.
	WebhookAllowPrivate bool
	// SMTPURL turns on e-mail notices (env SHISHI_SMTP_URL):
	// smtp://[user:pass@]host[:port][?tls=starttls|opportunistic|none] or
	// smtps://…; MailFrom is the sender (env SHISHI_MAIL_FROM).
	SMTPURL  string
	MailFrom string
}

// DefaultAddr and DefaultData are the contract's defaults.
const (
	DefaultAddr = "127.0.0.1:8080"
	DefaultData = "./shishi-data"
)

// Env fills unset fields from SHISHI_* variables.
func (c *Config) Env() {
	set := func(p *string, key string) {
		if *p == "" {
			*p = os.Getenv(key)
		}
	}
	set(&c.Addr, "SHISHI_ADDR")
	set(&c.Data, "SHISHI_DATA")
	set(&c.DB, "SHISHI_DB")
	set(&c.PublicURL, "SHISHI_PUBLIC_URL")
	set(&c.TLSCert, "SHISHI_TLS_CERT")
	set(&c.TLSKey, "SHISHI_TLS_KEY")
	setInt := func(p *int, key string) {
		if n, err := strconv.Atoi(os.Getenv(key)); *p == 0 && err == nil && n > 0 {
			*p = n
		}
	}
	setInt(&c.APIRate, "SHISHI_API_RATE")
	setInt(&c.PublicRate, "SHISHI_PUBLIC_RATE")
	setInt(&c.ComplaintRetentionDays, "SHISHI_COMPLAINT_RETENTION_DAYS")
	if c.ComplaintRetentionDays == 0 {
		c.ComplaintRetentionDays = 3 * 365
	}
	set(&c.SMTPURL, "SHISHI_SMTP_URL")
	set(&c.MailFrom, "SHISHI_MAIL_FROM")
	if c.JobWorkers == 0 {
		c.JobWorkers, _ = strconv.Atoi(os.Getenv("SHISHI_JOB_WORKERS"))
	}
	if c.JobLease == 0 {
		c.JobLease, _ = time.ParseDuration(os.Getenv("SHISHI_JOB_LEASE"))
	}
	if v := os.Getenv("SHISHI_WEBHOOK_ALLOW_PRIVATE"); v == "1" || v == "true" {
		c.WebhookAllowPrivate = true
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Data == "" {
		c.Data = DefaultData
	}
}

// DSN is the store's connection string.
func (c *Config) DSN() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.Data, "shishi.db")
}

// Masked returns the configuration for printing, secrets hidden.
func (c *Config) Masked() string {
	db := "sqlite:" + c.DSN()
	if c.DB != "" {
		db = maskURL(c.DB)
	}
	return fmt.Sprintf("addr=%s data=%s db=%s public_url=%s demo=%v job_workers=%d job_lease=%s webhook_allow_private=%v smtp=%s mail_from=%s",
		c.Addr, c.Data, db, c.PublicURL, c.Demo, c.JobWorkers, c.JobLease, c.WebhookAllowPrivate, mailer.Mask(c.SMTPURL), c.MailFrom)
}

func maskURL(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 {
		return s
	}
	userinfo := s[scheme+3 : at]
	if u, _, ok := strings.Cut(userinfo, ":"); ok {
		return s[:scheme+3] + u + ":***" + s[at:]
	}
	return s
}

// Main is the running application.
type Main struct {
	Config Config
	Out    io.Writer // where start-up messages go (stdout)
	Log    *slog.Logger
	Store  *sqlstore.DB
	Server *server.Server
	http   *http.Server
	ln     net.Listener
	queue  *jobs.Queue
	mailer *mailer.Mailer
}

// Open loads the keys, connects to the database and applies migrations.
func Open(ctx context.Context, cfg Config, out io.Writer, log *slog.Logger) (*Main, error) {
	cfg.Env()
	if log == nil {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	keyFile := filepath.Join(cfg.Data, "master.keys")
	_, statErr := os.Stat(keyFile)
	newKeys := os.Getenv("SHISHI_MASTER_KEYS") == "" && os.IsNotExist(statErr)
	keys, err := secret.LoadKeyring(os.Getenv("SHISHI_MASTER_KEYS"), keyFile, true)
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.Open(ctx, cfg.DSN(), keys)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Fresh keys belong to a fresh database only: keys made now for a
	// database that already has an audit log would read its chain as
	// forged and could not open its personal data.
	if newKeys {
		if seq, _, err := db.AuditHead(ctx); err != nil || seq > 0 {
			db.Close()
			os.Remove(keyFile)
			if err == nil {
				err = fmt.Errorf("the database holds data but %s is missing: restore the master keys (or set SHISHI_MASTER_KEYS) before starting", keyFile)
			}
			return nil, err
		}
	}
	// Complaint and rectification deadlines count working days;
	// holidays.txt in the data directory adds next year's official dates
	// without a restart.
	cal, err := workday.Watch(filepath.Join(cfg.Data, "holidays.txt"), time.Minute)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("holidays.txt: %w", err)
	}
	cal.OnError = func(err error) { log.Error("holidays.txt not reloaded", "err", err) }
	db.Calendar = cal
	// Credentials carry URLs under the public URL; with a fixed port it is
	// known now (the CLI issues without listening), else from Listen.
	db.PublicURL = cfg.PublicURL
	if db.PublicURL == "" && !strings.HasSuffix(cfg.Addr, ":0") {
		db.PublicURL = "http://" + cfg.Addr
	}
	db.WebhookAllowPrivate = cfg.WebhookAllowPrivate
	m := &Main{Config: cfg, Out: out, Log: log, Store: db}
	if cfg.SMTPURL != "" {
		if m.mailer, err = mailer.New(cfg.SMTPURL, cfg.MailFrom, cfg.PublicURL); err != nil {
			db.Close()
			return nil, fmt.Errorf("mail: %w", err)
		}
		db.MailEnabled = true
	}
	return m, nil
}

// Close releases the database.
func (m *Main) Close() error {
	if m.Server != nil {
		m.Server.Close()
	}
	return m.Store.Close()
}

const demoFile = "demo-accounts.txt"

// SeedDemo fills an empty database with the demo world and prints the
// accounts; on a database seeded before it prints the saved accounts again.
func (m *Main) SeedDemo(ctx context.Context) ([]demo.Account, error) {
	path := filepath.Join(m.Config.Data, demoFile)
	_, n, err := m.Store.FindUnits(shishi.WithActor(ctx, shishi.SystemActor()), shishi.UnitFilter{Limit: 1})
	if err != nil {
		return nil, err
	}
	if n > 0 {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(m.Out, "演示模式：数据库非空，未写入演示数据 / demo: database not empty, nothing seeded")
			return nil, nil
		}
		fmt.Fprintln(m.Out, "演示账号（首次写入时生成）/ demo accounts (as generated at seeding):")
		m.Out.Write(b)
		return nil, nil
	}
	fmt.Fprintln(m.Out, "正在写入演示数据 / seeding demo data …")
	bar := newProgress(m.Out, "单位 units")
	accts, err := demo.Seed(ctx, m.Store, m.Store, bar.Update)
	bar.Done()
	if err != nil {
		return nil, err
	}
	if !m.Config.DemoWithoutLedger {
		// The demo's history is written on its own days: the store's clock
		// is moved for each step and put back afterwards.
		real := m.Store.Now
		setClock := func(t time.Time) {
			if t.IsZero() {
				m.Store.Now = real
			} else {
				m.Store.Now = func() time.Time { return t }
			}
		}
		bar = newProgress(m.Out, "事项 items")
		err = demo.SeedLedger(ctx, demo.LedgerServices{Units: m.Store, Campaigns: m.Store, Items: m.Store, Reports: m.Store, SetClock: setClock}, bar.Update)
		bar.Done()
		if err != nil {
			return nil, err
		}
		bar = newProgress(m.Out, "举报件 complaints")
		err = demo.SeedComplaints(ctx, demo.ComplaintServices{Units: m.Store, Users: m.Store, Complaints: m.Store, Now: real(), SetClock: setClock}, bar.Update)
		bar.Done()
		if err != nil {
			return nil, err
		}
		// Certificates carry URLs under the public URL, unknown until
		// listening when the port is picked at random.
		if m.Store.PublicURL != "" {
			bar = newProgress(m.Out, "证书 certificates")
			err = demo.SeedCredentials(ctx, demo.CredentialServices{Units: m.Store, Credentials: m.Store}, bar.Update)
			bar.Done()
			if err != nil {
				return nil, err
			}
		} else {
			fmt.Fprintln(m.Out, "演示证书未写入：公开地址未定 / demo certificates skipped: the public URL is not known before listening")
		}
		bar = newProgress(m.Out, "督导 groups")
		err = demo.SeedSupervision(ctx, demo.SupervisionServices{Units: m.Store, Users: m.Store, Campaigns: m.Store, Supervision: m.Store, Escalation: m.Store,
			SetClock: setClock}, bar.Update)
		bar.Done()
		if err != nil {
			return nil, err
		}
		bar = newProgress(m.Out, "网上办事 services")
		sd := demo.ServicesDemo{Units: m.Store, Users: m.Store, Online: m.Store, SetClock: setClock}
		if m.Store.PublicURL != "" {
			sd.Credentials = m.Store
		}
		err = demo.SeedServices(ctx, sd, bar.Update)
		bar.Done()
		if err != nil {
			return nil, err
		}
	}
	var b strings.Builder
	for _, a := range accts {
		roles := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			roles[i] = r.Label(false)
		}
		if len(roles) == 0 {
			roles = []string{"督导组成员，无角色"}
		}
		fmt.Fprintf(&b, "  %-11s %-22s %s（%s）\n", a.Login, a.Password, a.Name, strings.Join(roles, "、"))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	fmt.Fprintln(m.Out, "演示账号 / demo accounts (login, password, name):")
	fmt.Fprint(m.Out, b.String())
	return accts, nil
}

// Listen binds the address (":0" picks a free port) and builds the server.
func (m *Main) Listen() error {
	if (m.Config.TLSCert == "") != (m.Config.TLSKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	if m.Config.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(m.Config.TLSCert, m.Config.TLSKey); err != nil {
			return fmt.Errorf("TLS certificate: %w", err)
		}
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.ln = ln
	if m.Config.PublicURL == "" {
		m.Config.PublicURL = m.scheme() + "://" + ln.Addr().String()
	}
	m.Store.PublicURL = m.Config.PublicURL
	if m.mailer != nil {
		m.mailer.BaseURL = m.Config.PublicURL
	}
	blobs, err := blob.New(filepath.Join(m.Config.Data, "files"))
	if err != nil {
		ln.Close()
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := server.New(server.Services{Units: m.Store, Users: m.Store, Auth: m.Store, Audit: m.Store, Ready: m.Store.Ping,
		Campaigns: m.Store, Items: m.Store, Rollups: m.Store, Reports: m.Store, Import: m.Store, Evidence: m.Store, Blobs: blobs, Coord: m.Store, Idem: m.Store, Complaints: m.Store, Credentials: m.Store,
		Webhooks: m.Store, Queue: m.Store, Mail: m.Store, Supervision: m.Store, Online: m.Store, Showcases: m.Store, Accounts: m.Store, Portal: m.Store, Briefings: m.Store, Ratings: m.Store, Nominations: m.Store},
		server.Config{PublicURL: m.Config.PublicURL, Demo: m.Config.Demo, APIRate: m.Config.APIRate, PublicRate: m.Config.PublicRate}, m.Log, reg)
	if err != nil {
		ln.Close()
		return err
	}
	m.Server = srv
	m.http = &http.Server{Handler: srv.Handler(), TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}, ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	return nil
}

// URL is the server's base URL once listening.
func (m *Main) URL() string { return m.scheme() + "://" + m.ln.Addr().String() }

func (m *Main) scheme() string {
	if m.Config.TLSCert != "" {
		return "https"
	}
	return "http"
}

// Serve answers requests until ctx ends, then shuts down gracefully,
// letting requests in flight finish for up to 20 seconds.
func (m *Main) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() {
		if m.Config.TLSCert != "" {
			errc <- m.http.ServeTLS(m.ln, m.Config.TLSCert, m.Config.TLSKey)
			return
		}
		errc <- m.http.Serve(m.ln)
	}()
	go m.logCheckpoints(ctx)
	m.scheduler().Start(ctx)
	waitJobs := m.Queue().Start(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := m.http.Shutdown(sctx); err != nil {
		return err
	}
	// Jobs in flight finish and record their outcome; one that takes too
	// long is left to its lease and runs again after the restart.
	jobsDone := make(chan struct{})
	go func() { waitJobs(); close(jobsDone) }()
	select {
	case <-jobsDone:
	case <-sctx.Done():
		m.Log.Warn("jobs still running at shutdown; their leases will hand them on")
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// scheduler lists the periodic jobs: the ledger's reminders (催报 for
// missing months, 催办 for deadlines within two weeks, 督办 once overdue),
// the complaint sweep and supervision's escalation of overdue
// rectification run daily; the ledger's stored figures are brought up to
// the day hourly (each run re-derives only the items a day change made
// stale, so a new month, a due day or a passed deadline shows within the
// hour).
func (m *Main) scheduler() *jobs.Scheduler {
	s := &jobs.Scheduler{Store: m.Store, Log: m.Log}
	s.Add(jobs.Job{Name: shishi.FiguresJob, Every: time.Hour, Lease: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := m.Store.RefreshFigures(ctx)
		m.Log.Info("ledger figures", "items", n)
		return err
	}})
	// The cockpit's roll-ups: every campaign counted again by unit subtree.
	s.Add(jobs.Job{Name: "ledger.rollups", Every: shishi.RollupEvery, Lease: 10 * time.Minute, Run: func(ctx context.Context) error {
		n, err := m.Store.RefreshRollups(ctx)
		m.Log.Info("ledger roll-ups", "rollups", n)
		return err
	}})
	s.Add(jobs.Job{Name: "ledger.reminders", Every: 24 * time.Hour, Lease: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := m.Store.SendReminders(ctx, 14*24*time.Hour)
		m.Log.Info("reminders", "notices", n)
		return err
	}})
	// The complaint column's 催办 and 督办: reminders as cases turn yellow,
	// escalation to the parent unit once they are overdue.
	// Done jobs are kept a week for the admins' view, then purged.
	s.Add(jobs.Job{Name: "jobs.purge", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
		n, err := m.Store.PurgeJobs(ctx, time.Now().Add(-7*24*time.Hour))
		m.Log.Info("jobs purged", "jobs", n)
		return err
	}})
	s.Add(jobs.Job{Name: "complaints.sweep", Every: 24 * time.Hour, Lease: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := m.Store.SweepComplaints(ctx)
		m.Log.Info("complaint sweep", "notices", n)
		return err
	}})
	// Retention: reporters' identities of cases ended long ago are deleted.
	s.Add(jobs.Job{Name: "complaints.purge", Every: 24 * time.Hour, Lease: 30 * time.Minute, Run: func(ctx context.Context) error {
		n, err := m.Store.PurgeReporters(ctx, m.Store.Now().AddDate(0, 0, -m.Config.ComplaintRetentionDays))
		m.Log.Info("complaint retention", "purged", n, "days", m.Config.ComplaintRetentionDays)
		return err
	}})
	s.Add(jobs.Escalation(m.Store, m.Log))
	return s
}

// Queue returns the durable job queue with a handler for each job kind of
// the application (made once).
func (m *Main) Queue() *jobs.Queue {
	if m.queue != nil {
		return m.queue
	}
	q := &jobs.Queue{Store: m.Store, Log: m.Log, Workers: m.Config.JobWorkers, Lease: m.Config.JobLease, Poll: m.Config.JobPoll, Backoff: m.Config.JobBackoff}
	// The self-test: wait as the probe asks, then record the run and mark
	// the job done in one transaction.
	q.Handle(shishi.JobProbe, func(ctx context.Context, j *shishi.Job) error {
		var p struct {
			SleepMS int `json:"sleep_ms"`
		}
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		select {
		case <-time.After(time.Duration(p.SleepMS) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
		return m.Store.RunProbe(ctx, j)
	})
	// Webhook deliveries from the outbox: one signed POST an attempt; the
	// queue's backoff spaces the retries, the delivery log records each.
	sender := &webhook.Sender{AllowPrivate: m.Config.WebhookAllowPrivate}
	q.Handle(shishi.JobWebhook, func(ctx context.Context, j *shishi.Job) error {
		var p shishi.WebhookJob
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return jobs.Permanent(err)
		}
		d, err := m.Store.PrepareDelivery(ctx, p.Delivery)
		if shishi.ErrorCode(err) == shishi.ENOTFOUND {
			return jobs.Permanent(err)
		} else if err != nil {
			return err
		}
		status, serr := sender.Send(ctx, d)
		msg := ""
		if serr != nil {
			msg = serr.Error()
		}
		refused := errors.Is(serr, webhook.ErrTarget)
		if err := m.Store.RecordDelivery(ctx, p.Delivery, status, msg, serr == nil, refused || j.Attempts >= j.MaxAttempts); err != nil {
			return err
		}
		if refused {
			return jobs.Permanent(serr)
		}
		return serr
	})
	// Notices by e-mail: rendered in the recipient's language, sent over
	// SMTP; a refused or unreachable server is retried with backoff.
	if m.mailer != nil {
		q.Handle(shishi.JobMail, func(ctx context.Context, j *shishi.Job) error {
			var p shishi.MailJob
			if err := json.Unmarshal(j.Payload, &p); err != nil {
				return jobs.Permanent(err)
			}
			n, err := m.Store.PrepareMail(ctx, p.Notice)
			if shishi.ErrorCode(err) == shishi.ENOTFOUND {
				return jobs.Permanent(err)
			} else if err != nil {
				return err
			}
			if n.Disabled || n.To == "" {
				return nil // the account was closed or its address removed since
			}
			return m.mailer.Send(ctx, n)
		})
	}
	m.queue = q
	return q
}

// logCheckpoints writes the audit chain's head to the log at start and
// hourly: shipped to a log store, these lines are the outside checkpoints
// that expose a database cut back to an earlier head.
func (m *Main) logCheckpoints(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if seq, hash, err := m.Store.AuditHead(ctx); err == nil {
			m.Log.Info("audit checkpoint", "checkpoint", fmt.Sprintf("%d:%s", seq, hash))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// progress draws a one-line progress bar on a terminal-like writer.
// On a terminal it redraws one line; into a file or pipe it writes a line
// at every quarter, so logs stay readable.
type progress struct {
	w     io.Writer
	label string
	last  int
	tty   bool
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label, last: -1}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) Update(done, total int) {
	if total == 0 {
		return
	}
	pct := done * 100 / total
	if pct == p.last || (!p.tty && pct/25 == p.last/25 && p.last >= 0) {
		return
	}
	p.last = pct
	bar := strings.Repeat("█", pct/4) + strings.Repeat("░", 25-pct/4)
	if p.tty {
		fmt.Fprintf(p.w, "\r  %s [%s] %3d%% %d/%d", p.label, bar, pct, done, total)
		return
	}
	fmt.Fprintf(p.w, "  %s [%s] %3d%% %d/%d\n", p.label, bar, pct, done, total)
}

func (p *progress) Done() {
	if p.last >= 0 && p.tty {
		fmt.Fprintln(p.w)
	}
}

// ReadLine reads one line (for interactive password prompts).
func ReadLine(r io.Reader) (string, error) {
	s, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// Progress returns a progress bar's update and done functions (the
// command line's bulk operations draw it).
func Progress(w io.Writer, label string) (update func(done, total int), done func()) {
	p := newProgress(w, label)
	return p.Update, p.Done
}
