package geoio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// object is a JSON object read by readTree; keys keeps the order they came in.
type object struct {
	keys   []string
	values map[string]any
}

func (o *object) get(k string) (any, bool) { v, ok := o.values[k]; return v, ok }

// readTree parses a whole JSON document into objects, []any, json.Number, string,
// bool and nil. Unlike encoding/json's map decoding it refuses duplicate member
// names (RFC 8259 says they make a document's meaning unpredictable), and its
// errors give the line and column of the fault.
func readTree(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return nil, syntaxError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, syntaxError(data, dec, errors.New("unexpected data after the top-level value"))
	}
	return v, nil
}

type dupKeyError struct{ key string }

func (e dupKeyError) Error() string {
	return fmt.Sprintf("member %q appears twice in one object", e.key)
}

// maxDepth caps how deeply arrays and objects may nest. GeoJSON needs four
// levels for MultiPolygon coordinates plus what properties use; without a cap,
// readValue recurses once per level and a few megabytes of "[" overflow the
// goroutine stack, a fatal error that kills the process.
const maxDepth = 1000

func readValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth && (t == '{' || t == '[') {
			return nil, fmt.Errorf("arrays and objects nest more than %d levels deep", maxDepth)
		}
		switch t {
		case '{':
			o := &object{values: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k := kt.(string)
				if _, dup := o.values[k]; dup {
					return nil, dupKeyError{k}
				}
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, k)
				o.values[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			a := []any{}
			for dec.More() {
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %q", t)
	default:
		return tok, nil
	}
}

// SyntaxError is malformed JSON (or XML, CSV...) at a line and column.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

func syntaxError(data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	line, col := lineCol(data, off)
	msg := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "unexpected end of input"
	}
	return &SyntaxError{Line: line, Column: col, Msg: msg}
}

func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case *object:
		return "an object"
	case []any:
		return "an array"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// plain converts a tree value into plain Go values (map[string]any, []any,
// float64 or json.Number kept as float64, string, bool, nil) for properties.
func plain(v any) any {
	switch t := v.(type) {
	case *object:
		m := make(map[string]any, len(t.keys))
		for _, k := range t.keys {
			m[k] = plain(t.values[k])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	case json.Number:
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}
