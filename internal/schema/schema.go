// Package schema writes JSON Schema (2020-12) documents for Strata's
// configuration types, from the Go types themselves, and checks documents
// against them in tests.
//
// The schema and the loader (internal/load) agree by construction: both read
// the same JSON tags, and a field whose tag has neither omitempty nor
// omitzero is required in both. Descriptions come from the Go doc comments;
// enumerations from the constants declared with the type.
package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/strata-go/strata/internal/load"
)

// Draft is the JSON Schema dialect written.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Docs holds what the Go source says about types: a description per type
// ("tiering.Config") and per field ("tiering.Config.Home"), and the declared
// values of enumerated string types ("tiering.Cadence").
type Docs struct {
	Text  map[string]string
	Enums map[string][]string
}

// Generator builds schemas. Special maps types that encode themselves
// (strata.Duration, time.Time …) to the schema of their encoding.
type Generator struct {
	Docs    Docs
	Special map[reflect.Type]map[string]any
	defs    map[string]any
}

// Schema returns the schema document of root, with every struct type it
// reaches under $defs.
func (g *Generator) Schema(root reflect.Type, title string) ([]byte, error) {
	g.defs = map[string]any{}
	ref, err := g.of(root)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{
		"$schema": Draft,
		"title":   title,
		"$ref":    ref["$ref"],
		"$defs":   g.defs,
	}
	if d := g.Docs.Text[name(root)]; d != "" {
		doc["description"] = d
	}
	return json.MarshalIndent(doc, "", "  ")
}

func name(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		pkg = pkg[i+1:]
	}
	if pkg == "" {
		return t.Name()
	}
	return pkg + "." + t.Name()
}

func (g *Generator) of(t reflect.Type) (map[string]any, error) {
	if s, ok := g.Special[t]; ok {
		return s, nil
	}
	if t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		reflect.PointerTo(t).Implements(reflect.TypeFor[interface{ UnmarshalText([]byte) error }]())) {
		return nil, fmt.Errorf("schema: %v reads itself from JSON: give it a Special schema", t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner, err := g.of(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}, nil
	case reflect.Struct:
		return g.object(t)
	case reflect.Slice, reflect.Array:
		items, err := g.of(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": []any{"array", "null"}, "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("schema: map key %v is not a string", t.Key())
		}
		vals, err := g.of(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": vals}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.String:
		s := map[string]any{"type": "string"}
		if vals := g.Docs.Enums[name(t)]; len(vals) > 0 && t.Name() != "string" {
			s["enum"] = vals
		}
		return s, nil
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		s := map[string]any{"type": "integer"}
		if bits < 64 {
			s["minimum"] = -(int64(1) << (bits - 1))
			s["maximum"] = int64(1)<<(bits-1) - 1
		}
		return s, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := map[string]any{"type": "integer", "minimum": 0}
		if t.Bits() < 64 {
			s["maximum"] = uint64(1)<<t.Bits() - 1
		} else {
			s["maximum"] = uint64(math.MaxUint64)
		}
		return s, nil
	}
	return nil, fmt.Errorf("schema: cannot describe %v", t)
}

func (g *Generator) object(t reflect.Type) (map[string]any, error) {
	n := name(t)
	ref := map[string]any{"$ref": "#/$defs/" + n}
	if _, done := g.defs[n]; done {
		return ref, nil
	}
	def := map[string]any{"type": "object", "additionalProperties": false}
	g.defs[n] = def // placeholder for recursive types
	props := map[string]any{}
	var required []string
	names, req, index := load.Fields(t)
	for i, fname := range names {
		f := t.FieldByIndex(index[i])
		fs, err := g.of(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", n, f.Name, err)
		}
		owner := name(fieldOwner(t, index[i]))
		if d := g.Docs.Text[owner+"."+f.Name]; d != "" {
			fs = withDescription(fs, d)
		}
		props[fname] = fs
		if req[i] {
			required = append(required, fname)
		}
	}
	def["properties"] = props
	if len(required) > 0 {
		def["required"] = required
	}
	if d := g.Docs.Text[n]; d != "" {
		def["description"] = d
	}
	return ref, nil
}

// fieldOwner returns the struct type that declares the field at index
// (an embedded struct's, for promoted fields).
func fieldOwner(t reflect.Type, index []int) reflect.Type {
	for _, x := range index[:len(index)-1] {
		t = t.Field(x).Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	return t
}

// withDescription returns s with a description; a $ref sibling keeps the
// reference (2020-12 allows keywords beside $ref).
func withDescription(s map[string]any, d string) map[string]any {
	out := make(map[string]any, len(s)+1)
	for k, v := range s {
		out[k] = v
	}
	out["description"] = d
	return out
}

// Validate checks the JSON document doc against schema and returns every
// problem, each naming its path. It understands what Generator writes:
// $ref into $defs, type, properties, required, additionalProperties, items,
// enum, pattern, minimum, maximum, anyOf and the date and date-time formats.
func Validate(schemaJSON, doc []byte) []string {
	var root map[string]any
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return []string{"schema: " + err.Error()}
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return []string{"document: " + err.Error()}
	}
	c := checker{root: root}
	c.check(root, v, "")
	slices.Sort(c.errs)
	return c.errs
}
