package problem

import (
	"fmt"
	"strings"
	"time"
)

// List gathers every fault found in one request body, each at its JSON
// pointer, so that a form is refused once with all that is wrong in it
// rather than one fault per try.
type List []Detail

// Addf records a fault at ptr.
func (l *List) Addf(ptr, format string, args ...any) {
	*l = append(*l, At(-1, ptr, fmt.Sprintf(format, args...)))
}

// Text refuses text PostgreSQL cannot store (a NUL character).
func (l *List) Text(ptr, v string) {
	if strings.ContainsRune(v, 0) {
		l.Addf(ptr, "%s contains a NUL character", ptr)
	}
}

// Required refuses a blank text, and text PostgreSQL cannot store.
func (l *List) Required(ptr, v string) {
	if strings.TrimSpace(v) == "" {
		l.Addf(ptr, "%s is required", ptr)
	}
	l.Text(ptr, v)
}

// Date reads a YYYY-MM-DD date; nil when it is missing or not a date.
func (l *List) Date(ptr, v string, required bool) *time.Time {
	if v == "" {
		if required {
			l.Addf(ptr, "%s is required (YYYY-MM-DD)", ptr)
		}
		return nil
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		l.Addf(ptr, "%s %q must be a date YYYY-MM-DD", ptr, v)
		return nil
	}
	return &d
}

// Err is nil for an empty list, else a 422 of type typ whose detail is the
// first fault.
func (l List) Err(typ string) error {
	if len(l) == 0 {
		return nil
	}
	return Invalid(typ, l[0].Reason, l...)
}
