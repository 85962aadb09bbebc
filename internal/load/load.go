// Package load reads configurations strictly from JSON or YAML into Go
// values, for every package's Parse functions.
//
// JSON and YAML are two spellings of one data model, JSON's: a YAML file is
// read exactly as the JSON document it denotes would be. Unknown keys,
// duplicate keys, values of the wrong type, numbers that do not fit, and
// fields whose JSON tag has neither omitempty nor omitzero (the required
// ones) left out are all errors, each a *strata.ConfigError naming its path
// ("ladders[0].tiers[2].folow_up") and its line and column in the file, and
// all of them are returned at once (up to MaxProblems). Types that read
// themselves (strata.Duration, strata.Date, decimal.Decimal, time.Time …)
// are given the JSON of their node, so JSON and YAML accept the same
// spellings.
//
// Input is bounded: at most MaxBytes of text, MaxNodes nodes once YAML
// aliases are expanded, and MaxDepth levels of nesting.
package load

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/strata-go/strata"
)

// Limits on what Decode reads.
const (
	MaxBytes    = 32 << 20 // 32 MiB of text
	MaxNodes    = 4 << 20  // nodes visited, aliases expanded
	MaxDepth    = 64       // nesting of objects and lists
	MaxProblems = 200      // problems reported before the rest are counted
)

// Decode reads data, JSON or YAML (JSON when its first non-blank character
// is '{' or '['), into dst, which must be a non-nil pointer. It returns every
// problem found, joined; dst may be partly filled when it fails.
func Decode(data []byte, dst any) (err error) {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("load: Decode needs a non-nil pointer, not %T", dst)
	}
	defer func() { // a parser bug must not take the host down
		if r := recover(); r != nil {
			err = &strata.ConfigError{Msg: fmt.Sprintf("unreadable document: %v", r)}
		}
	}()
	if len(data) > MaxBytes {
		return &strata.ConfigError{Msg: fmt.Sprintf("document of %d bytes exceeds the limit of %d", len(data), MaxBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return &strata.ConfigError{Msg: "empty document"}
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if err := checkJSON(data); err != nil {
			return err
		}
	}
	root, err := parseYAML(data)
	if err != nil {
		return err
	}
	d := &decoder{}
	if top := d.resolve(root); top == nil || isNull(top) {
		return &strata.ConfigError{Line: root.Line, Column: root.Column, Msg: "empty document"}
	}
	d.nodes = 0
	d.value(root, rv.Elem(), "", 0)
	return d.result()
}

// Is reports whether data looks like JSON rather than YAML.
func Is(data []byte) bool {
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// checkJSON reports a JSON syntax error at its line and column.
func checkJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		end := int(dec.InputOffset())
		if rest := bytes.TrimLeft(data[end:], " \t\r\n"); len(rest) > 0 {
			line, col := position(data, len(data)-len(rest))
			return &strata.ConfigError{Line: line, Column: col, Msg: "unexpected data after the JSON document"}
		}
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := position(data, int(se.Offset)-1)
		return &strata.ConfigError{Line: line, Column: col, Msg: "invalid JSON: " + se.Error()}
	}
	return &strata.ConfigError{Msg: "invalid JSON: " + err.Error()}
}

// position turns a byte offset into a 1-based line and column (in runes).
func position(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, len([]rune(string(before[start:]))) + 1
}

func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &strata.ConfigError{Line: extra.Line, Column: extra.Column, Msg: "more than one YAML document"}
	}
	return &root, nil
}

// yamlError turns "yaml: line 3: …" into a ConfigError at line 3.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, cerr := strconv.Atoi(rest[:i]); cerr == nil {
				line, msg = n, rest[i+2:]
			}
		}
	}
	return &strata.ConfigError{Line: line, Column: boolInt(line > 0), Msg: "invalid YAML: " + msg}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

type decoder struct {
	problems []error
	dropped  int
	nodes    int
	over     bool
}

func (d *decoder) result() error {
	if d.dropped > 0 {
		d.problems = append(d.problems, &strata.ConfigError{Msg: fmt.Sprintf("and %d more problems", d.dropped)})
	}
	return errors.Join(d.problems...)
}

