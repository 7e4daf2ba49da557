package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

type integrationData struct {
	Webhooks   []*shishi.Webhook
	Deliveries []*shishi.WebhookDelivery
	Dead       []*shishi.Job
	DeadTotal  int
	Options    []unitOption
	Families   []string
	NewSecret  string
	IsAdmin    bool
}

// integrationPage shows webhook subscriptions with their delivery log to
// administrators and campaign offices, and the job queue's dead letters to
// administrators.
func (s *Server) integrationPage(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderIntegration(w, r, v, http.StatusOK, "")
}

func (s *Server) renderIntegration(w http.ResponseWriter, r *http.Request, v *view, status int, secret string) error {
	ctx := r.Context()
	if !v.Actor.Has(shishi.RoleAdmin) && !v.Actor.Has(shishi.RoleOffice) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有系统管理员和活动办可以管理对接 / only administrators and campaign offices manage integrations")
	}
	d := integrationData{NewSecret: secret, Families: shishi.WebhookFamilies, IsAdmin: v.Actor.Has(shishi.RoleAdmin)}
	var err error
	if d.Webhooks, _, err = s.Webhooks.FindWebhooks(ctx, shishi.WebhookFilter{Limit: 200}); err != nil {
		return err
	}
	if d.Deliveries, _, err = s.Webhooks.FindDeliveries(ctx, shishi.DeliveryFilter{Limit: 50}); err != nil {
		return err
	}
	if d.IsAdmin {
		if d.Dead, d.DeadTotal, err = s.Queue.FindJobs(ctx, shishi.JobFilter{Status: shishi.JobDead, Limit: 50}); err != nil {
			return err
		}
	}
	all, err := s.Units.UnitTree(ctx)
	if err != nil {
		return err
	}
	d.Options = unitOptions(buildTree(all, v.L))
	if r.URL.Query().Get("saved") != "" && v.Error == "" {
		v.Flash = v.L.T("saved")
	}
	v.Title, v.Nav, v.Data = v.L.T("integration.title"), "integration", d
	s.render(w, r, status, "integrations", v)
	return nil
}

func (s *Server) integrationPost(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	f := r.PostForm
	id, _ := strconv.ParseInt(strings.TrimSpace(f.Get("id")), 10, 64)
	var err error
	switch f.Get("action") {
	case "webhook_create":
		unit, _ := strconv.ParseInt(f.Get("unit_id"), 10, 64)
		var events []string
		for _, e := range strings.FieldsFunc(f.Get("events"), func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == '\n' }) {
			events = append(events, strings.TrimSpace(e))
		}
		var h *shishi.WebhookCreated
		if h, err = s.Webhooks.CreateWebhook(ctx, shishi.WebhookInput{UnitID: unit, URL: f.Get("url"), Events: events}); err == nil {
			return s.renderIntegration(w, r, v, http.StatusCreated, h.Secret)
		}
	case "webhook_toggle":
		on := f.Get("active") == "1"
		_, err = s.Webhooks.UpdateWebhook(ctx, id, 0, shishi.WebhookPatch{Active: &on})
	case "webhook_delete":
		err = s.Webhooks.DeleteWebhook(ctx, id)
	case "replay":
		_, err = s.Webhooks.ReplayDelivery(ctx, id)
	case "retry":
		_, err = s.Queue.RetryJob(ctx, id)
	default:
		err = shishi.Invalid(shishi.FieldError{Field: "action", Message: "未知操作 / unknown action"})
	}
	if err == nil {
		http.Redirect(w, r, "/app/integrations?saved=1", http.StatusSeeOther)
		return nil
	}
	if shishi.ErrorCode(err) != shishi.EINVALID {
		return err
	}
	formError(v, r, err)
	return s.renderIntegration(w, r, v, Status(err), "")
}
