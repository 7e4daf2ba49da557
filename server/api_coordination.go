package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/shishi-edu/shishi"
)

// noticeList is the list envelope with the unread count beside it.
type noticeList struct {
	listBody[*shishi.Notice]
	Unread int `json:"unread"`
}

type commentBody struct {
	Body string `json:"body"`
}

func (s *Server) coordinationRoutes() {
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}/comments", ID: "listComments", Tag: "coordination", Summary: "Comments on an item, oldest first",
		Params: listParams(pathID()), Resp: shishi.Comment{}, List: true, handle: s.listComments})
	s.api(&operation{Method: "POST", Path: "/api/v1/items/{id}/comments", ID: "addComment", Tag: "coordination", Summary: "Comment on an item; @login mentions notify",
		Params: []param{pathID()}, Body: commentBody{}, Resp: shishi.Comment{}, Status: http.StatusCreated, handle: s.addComment})
	s.api(&operation{Method: "GET", Path: "/api/v1/items/{id}/tasks", ID: "listTasks", Tag: "coordination", Summary: "Tasks handed to cooperating units",
		Params: listParams(pathID()), Resp: shishi.Task{}, List: true, handle: s.listTasks})
	s.api(&operation{Method: "POST", Path: "/api/v1/items/{id}/tasks", ID: "addTask", Tag: "coordination", Summary: "Hand a task to a cooperating unit (交办)",
		Params: []param{pathID()}, Body: shishi.TaskInput{}, Resp: shishi.Task{}, Status: http.StatusCreated, handle: s.addTask})
	s.api(&operation{Method: "POST", Path: "/api/v1/tasks/{id}:complete", ID: "completeTask", Tag: "coordination", Summary: "Report a task done (the task's unit)",
		Params: []param{pathID()}, Body: noteBody{}, Resp: shishi.Task{}, handle: s.completeTask})
	s.api(&operation{Method: "GET", Path: "/api/v1/notices", ID: "listNotices", Tag: "coordination", Summary: "The caller's notices, newest first; `unread` counts the unread ones",
		Params: listParams(), Resp: shishi.Notice{}, List: true, Counts: []string{"unread"}, handle: s.listNotices})
	s.api(&operation{Method: "POST", Path: "/api/v1/notices/{id}:read", ID: "readNotice", Tag: "coordination", Summary: "Mark a notice read (id 0: all)",
		Params: []param{{Name: "id", In: "path", Type: "integer", Required: true}}, Status: http.StatusNoContent, handle: s.readNotice})
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Items.FindItem(r.Context(), id); err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	cs, total, err := s.Coord.FindComments(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeList(w, cs, total, p.Limit, func(c *shishi.Comment) int64 { return c.ID })
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b commentBody
	if err := decode(r, &b); err != nil {
		return err
	}
	c, err := s.Coord.AddComment(r.Context(), id, b.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if _, err := s.Items.FindItem(r.Context(), id); err != nil {
		return err
	}
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	ts, total, err := s.Coord.FindTasks(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeList(w, ts, total, p.Limit, func(t *shishi.Task) int64 { return t.ID })
}

func (s *Server) addTask(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var in shishi.TaskInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Coord.AddTask(r.Context(), id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (s *Server) completeTask(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	var b noteBody
	if r.ContentLength != 0 {
		if err := decode(r, &b); err != nil {
			return err
		}
	}
	t, err := s.Coord.CompleteTask(r.Context(), id, b.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	p, err := pageOf(r)
	if err != nil {
		return err
	}
	ns, total, unread, err := s.Coord.FindNotices(r.Context(), p)
	if err != nil {
		return err
	}
	next := ""
	if len(ns) == p.Limit {
		next = encodeCursor(ns[len(ns)-1].ID)
	}
	return writeJSON(w, http.StatusOK, noticeList{listBody: listBody[*shishi.Notice]{Items: ns, Total: total, Next: next}, Unread: unread})
}

func (s *Server) readNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(strings.TrimSpace(r.PathValue("id")), 10, 64)
	if err != nil || id < 0 {
		return shishi.Errorf(shishi.ENOTFOUND, "无效的编号 / invalid id")
	}
	if err := s.Coord.ReadNotice(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