func (d *decoder) bad(n *yaml.Node, path, format string, args ...any) {
	if len(d.problems) >= MaxProblems {
		d.dropped++
		return
	}
	d.problems = append(d.problems, &strata.ConfigError{Path: path, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// resolve follows documents and aliases, and counts the node against the
// budget. It returns nil when the budget is spent.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.DocumentNode || n.Kind == yaml.AliasNode {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode && n.Alias != nil:
			n = n.Alias
		default:
			return n
		}
	}
	d.nodes++
	if d.nodes > MaxNodes {
		if !d.over {
			d.over = true
			d.bad(n, "", "document too large: more than %d values once aliases are expanded", MaxNodes)
		}
		return nil
	}
	return n
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value decodes n into v (settable) at path.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n = d.resolve(n); n == nil {
		return
	}
	if depth > MaxDepth {
		d.bad(n, path, "nested more than %d levels deep", MaxDepth)
		return
	}
	if isNull(n) {
		v.SetZero()
		return
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() {
		if pt := v.Addr().Type(); pt.Implements(jsonUnmarshaler) {
			d.viaJSON(n, v.Addr().Interface().(json.Unmarshaler), path, depth)
			return
		} else if pt.Implements(textUnmarshaler) && n.Kind == yaml.ScalarNode {
			d.viaText(n, v.Addr().Interface().(encoding.TextUnmarshaler), path)
			return
		}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path, depth)
	case reflect.Struct:
		d.object(n, v, path, depth)
	case reflect.Map:
		d.mapping(n, v, path, depth)
	case reflect.Slice:
		d.list(n, v, path, depth)
	case reflect.Interface:
		if v.NumMethod() != 0 {
			d.bad(n, path, "cannot read into %v", v.Type())
			return
		}
		x, ok := d.anyValue(n, path, depth)
		if ok && x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.scalar(n, v, path)
	}
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func (d *decoder) viaJSON(n *yaml.Node, u json.Unmarshaler, path string, depth int) {
	x, ok := d.anyValue(n, path, depth)
	if !ok {
		return
	}
	b, err := json.Marshal(x)
	if err == nil {
		err = u.UnmarshalJSON(b)
	}
	if err != nil {
		d.bad(n, path, "%s", cleanMsg(err))
	}
}

func (d *decoder) viaText(n *yaml.Node, u encoding.TextUnmarshaler, path string) {
	if t := n.ShortTag(); t != "!!str" && t != "!!timestamp" {
		d.bad(n, path, "want a string, not %s", kindOf(n))
		return
	}
	if err := u.UnmarshalText([]byte(n.Value)); err != nil {
		d.bad(n, path, "%s", cleanMsg(err))
	}
}

// cleanMsg drops the package prefixes other libraries put on errors.
func cleanMsg(err error) string {
	msg := err.Error()
	for _, p := range []string{"strata: ", "json: ", "timezone: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "an object"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return "a string"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "null"
	}
	return "a " + strings.TrimPrefix(n.ShortTag(), "!!")
}

type fieldInfo struct {
	name     string
	index    []int
	required bool
}

type structInfo struct {
	fields []fieldInfo // in declaration order
	byName map[string]int
}

var structs sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structs.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	collectFields(t, nil, si)
	actual, _ := structs.LoadOrStore(t, si)
	return actual.(*structInfo)
}

func collectFields(t reflect.Type, index []int, si *structInfo) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(slices.Clone(index), i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collectFields(ft, idx, si)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		required := !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero")
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: name, index: idx, required: required})
	}
}

// Fields returns the JSON names of a struct type's fields, in declaration
// order, and which of them are required (tagged with neither omitempty nor
// omitzero). The schema generator uses it, so the schema and the loader
// agree on what is required.
func Fields(t reflect.Type) (names []string, required []bool, index [][]int) {
	si := infoOf(t)
	for _, f := range si.fields {
		names = append(names, f.name)
		required = append(required, f.required)
		index = append(index, f.index)
	}
	return names, required, index
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (d *decoder) object(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.bad(n, path, "want an object, not %s", kindOf(n))
		return
	}
	si := infoOf(v.Type())
	seen := make([]bool, len(si.fields))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k = d.resolve(k); k == nil {
			return
		}
		key := k.Value
		fi, ok := si.byName[key]
		switch {
		case k.Kind != yaml.ScalarNode:
			d.bad(k, path, "a key must be a string, not %s", kindOf(k))
			continue
		case !ok:
			d.bad(k, join(path, key), "unknown field%s", suggest(key, si))
			continue
		case seen[fi]:
			d.bad(k, join(path, key), "duplicate key")
			continue
		}
		seen[fi] = true
		f := si.fields[fi]
		fv := fieldByIndex(v, f.index)
		if rv := d.resolve(val); rv != nil && isNull(rv) && f.required && !nullable(fv.Kind()) {
			d.bad(rv, join(path, key), "required, and null is not a value")
			continue
		}
		d.value(val, fv, join(path, key), depth+1)
	}
	for i, f := range si.fields {
		if f.required && !seen[i] {
			d.bad(n, join(path, f.name), "required field missing")
		}
	}
}

// nullable reports whether JSON's null is an ordinary value of a kind: an
// empty list or object, no pointer, nothing.
func nullable(k reflect.Kind) bool {
	switch k {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	}
	return false
}

