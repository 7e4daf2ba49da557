package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shishi-edu/shishi"
)

// A batch of public submissions is written in three steps (see
// submitter.write): each submission is settled alone (settleCase: its
// category, its unit, the desk above it and the desk's handlers, read in
// the batch's transaction), which may refuse it; the settled cases are
// then inserted together, a few multi-row INSERTs with ids taken ahead
// (insertCases); last, their timeline lines, notices and audit entries
// join the batch's rows. One INSERT a case was a third of the writer's
// time under 64 clients (profiled at a tenth of the national scale).

// pendingCase is a submission settled and not yet written.
type pendingCase struct {
	p        *submission
	ctx      context.Context
	cat      *shishi.ComplaintCategory
	unitID   int64
	desk     int64
	handlers []int64
	now      time.Time
	deadline shishi.Date
	warnFrom shishi.Date
	// id is taken ahead; code and secret are drawn at insertion, again
	// when a code is taken.
	id        int64
	code, sec string
}

// settleCase reads what p's case needs. Everything that refuses one
// submission alone is here, before any of its rows is written.
func (d *DB) settleCase(ctx context.Context, tx *sql.Tx, p *submission) (*pendingCase, error) {
	in, cal := p.in, p.cal
	cat, err := memoized(ctx, tx, "category:"+in.Category, func() (*shishi.ComplaintCategory, error) {
		return d.category(ctx, on(ctx, tx), in.Category)
	})
	if err != nil {
		return nil, err
	}
	if !cat.Active {
		return nil, shishi.Invalid(shishi.FieldError{Field: "category", Message: "该类别已停用 / the category is no longer in use"})
	}
	unitID, path, err := d.resolveUnit(ctx, on(ctx, tx), in.UnitID, in.UnitCode, in.Place)
	if err != nil {
		return nil, err
	}
	// The desk is the top of the unit's tree: the column of the
	// ministry (or of whichever authority runs this deployment).
	desk, err := memoized(ctx, tx, "desk:"+path[:strings.IndexByte(path, '/')+1], func() (int64, error) {
		var desk int64
		if err := on(ctx, tx).QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL AND $1 LIKE path || '%'`, path).Scan(&desk); err != nil {
			return 0, shishi.Internal(err)
		}
		return desk, nil
	})
	if err != nil {
		return nil, err
	}
	handlers, err := memoized(ctx, tx, "handlers:"+strconv.FormatInt(desk, 10), func() ([]int64, error) {
		return d.staffAt(ctx, tx, desk, shishi.RoleHandler)
	})
	if err != nil {
		return nil, err
	}
	now := d.now()
	deadline := cal.Add(shishi.DateOf(now), cat.AcceptDays)
	return &pendingCase{p: p, ctx: ctx, cat: cat, unitID: unitID, desk: desk, handlers: handlers, now: now,
		deadline: deadline, warnFrom: shishi.WarnFrom(cal, deadline, cat.Warn(cat.AcceptDays))}, nil
}

// caseCols are the columns insertCases writes, one parameter each.
var caseCols = []string{"id", "code", "secret_hash", "category", "unit_id", "desk_unit_id", "body", "place",
	"anonymous", "reporter_sealed", "status", "source", "received_at", "updated_at", "deadline", "warn_from"}

// drawTracking draws a case's tracking code and secret; tests replace it
// to make codes collide.
var drawTracking = newTracking

// batchShared is how many of a code's 8 random characters the cases of
// one batch share (15 of its 40 bits, drawn anew for each batch and each
// draw again). A code is not secret — the secret opens the case — but
// where it lands in the codes' unique index is: wholly random codes put
// each case of a batch on a leaf page of its own, which the commit then
// wrote to the log (and the insert often read first), about half the
// pages a batch wrote under 64 clients. Sharing a prefix puts a batch's
// codes on one or two leaves, as time-ordered keys would, without telling
// when a case came in; the other 25 bits keep the codes of one batch
// apart (a taken code is drawn again, insertCases).
const batchShared = 3

// caseTries bounds the draws of one case's code: a code is taken with a
// chance of one in a million at a million cases, and meets another of
// its batch (the same prefix, 25 bits each) with one of 130,000 in a
// batch of 256.
const caseTries = 5

// insertCases writes cs with ids taken ahead, in statements of a few
// fixed sizes (steadySizes) parsed once in the process. A row whose code
// is taken is skipped without an error (ON CONFLICT DO NOTHING: on
// PostgreSQL an error would end the batch's transaction) and written again
// with a new code. A case that finds no free code is refused alone (its
// submission's err); an error of a statement is the batch's.
func (d *DB) insertCases(ctx context.Context, tx *sql.Tx, cs []*pendingCase) error {
	if len(cs) == 0 {
		return nil
	}
	ids, err := d.reserveIDs(ctx, tx, "complaints", len(cs))
	if err != nil {
		return err
	}
	for i, c := range cs {
		c.id = ids[i]
	}
	todo := cs
	for try := 0; len(todo) > 0; try++ {
		if try == caseTries {
			for _, c := range todo {
				c.p.err = shishi.Internal(errors.New("sqlstore: no free tracking code"))
			}
			return nil
		}
		stored := make(map[int64]bool, len(todo))
		shared := randomCode(batchShared)
		for rest := todo; len(rest) > 0; {
			n := steadySize(len(rest), len(caseCols))
			args := make([]any, 0, n*len(caseCols))
			for _, c := range rest[:n] {
				c.code, c.sec = drawTracking(shared)
				in := c.p.in
				args = append(args, c.id, c.code, secretHash(c.code, c.sec), c.cat.Code, c.unitID, c.desk, in.Body, in.Place,
					in.Anonymous || in.Reporter.Empty(), c.p.sealed, string(shishi.ComplaintReceived), in.Source, c.now, c.now,
					string(c.deadline), string(c.warnFrom))
			}
			rows, err := on(ctx, tx).QueryContext(ctx, caseInsert(n, d.postgres), args...)
			if err != nil {
				return shishi.Internal(err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return shishi.Internal(err)
				}
				stored[id] = true
			}
			// An error met while stepping must not read as codes taken.
			err = rows.Err()
			if cerr := rows.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return shishi.Internal(err)
			}
			rest = rest[n:]
		}
		var again []*pendingCase
		for _, c := range todo {
			if !stored[c.id] {
				again = append(again, c)
			}
		}
		todo = again
	}
	return nil
}

// caseInserts holds the texts of insertCases' statements by size and
// dialect: built once, so that a batch looks its statements up by text
// without building them.
var caseInserts sync.Map

func caseInsert(n int, postgres bool) string {
	key := n
	if postgres {
		key = -n
	}
	if s, ok := caseInserts.Load(key); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString("INSERT INTO complaints (" + strings.Join(caseCols, ", ") + ") VALUES ")
	placeholders(&b, n, len(caseCols), postgres)
	b.WriteString(" ON CONFLICT (code) DO NOTHING RETURNING id")
	s, _ := caseInserts.LoadOrStore(key, b.String())
	return s.(string)
}

// writeCaseFiles writes the attachments of a written case.
func (d *DB) writeCaseFiles(ctx context.Context, tx *sql.Tx, c *pendingCase) error {
	for _, f := range c.p.files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO complaint_files (complaint_id, hash, name, mime, size, public, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.id, f.Hash, cleanName(f.Name), f.Mime, f.Size, true, c.now); err != nil {
			return shishi.Internal(err)
		}
	}
	return nil
}

// caseDetail is a submission's audit detail: it names the case, never
// the reporter. Its fields are in the order a map's keys marshal in, as
// the entries written before it.
type caseDetail struct {
	Anonymous bool   `json:"anonymous"`
	Category  string `json:"category"`
	Code      string `json:"code"`
	Files     int    `json:"files"`
	Source    string `json:"source"`
}

// addCase adds a written case's rows to the batch's: its first timeline
// line, the desk's notices and the audit entry. Nothing here fails.
func (r *batchRows) addCase(c *pendingCase) *shishi.Receipt {
	// A struct of strings, booleans and an int marshals without error.
	detail, _ := json.Marshal(caseDetail{Anonymous: c.p.sealed == "", Category: c.cat.Code, Code: c.code, Files: len(c.p.files), Source: c.p.in.Source})
	r.events.add(c.id, c.now, "举报人 / reporter", "submit", true, "", (*int64)(nil))
	for _, u := range c.handlers {
		r.notice(u, "complaint", c.id, "新举报件 "+c.code+"（"+c.cat.Name+"），请于 "+string(c.deadline)+" 前受理 / new complaint", c.now)
	}
	r.audit(c.ctx, "complaint", c.id, &c.unitID, detail)
	return &shishi.Receipt{ID: c.id, Code: c.code, Secret: c.sec, Deadline: c.deadline}
}
