package server

import (
	"net/http"
	"strconv"

	"github.com/shishi-edu/shishi"
)

// The integration API: webhook subscriptions and their delivery log, and
// the job queue's dead letters.
func (s *Server) integrationRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/webhooks", ID: "listWebhooks", Tag: "integration", Summary: "Webhook subscriptions of units in reach (administrators and campaign offices)",
		Params: listParams(param{Name: "unit", In: "query", Type: "integer", Desc: "subscriptions of this unit"}),
		Resp:   shishi.Webhook{}, List: true, handle: s.listWebhooks})
	s.api(&operation{Method: "POST", Path: "/api/v1/webhooks", ID: "createWebhook", Tag: "integration",
		Summary: "Subscribe a unit to events (\"*\", \"item.*\", \"complaint.dispatch\" …); the answer holds the signing secret, shown once. Deliveries carry Shishi-Signature: t=UNIX,v1=HEX(HMAC-SHA256(secret, \"UNIX.\" + body))",
		Body:    shishi.WebhookInput{}, Resp: shishi.WebhookCreated{}, Status: http.StatusCreated, ETag: true, handle: s.createWebhook})
	s.api(&operation{Method: "GET", Path: "/api/v1/webhooks/{id}", ID: "getWebhook", Tag: "integration", Summary: "A webhook subscription",
		Params: []param{pathID()}, Resp: shishi.Webhook{}, ETag: true, handle: s.getWebhook})
	s.api(&operation{Method: "PATCH", Path: "/api/v1/webhooks/{id}", ID: "updateWebhook", Tag: "integration", Summary: "Change a subscription's URL, events or active flag (If-Match honoured)",
		Params: []param{pathID()}, Body: shishi.WebhookPatch{}, Resp: shishi.Webhook{}, ETag: true, handle: s.updateWebhook})
	s.api(&operation{Method: "DELETE", Path: "/api/v1/webhooks/{id}", ID: "deleteWebhook", Tag: "integration", Summary: "End a subscription (its delivery log stays)",
		Params: []param{pathID()}, Status: http.StatusNoContent, handle: s.deleteWebhook})
	s.api(&operation{Method: "GET", Path: "/api/v1/webhook-deliveries", ID: "listDeliveries", Tag: "integration", Summary: "The delivery log, newest first",
		Params: listParams(param{Name: "webhook", In: "query", Type: "integer"}, param{Name: "status", In: "query", Type: "string", Desc: "pending, delivered or failed"}),
		Resp:   shishi.WebhookDelivery{}, List: true, handle: s.listDeliveries})
	s.api(&operation{Method: "POST", Path: "/api/v1/webhook-deliveries/{id}:replay", ID: "replayDelivery", Tag: "integration", Summary: "Send a delivery again",
		Params: []param{pathID()}, Resp: shishi.WebhookDelivery{}, handle: s.replayDelivery})
	s.api(&operation{Method: "GET", Path: "/api/v1/jobs", ID: "listJobs", Tag: "integration", Summary: "The job queue, newest first (administrators): status=dead lists the dead letters",
		Params: listParams(param{Name: "status", In: "query", Type: "string", Desc: "queued, running, done or dead"}, param{Name: "kind", In: "query", Type: "string"}),
		Resp:   shishi.Job{}, List: true, handle: s.listJobs})
	s.api(&operation{Method: "GET", Path: "/api/v1/me/mail", ID: "getMailPrefs", Tag: "users", Summary: "The caller's e-mail choices: which notices are mailed, in which language",
		Resp: shishi.MailPrefs{}, ETag: true, handle: s.getMailPrefs})
	s.api(&operation{Method: "PUT", Path: "/api/v1/me/mail", ID: "setMailPrefs", Tag: "users", Summary: "Set the caller's e-mail choices (kinds: reminder, task, complaint, mention; lang: zh or en); If-Match honoured, 412 when stale",
		Body: shishi.MailPrefs{}, Resp: shishi.MailPrefs{}, ETag: true, handle: s.setMailPrefs})
	s.api(&operation{Method: "POST", Path: "/api/v1/jobs/{id}:retry", ID: "retryJob", Tag: "integration", Summary: "Put a dead job back in the queue",
		Params: []param{pathID()}, Resp: shishi.Job{}, handle: s.retryJob})
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f := shishi.WebhookFilter{Limit: limit, After: after}
	if u, err := queryID(r, "unit"); err != nil {
		return err
	} else if u != nil {
		f.UnitID = *u
	}
	hooks, total, err := s.Webhooks.FindWebhooks(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, hooks, total, limit, func(h *shishi.Webhook) int64 { return h.ID })
}

