package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testdb"
	"github.com/shishi-edu/shishi/jobs"
	"github.com/shishi-edu/shishi/secret"
	"github.com/shishi-edu/shishi/sqlstore"
	"github.com/shishi-edu/shishi/workday"
)

// TestEscalationJob: the scheduled job, not a request, turns an overdue
// rectification red and escalates it to the parent unit; the clock is
// the store's, set by the test — nothing sleeps.
func TestEscalationJob(t *testing.T) {
	testdb.Each(t, func(t *testing.T, dsn string) {
		keys, _ := secret.ParseKeyring(secret.NewKeyringText("k1"))
		db, err := sqlstore.Open(context.Background(), dsn, keys)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2021, 9, 29, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		cal, err := workday.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Calendar = cal
		sys := shishi.WithActor(context.Background(), shishi.SystemActor())
		unit := func(parent *int64, code, name string) *shishi.Unit {
			u, err := db.CreateUnit(sys, shishi.UnitInput{ParentID: parent, Code: code, Name: name, Kind: shishi.UnitCounty})
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		ha := unit(nil, "ha", "河南省教育厅")
		zz := unit(&ha.ID, "ha-zz", "郑州市教育局")
		user := func(login string, u *shishi.Unit, roles ...shishi.Role) *shishi.User {
			in := shishi.UserInput{Login: login, Name: login, UnitID: u.ID, Password: "Correct-Horse-42"}
			for _, r := range roles {
				in.Grants = append(in.Grants, shishi.Grant{Role: r})
			}
			x, err := db.CreateUser(sys, in)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
		prof := user("prof", ha)
		haOp := user("ha-op", ha, shishi.RoleOperator)
		g, err := db.CreateGroup(sys, shishi.GroupInput{Kind: shishi.GroupInspection, Name: "第一督查组", OwnerUnitID: ha.ID, LeaderID: prof.ID, UnitIDs: []int64{zz.ID}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := db.RaiseFinding(sys, shishi.FindingInput{GroupID: g.ID, UnitID: zz.ID, Severity: shishi.SeverityMajor, Description: "手机管理制度未落实", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		s := &jobs.Scheduler{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		s.Add(jobs.Escalation(db, s.Log))
		if s.RunDue(context.Background()) != 1 {
			t.Fatal("the job did not run")
		}
		if got, _ := db.FindFinding(sys, f.ID); got.Colour != shishi.ColourGreen || got.EscalatedTo != nil {
			t.Fatalf("on time: %s %+v", got.Colour, got.EscalatedTo)
		}
		// Two days on the deadline (12 October) has passed: the next daily run escalates.
		now = time.Date(2021, 10, 13, 2, 0, 0, 0, time.UTC)
		if s.RunDue(context.Background()) != 1 {
			t.Fatal("the job did not run the next day")
		}
		got, _ := db.FindFinding(sys, f.ID)
		if got.Colour != shishi.ColourRed || got.EscalatedTo == nil || got.EscalatedTo.ID != ha.ID {
			t.Fatalf("after the deadline: %s escalated to %+v", got.Colour, got.EscalatedTo)
		}
		haCtx := shishi.WithActor(context.Background(), &shishi.Actor{UserID: haOp.ID, Login: haOp.Login, Grants: haOp.Grants})
		if ns, _, n, _ := db.FindNotices(haCtx, shishi.Page{Limit: 10}); n != 1 || len(ns) != 1 {
			t.Fatalf("the parent unit's operator has %d notices", n)
		}
		if fs, n, _ := db.FindFindings(haCtx, shishi.FindingFilter{Colour: shishi.ColourRed}); n != 1 || fs[0].ID != f.ID {
			t.Fatalf("the parent unit lists %d red findings", n)
		}
		// Within the day the job does not run again.
		now = now.Add(time.Hour)
		if s.RunDue(context.Background()) != 0 {
			t.Fatal("ran twice in a day")
		}
	})
}
