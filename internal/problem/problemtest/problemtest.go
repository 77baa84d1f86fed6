// Package problemtest checks, in tests, that a refusal is the problem a
// user is shown (problem.Error): its status, its stable type, and the
// faults its detail and itemised reasons name. It is test support: only
// _test files import it.
package problemtest

import (
	"strings"
	"testing"

	"warden/internal/problem"
)

// Want fails the test unless err is a problem with status whose detail or
// reasons mention each of fragments, and returns it.
func Want(t testing.TB, err error, status int, fragments ...string) *problem.Error {
	t.Helper()
	p, ok := problem.As(err)
	if !ok {
		t.Fatalf("error %T %v, want a %d problem", err, err, status)
	}
	if p.Status != status {
		t.Fatalf("status %d (%s), want %d", p.Status, p.Detail, status)
	}
	text := p.Detail
	for _, d := range p.Problems {
		text += "\n" + d.Reason
	}
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			t.Fatalf("problem does not mention %q: %s", f, text)
		}
	}
	return p
}

// WantType is Want for a problem of the stable type typ too.
func WantType(t testing.TB, err error, status int, typ string, fragments ...string) *problem.Error {
	t.Helper()
	p := Want(t, err, status, fragments...)
	if p.Type != typ {
		t.Fatalf("problem type %q (%s), want %q", p.Type, p.Detail, typ)
	}
	return p
}
