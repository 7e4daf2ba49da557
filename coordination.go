package shishi

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Comment is a message on an item between its lead unit, its cooperating
// units and the office (强化沟通协调). "@login" mentions notify.
type Comment struct {
	ID         int64     `json:"id"`
	ItemID     int64     `json:"item_id"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	UnitName   string    `json:"unit_name"`
	Body       string    `json:"body"`
	Mentions   []string  `json:"mentions"`
	CreatedAt  time.Time `json:"created_at"`
}

var mentionRE = regexp.MustCompile(`@([a-z0-9][a-z0-9._-]{1,31})`)

// Mentions lists the distinct logins a text mentions with "@login".
func Mentions(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range mentionRE.FindAllStringSubmatch(strings.ToLower(text), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// TaskStatus: a handed-over task is open until the unit reports it done.
type TaskStatus string

const (
	TaskOpen TaskStatus = "open"
	TaskDone TaskStatus = "done"
)

// Task is work the lead unit hands to a cooperating unit (交办).
type Task struct {
	ID        int64      `json:"id"`
	ItemID    int64      `json:"item_id"`
	Unit      UnitRef    `json:"unit"`
	Title     string     `json:"title"`
	Due       Date       `json:"due"`
	Status    TaskStatus `json:"status"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	DoneBy    string     `json:"done_by,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Note      string     `json:"note,omitempty"`
}

// TaskInput hands a task to a unit.
type TaskInput struct {
	UnitID int64  `json:"unit_id"`
	Title  string `json:"title"`
	Due    Date   `json:"due"`
}

// Validate checks a task.
func (in *TaskInput) Validate() error {
	var v Validator
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.UnitID > 0, "unit_id", "必须选择承办单位 / a unit is required")
	checkText(&v, "title", in.Title, 1, 500)
	v.Check(in.Due.Valid(), "due", "办结时限须为 YYYY-MM-DD / due must be a date YYYY-MM-DD")
	return v.Err()
}

// Notice is an in-app message to a user: a mention, a handed task, a
// reminder. Mail and webhooks come later through the job queue.
type Notice struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"` // mention, task, reminder, review
	ItemID int64  `json:"item_id,omitempty"`
	// ComplaintID points at a complaint (a reminder or an escalation).
	ComplaintID int64 `json:"complaint_id,omitempty"`
	// FindingID points at a supervision finding (整改通知, 催办, 督办).
	FindingID int64      `json:"finding_id,omitempty"`
	Text      string     `json:"text"`
	At        time.Time  `json:"at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// CoordinationService carries comments, tasks and notices.
type CoordinationService interface {
	// AddComment posts on an item the actor takes part in (lead or
	// cooperating unit, or a campaign-wide role) and notifies each
	// mentioned user who can see the item. EINVALID, EFORBIDDEN.
	AddComment(ctx context.Context, itemID int64, body string) (*Comment, error)
	// FindComments lists a page of an item's comments, oldest first, and
	// how many there are.
	FindComments(ctx context.Context, itemID int64, p Page) ([]*Comment, int, error)
	// AddTask hands a task to one of the item's cooperating units (the
	// lead unit's operator or the office). EINVALID, EFORBIDDEN.
	AddTask(ctx context.Context, itemID int64, in TaskInput) (*Task, error)
	// CompleteTask marks a task done (the task's unit, or the office).
	CompleteTask(ctx context.Context, taskID int64, note string) (*Task, error)
	// FindTasks lists a page of an item's tasks, oldest first, and how
	// many there are.
	FindTasks(ctx context.Context, itemID int64, p Page) ([]*Task, int, error)
	// FindNotices lists a page of the actor's notices, newest first, with
	// how many there are and how many are unread.
	FindNotices(ctx context.Context, p Page) (notices []*Notice, total, unread int, err error)
	// ReadNotice marks one of the actor's notices read (0: all of them).
	ReadNotice(ctx context.Context, id int64) error
}