func fieldByIndex(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// suggest returns ` (did you mean "follow_up"?)` for a close known name.
func suggest(key string, si *structInfo) string {
	best, bestD := "", 3
	for _, f := range si.fields {
		if dd := distance(strings.ToLower(key), f.name, bestD); dd < bestD {
			best, bestD = f.name, dd
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance of a and b, or limit when it is at
// least limit (names are short; long keys give up early).
func distance(a, b string, limit int) int {
	if len(a) > 64 || len(b) > 64 {
		return limit
	}
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		d.bad(n, path, "want an object, not %s", kindOf(n))
		return
	}
	kt := v.Type().Key()
	if kt.Kind() != reflect.String {
		d.bad(n, path, "cannot read into %v", v.Type())
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMapWithSize(v.Type(), len(n.Content)/2))
	}
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := d.resolve(n.Content[i])
		if k == nil {
			return
		}
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.bad(k, path, "a key must be a string, not %s", kindOf(k))
			continue
		}
		p := join(path, k.Value)
		if seen[k.Value] {
			d.bad(k, p, "duplicate key")
			continue
		}
		seen[k.Value] = true
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(n.Content[i+1], elem, p, depth+1)
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(kt), elem)
	}
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path string, depth int) {
	if n.Kind != yaml.SequenceNode {
		d.bad(n, path, "want a list, not %s", kindOf(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1)
	}
	v.Set(s)
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.bad(n, path, "want %s, not %s", want(v.Kind()), kindOf(n))
		return
	}
	tag := n.ShortTag()
	switch v.Kind() {
	case reflect.String:
		if tag != "!!str" && tag != "!!timestamp" {
			d.bad(n, path, "want a string, not %s (quote it)", kindOf(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if tag != "!!bool" {
			d.bad(n, path, "want true or false, not %s", kindOf(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.bad(n, path, "want true or false")
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := d.integer(n, path)
		if ok && v.OverflowInt(i) {
			d.bad(n, path, "%s is out of range", n.Value)
		} else if ok {
			v.SetInt(i)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		d.unsigned(n, v, path)
	case reflect.Float32, reflect.Float64:
		f, ok := d.float(n, path)
		if ok && v.OverflowFloat(f) {
			d.bad(n, path, "%s is out of range", n.Value)
		} else if ok {
			v.SetFloat(f)
		}
	default:
		d.bad(n, path, "cannot read into %v", v.Type())
	}
}

func want(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

func (d *decoder) integer(n *yaml.Node, path string) (int64, bool) {
	if n.ShortTag() == "!!float" {
		d.bad(n, path, "want a whole number, not %s", n.Value)
		return 0, false
	}
	if n.ShortTag() != "!!int" {
		d.bad(n, path, "want a whole number, not %s", kindOf(n))
		return 0, false
	}
	var i int64
	if err := n.Decode(&i); err != nil {
		d.bad(n, path, "%s is out of range", n.Value)
		return 0, false
	}
	return i, true
}

func (d *decoder) unsigned(n *yaml.Node, v reflect.Value, path string) {
	if n.ShortTag() != "!!int" {
		d.bad(n, path, "want a whole number, not %s", kindOf(n))
		return
	}
	var u uint64
	if err := n.Decode(&u); err != nil || v.OverflowUint(u) {
		d.bad(n, path, "%s is out of range (want 0 or more)", n.Value)
		return
	}
	v.SetUint(u)
}

func (d *decoder) float(n *yaml.Node, path string) (float64, bool) {
	if t := n.ShortTag(); t != "!!int" && t != "!!float" {
		d.bad(n, path, "want a number, not %s", kindOf(n))
		return 0, false
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.bad(n, path, "%s is not a finite number", n.Value)
		return 0, false
	}
	return f, true
}

// anyValue turns n into the value encoding/json would give for its JSON:
// map[string]any, []any, string, bool, nil, or json.Number for numbers (so
// no digit is lost on the way to an UnmarshalJSON method).
func (d *decoder) anyValue(n *yaml.Node, path string, depth int) (any, bool) {
	if n = d.resolve(n); n == nil {
		return nil, false
	}
	if depth > MaxDepth {
		d.bad(n, path, "nested more than %d levels deep", MaxDepth)
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := d.resolve(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				d.bad(n, path, "a key must be a string")
				return nil, false
			}
			if _, dup := m[k.Value]; dup {
				d.bad(k, join(path, k.Value), "duplicate key")
				return nil, false
			}
			x, ok := d.anyValue(n.Content[i+1], join(path, k.Value), depth+1)
			if !ok {
				return nil, false
			}
			m[k.Value] = x
		}
		return m, true
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			x, ok := d.anyValue(item, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if !ok {
				return nil, false
			}
			out[i] = x
		}
		return out, true
	}
	return d.anyScalar(n, path)
}

func (d *decoder) anyScalar(n *yaml.Node, path string) (any, bool) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value, true
	case "!!null":
		return nil, true
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err == nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10)), true
		}
		if isJSONNumber(n.Value) { // too big for int64: keep every digit
			return json.Number(n.Value), true
		}
	case "!!float":
		if isJSONNumber(n.Value) {
			return json.Number(n.Value), true
		}
		var f float64
		if err := n.Decode(&f); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
		}
	}
	d.bad(n, path, "%q is not a JSON value", n.Value)
	return nil, false
}

func isJSONNumber(s string) bool {
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}
