package demo

import (
	"strings"
	"testing"

	"github.com/shishi-edu/shishi"
)

// TestPasswordOmitsLogin: a generated password meets the policy and never
// holds its login, even a login of one letter that most draws contain.
func TestPasswordOmitsLogin(t *testing.T) {
	for _, login := range []string{"a", "k", "pku", "zz-h"} {
		for range 300 {
			pw := Password(login)
			if strings.Contains(strings.ToLower(pw), login) {
				t.Fatalf("password %q holds the login %q", pw, login)
			}
			in := shishi.UserInput{Login: login, Name: login, UnitID: 1, Password: pw}
			for _, f := range shishi.ErrorFields(in.Validate()) {
				if f.Field == "password" {
					t.Fatalf("password %q for %q: %s", pw, login, f.Message)
				}
			}
		}
	}
}
