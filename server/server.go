// Package server is Shishi's HTTP layer: the JSON API under /api/v1 (with
// its OpenAPI document), the server-rendered back office under /app, the
// health and metrics endpoints, and the middleware that authenticates,
// rate-limits and logs. Handlers stay thin: rules live in package shishi,
// SQL in the store behind the service interfaces.
package server

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/blob"
)

//go:embed templates static
var assets embed.FS

// Services are what the server needs from the store.
type Services struct {
	Units shishi.UnitService
	Users shishi.UserService
	Auth  shishi.AuthService
	Audit shishi.AuditService
	// The campaign ledger.
	Campaigns shishi.CampaignService
	Items     shishi.ItemService
	Rollups   shishi.RollupService // the cockpit's stored roll-ups
	Reports   shishi.ReportService
	Import    shishi.ImportService
	Evidence  shishi.EvidenceService
	Coord     shishi.CoordinationService
	Idem      shishi.IdempotencyService
	// The complaint column.
	Complaints shishi.ComplaintService
	// Certificates (module E).
	Credentials shishi.CredentialService
	// Integration: webhooks and the job queue.
	Webhooks shishi.WebhookService
	Queue    shishi.QueueService
	Mail     shishi.MailService
	// Supervision: groups, visits, findings (module C).
	Supervision shishi.SupervisionService
	// Online services (module F): catalogue, applications, expert review.
	Online    shishi.ServiceService
	Showcases shishi.ShowcaseService
	Accounts  shishi.AccountService
	// The public portal.
	Portal      shishi.PortalService
	Briefings   shishi.BriefingService
	Ratings     shishi.RatingService
	Nominations shishi.NominationService
	// Blobs keeps uploaded files by content hash.
	Blobs *blob.Store
	// Ready reports whether the database answers (for /readyz).
	Ready func(ctx context.Context) error
}

// Config is the server's configuration.
type Config struct {
	PublicURL string // e.g. "http://127.0.0.1:8080"; decides Secure cookies
	Demo      bool   // demo mode: shows the demo banner
	// LoginRate is the number of login attempts per minute one address may make.
	LoginRate int
	// APIRate is the number of API requests per second one address may make.
	APIRate int
	// PublicRate is the number of complaint submissions and lookups per
	// minute one address may make.
	PublicRate int
}

// Server holds the wiring; Handler returns its http.Handler.
type Server struct {
	Services
	cfg      Config
	log      *slog.Logger
	registry *prometheus.Registry
	metrics  *metrics
	pages    *pages
	ops      []*operation // the API operations, for routing and OpenAPI
	mux      *http.ServeMux
	loginLim *limiter
	apiLim   *limiter
	// publicLim guards the public complaint column: submissions and
	// lookups by tracking code (which a guesser would hammer).
	publicLim *limiter
	// now is the clock of the pages (the store has its own); tests move it.
	now func() time.Time
}

// New builds a server. reg receives the server's metrics; it must already
// hold the Go runtime collectors if they are wanted on /metrics.
func New(svc Services, cfg Config, log *slog.Logger, reg *prometheus.Registry) (*Server, error) {
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 10
	}
	if cfg.APIRate == 0 {
		cfg.APIRate = 50
	}
	if cfg.PublicRate == 0 {
		cfg.PublicRate = 20
	}
	s := &Server{Services: svc, cfg: cfg, log: log, registry: reg, mux: http.NewServeMux(), now: time.Now}
	s.metrics = newMetrics(reg)
	s.loginLim = newLimiter(float64(cfg.LoginRate)/60, cfg.LoginRate)
	s.apiLim = newLimiter(float64(cfg.APIRate), cfg.APIRate*2)
	s.publicLim = newLimiter(float64(cfg.PublicRate)/60, cfg.PublicRate)
	p, err := newPages()
	if err != nil {
		return nil, err
	}
	s.pages = p
	s.routes()
	return s, nil
}

// Handler returns the server's root handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.withRequestID(s.withRecover(s.withLog(s.withSecurityHeaders(s.mux))))
}

// Close stops background work (the limiters' sweepers).
func (s *Server) Close() {
	s.loginLim.stop()
	s.apiLim.stop()
	s.publicLim.stop()
}

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	// Probes and metrics answer without a login (load balancers and
	// Prometheus scrape them) but, like every public endpoint, under the
	// per-address rate limit.
	s.mux.HandleFunc("GET /healthz", s.limit(s.apiLim, s.healthz))
	s.mux.HandleFunc("GET /readyz", s.limit(s.apiLim, s.readyz))
	s.mux.HandleFunc("GET /metrics", s.limit(s.apiLim, s.metricsHandler().ServeHTTP))
	s.apiRoutes()
	s.mux.HandleFunc("GET /api/openapi.json", s.openapi)
	s.mux.HandleFunc("/api/", s.apiNotFound)
	s.open311Routes()
	s.pageRoutes()
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			s.log.Error("readyz", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"unavailable","database":"unreachable"}` + "\n"))
			return
		}
	}
	w.Write([]byte(`{"status":"ready","database":"ok"}` + "\n"))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
