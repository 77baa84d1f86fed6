// Package problem defines the errors that Warden's domain packages return when a
// request cannot be served, and that the API turns into RFC 9457
// application/problem+json answers. Domain code says what went wrong and where;
// only the API decides how it is written.
package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// Detail is one thing wrong with the input: where (a JSON path such as
// "features[2].geometry", a line and column, a feature index) and why.
type Detail struct {
	// Feature is the 0-based index of the feature the problem is in, if any.
	Feature *int `json:"feature,omitempty"`
	// Pointer is a path into the request body, e.g. "features[2].geometry.coordinates[0]".
	Pointer string `json:"pointer,omitempty"`
	// Line and Column locate the problem in a text file (1-based).
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Reason says what is wrong, in a sentence.
	Reason string `json:"reason"`
	// Location is the coordinate of a geometric fault (e.g. a self-intersection), lon/lat.
	Location []float64 `json:"location,omitempty"`
}

// Error is a failed request: its status, a stable type slug, a human title and
// detail, and the list of problems found (for validation errors).
type Error struct {
	Status int
	// Type is a stable slug such as "invalid-geometry"; the API prefixes it
	// to form the problem type URI.
	Type     string
	Title    string
	Detail   string
	Problems []Detail
	// Extra holds additional members written into the problem document.
	Extra map[string]any
	// Err is the underlying cause, for logs; never shown to clients.
	Err error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Detail)
	if len(e.Problems) > 0 {
		s += fmt.Sprintf(" (%d problems, first: %s)", len(e.Problems), e.Problems[0].Reason)
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}

// Invalid is a 422: the request was well-formed but its content is not acceptable
// (bad geometry, unknown zone kind, overlapping zones). typ names the class.
func Invalid(typ, detail string, problems ...Detail) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Type: typ, Title: "Unprocessable content", Detail: detail, Problems: problems}
}

// BadRequest is a 400: the request could not be read (malformed JSON, a bad parameter).
func BadRequest(typ, detail string, problems ...Detail) *Error {
	return &Error{Status: http.StatusBadRequest, Type: typ, Title: "Bad request", Detail: detail, Problems: problems}
}

// NotFound is a 404 for a named resource.
func NotFound(what, id string) *Error {
	return &Error{Status: http.StatusNotFound, Type: "not-found", Title: "Not found", Detail: fmt.Sprintf("%s %q does not exist", what, id)}
}

// Conflict is a 409, e.g. a reserve code that is already taken.
func Conflict(typ, detail string) *Error {
	return &Error{Status: http.StatusConflict, Type: typ, Title: "Conflict", Detail: detail}
}

// TooLarge is a 413: the body or one of its parts exceeds a limit.
func TooLarge(detail string) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Type: "too-large", Title: "Content too large", Detail: detail}
}

// At returns a Detail for feature i (use i < 0 for none) with a pointer and reason.
func At(i int, pointer, reason string) Detail {
	d := Detail{Pointer: pointer, Reason: reason}
	if i >= 0 {
		d.Feature = &i
	}
	return d
}

// Summary is a one-line detail for a list of problems: the first reason, and
// how many more there are.
func Summary(ps []Detail) string {
	if len(ps) == 0 {
		return ""
	}
	s := ps[0].Reason
	if len(ps) > 1 {
		s += fmt.Sprintf(" (and %d more problems)", len(ps)-1)
	}
	return s
}
