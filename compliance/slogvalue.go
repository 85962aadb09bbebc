package compliance

import (
	"cmp"
	"encoding"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// anyValue redacts a value of slog.KindAny: values of types that may carry
// personal data are rebuilt from their parts; others pass unchanged, or
// become [REDACTED] under a personal key.
func (w *walk) anyValue(x any, m mode) slog.Value {
	if x == nil {
		return slog.AnyValue(nil)
	}
	rv := reflect.ValueOf(x)
	if rv.Kind() == reflect.String { // a named string type
		if m.forced {
			return slog.StringValue(maskLog(m.kind, rv.String()))
		}
		return slog.AnyValue(x)
	}
	if !w.h.rebuilds(rv.Type()) && !(m.forced && composite(rv.Type())) {
		if m.forced {
			return slog.StringValue(redacted)
		}
		return slog.AnyValue(x)
	}
	return w.rebuild(rv, m)
}

// composite reports whether values of t have parts the handler can walk.
func composite(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		return !leaf(t)
	}
	return false
}

var (
	logValuerType     = reflect.TypeFor[slog.LogValuer]()
	errorType         = reflect.TypeFor[error]()
	stringerType      = reflect.TypeFor[fmt.Stringer]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(iface)
}

// leaf reports whether t prints itself (a time, an amount, an error) and is
// not a LogValuer: the handler does not look inside it.
func leaf(t reflect.Type) bool {
	if implements(t, logValuerType) {
		return false
	}
	return implements(t, errorType) || implements(t, stringerType) || implements(t, jsonMarshalerType) ||
		implements(t, textMarshalerType)
}

// rebuilds reports, once per type, whether values of t are rebuilt: they
// may hold a LogValuer, a value of interface type, or a field whose name
// matches a key pattern.
func (h *RedactingHandler) rebuilds(t reflect.Type) bool {
	if v, ok := h.types.Load(t); ok {
		return v.(bool)
	}
	b := h.mayCarry(t, map[reflect.Type]bool{})
	h.types.Store(t, b)
	return b
}

func (h *RedactingHandler) mayCarry(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if visiting[t] {
		return false
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch {
	case t.Kind() == reflect.Interface || implements(t, logValuerType):
		return true
	case leaf(t):
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return h.mayCarry(t.Elem(), visiting)
	case reflect.Map:
		return h.mayCarry(t.Key(), visiting) || h.mayCarry(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if _, ok := h.keys.match(f.Name); ok || h.mayCarry(f.Type, visiting) {
				return true
			}
		}
	}
	return false
}

// rebuild turns a composite value into a slog value made of its redacted
// parts: a struct or a map becomes a group, a list a []any of plain values.
func (w *walk) rebuild(rv reflect.Value, m mode) slog.Value {
	if m.depth > maxLogDepth {
		return slog.StringValue(redacted)
	}
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return slog.AnyValue(nil)
		}
		return w.part(rv.Elem(), m.deeper())
	case reflect.Struct:
		return slog.GroupValue(w.fields(rv, m)...)
	case reflect.Map:
		return slog.GroupValue(w.entries(rv, m)...)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return slog.AnyValue(nil)
		}
		n := rv.Len()
		out := make([]any, 0, min(n, maxLogItems)+1)
		for i := range min(n, maxLogItems) {
			out = append(out, plain(w.part(rv.Index(i), m.deeper())))
		}
		if n > maxLogItems {
			out = append(out, "… "+strconv.Itoa(n-maxLogItems)+" more")
		}
		return slog.AnyValue(out)
	}
	return w.part(rv, m.deeper())
}

// part redacts one part of a rebuilt value as a slog value in its own right.
func (w *walk) part(rv reflect.Value, m mode) slog.Value {
	if !rv.IsValid() || !rv.CanInterface() {
		return slog.StringValue(redacted)
	}
	return w.value(slog.AnyValue(rv.Interface()), m)
}

// fields returns a struct's exported fields as attributes, named as
// encoding/json names them, each redacted by its key and value.
func (w *walk) fields(rv reflect.Value, m mode) []slog.Attr {
	t := rv.Type()
	var out []slog.Attr
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == "-" {
			continue
		} else if tag != "" {
			name = tag
		}
		a := slog.Attr{Key: name, Value: slog.AnyValue(nil)}
		if fv := rv.Field(i); fv.CanInterface() {
			a.Value = slog.AnyValue(fv.Interface())
		}
		out = append(out, w.attr(a, m.deeper()))
	}
	return out
}

// entries returns a map's entries as attributes in key order, at most
// maxLogItems of them.
func (w *walk) entries(rv reflect.Value, m mode) []slog.Attr {
	type entry struct {
		key string
		val reflect.Value
	}
	var es []entry
	for it := rv.MapRange(); it.Next(); {
		k := it.Key()
		var key string
		switch {
		case k.Kind() == reflect.String:
			key = k.String()
		case k.CanInterface():
			key = truncateLog(fmt.Sprint(k.Interface())) // Customer and Channel keys print safely
		}
		es = append(es, entry{key, it.Value()})
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
	out := make([]slog.Attr, 0, min(len(es), maxLogItems)+1)
	for _, e := range es[:min(len(es), maxLogItems)] {
		if !e.val.CanInterface() {
			out = append(out, slog.String(e.key, redacted))
			continue
		}
		out = append(out, w.attr(slog.Any(e.key, e.val.Interface()), m.deeper()))
	}
	if len(es) > maxLogItems {
		out = append(out, slog.String("…", strconv.Itoa(len(es)-maxLogItems)+" more"))
	}
	return out
}

// plain turns a redacted slog value into a Go value that JSON and text
// handlers print: groups become maps.
func plain(v slog.Value) any {
	switch v.Kind() {
	case slog.KindGroup:
		m := make(map[string]any, len(v.Group()))
		for _, a := range v.Group() {
			m[a.Key] = plain(a.Value)
		}
		return m
	case slog.KindAny:
		if l, ok := v.Any().([]any); ok {
			return l
		}
	}
	return v.Any()
}
