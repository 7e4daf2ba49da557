package mailer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shishi-edu/shishi"
	"github.com/shishi-edu/shishi/internal/testsmtp"
	"github.com/shishi-edu/shishi/mailer"
)

// TestSendToRealSMTP: notices go through a real SMTP conversation and
// arrive with the recipient, a subject and body in the recipient's
// language, and the link to the page.
func TestSendToRealSMTP(t *testing.T) {
	srv := testsmtp.Start(t)
	m, err := mailer.New("smtp://"+srv.Addr+"?tls=none", "实事平台 <noreply@jyt.example.cn>", "https://shishi.example.cn/")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2021, 11, 1, 1, 30, 0, 0, time.UTC)
	zh := &shishi.MailNotice{NoticeID: 41, To: "wu.ting@zz.example.cn", Name: "吴婷", Lang: "zh", Kind: "reminder",
		Text: "催报：“宿舍建设”2021-10 月进展尚未填报。", Path: "/app/items/12", At: at}
	en := &shishi.MailNotice{NoticeID: 42, To: "handler@moe.example.cn", Name: "Liu Yang", Lang: "en", Kind: "complaint",
		Text: "新举报件 JB-1（乱收费）/ new complaint", Path: "/app/complaints/3", At: at}
	for _, n := range []*shishi.MailNotice{zh, en} {
		if err := m.Send(context.Background(), n); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages arrived", len(msgs))
	}
	a, b := msgs[0], msgs[1]
	if a.From != "noreply@jyt.example.cn" || len(a.To) != 1 || a.To[0] != "wu.ting@zz.example.cn" || a.Subject != "【实事】催办提醒" ||
		a.Header.Get("X-Shishi-Notice") != "41" || !strings.Contains(a.Header.Get("Content-Type"), "charset=UTF-8") {
		t.Fatalf("zh envelope: %+v %v", a, a.Header)
	}
	for _, want := range []string{"吴婷，您好", "催报：“宿舍建设”2021-10 月进展尚未填报。", "https://shishi.example.cn/app/items/12", "2021-11-01 09:30"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("zh body lacks %q:\n%s", want, a.Body)
		}
	}
	if b.Subject != "[Shishi] Complaint to handle" || !strings.Contains(b.Body, "Dear Liu Yang") || !strings.Contains(b.Body, "new complaint") ||
		strings.Contains(b.Body, "新举报件") || !strings.Contains(b.Body, "https://shishi.example.cn/app/complaints/3") {
		t.Fatalf("en mail: %s\n%s", b.Subject, b.Body)
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, c := range [][2]string{{"http://mail.example.cn", "a@b.cn"}, {"smtp://", "a@b.cn"}, {"smtp://mail.example.cn?tls=maybe", "a@b.cn"},
		{"smtp://mail.example.cn:x", "a@b.cn"}, {"smtp://mail.example.cn", ""}, {"smtp://mail.example.cn", "not an address"}} {
		if _, err := mailer.New(c[0], c[1], ""); err == nil {
			t.Errorf("%q from %q accepted", c[0], c[1])
		}
	}
	if _, err := mailer.New("smtps://u:p@mail.example.cn", "a@b.cn", ""); err != nil {
		t.Fatal(err)
	}
	if got := mailer.Mask("smtp://u:secret@mail.example.cn:587"); strings.Contains(got, "secret") {
		t.Fatalf("mask: %s", got)
	}
}