func writeWebhook(w http.ResponseWriter, status int, h *shishi.Webhook, body any) error {
	w.Header().Set("ETag", etag(h.ID, h.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/api/v1/webhooks/"+strconv.FormatInt(h.ID, 10))
	}
	return writeJSON(w, status, body)
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	// Refuse a caller who may not subscribe before reading the input (the
	// store then checks the unit).
	if a := shishi.ActorFrom(r.Context()); !a.Has(shishi.RoleAdmin) && !a.Has(shishi.RoleOffice) {
		return shishi.Errorf(shishi.EFORBIDDEN, "只有管理员或活动办可以订阅 / only an administrator or the office subscribes webhooks")
	}
	var in shishi.WebhookInput
	if err := decode(r, &in); err != nil {
		return err
	}
	h, err := s.Webhooks.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	return writeWebhook(w, http.StatusCreated, &h.Webhook, h)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	h, err := s.Webhooks.FindWebhook(r.Context(), id)
	if err != nil {
		return err
	}
	return writeWebhook(w, http.StatusOK, h, h)
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var p shishi.WebhookPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	h, err := s.Webhooks.UpdateWebhook(r.Context(), id, ifMatch(r, id), p)
	if err != nil {
		return err
	}
	return writeWebhook(w, http.StatusOK, h, h)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if err := s.Webhooks.DeleteWebhook(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f := shishi.DeliveryFilter{Limit: limit, After: after, Status: shishi.DeliveryStatus(r.URL.Query().Get("status"))}
	switch f.Status {
	case "", shishi.DeliveryPending, shishi.DeliveryDelivered, shishi.DeliveryFailed:
	default:
		return shishi.Invalid(shishi.FieldError{Field: "status", Message: "须为 pending、delivered 或 failed / must be pending, delivered or failed"})
	}
	if h, err := queryID(r, "webhook"); err != nil {
		return err
	} else if h != nil {
		f.WebhookID = *h
	}
	ds, total, err := s.Webhooks.FindDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, ds, total, limit, func(d *shishi.WebhookDelivery) int64 { return d.ID })
}

func (s *Server) replayDelivery(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	d, err := s.Webhooks.ReplayDelivery(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) error {
	limit, after, err := page(r)
	if err != nil {
		return err
	}
	f := shishi.JobFilter{Limit: limit, After: after, Status: shishi.JobStatus(r.URL.Query().Get("status")), Kind: r.URL.Query().Get("kind")}
	js, total, err := s.Queue.FindJobs(r.Context(), f)
	if err != nil {
		return err
	}
	return writeList(w, js, total, limit, func(j *shishi.Job) int64 { return j.ID })
}

func (s *Server) retryJob(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	j, err := s.Queue.RetryJob(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, j)
}

func (s *Server) getMailPrefs(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Mail.MailPrefs(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etagKey("mail", p.Version))
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) setMailPrefs(w http.ResponseWriter, r *http.Request) error {
	var in shishi.MailPrefs
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Mail.SetMailPrefs(r.Context(), in, ifMatchKey(r, "mail"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etagKey("mail", p.Version))
	return writeJSON(w, http.StatusOK, p)
}
