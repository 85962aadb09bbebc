package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
)

var update = flag.Bool("update", false, "rewrite openapi.json")

// The bodies the document describes, by the schema names it uses: request
// bodies first (fields optional: the server fills defaults), then
// responses (a field without omitempty or omitzero is always present).
var (
	requestTypes = []reflect.Type{
		reflect.TypeFor[routing.Request](), reflect.TypeFor[batchIn](), reflect.TypeFor[releaseIn](),
		reflect.TypeFor[reassignIn](), reflect.TypeFor[strata.Customer](), reflect.TypeFor[strata.Rates](),
	}
	responseTypes = []reflect.Type{
		reflect.TypeFor[decisionOut](), reflect.TypeFor[batchOut](), reflect.TypeFor[routing.Assignment](),
		reflect.TypeFor[placementOut](), reflect.TypeFor[configOut](), reflect.TypeFor[errorOut](),
	}
	// librarySchemas are the library's generated configuration schemas,
	// embedded whole.
	librarySchemas = []string{"routing/config.schema.json", "tiering/config.schema.json"}
)

// buildOpenAPI builds openapi.json: the paths of api/openapi.base.json,
// the schemas of the Go types above, and the library's configuration
// schemas, whose $defs become components (routing.Config, tiering.Config …)
// so the document and the library never disagree on a configuration.
func buildOpenAPI() ([]byte, error) {
	base, err := os.ReadFile("api/openapi.base.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, err
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	g := schemaGen{defs: schemas}
	for _, t := range requestTypes {
		g.schema(t)
	}
	g.required = true
	for _, t := range responseTypes {
		g.schema(t)
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/strata-go/strata").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	for _, f := range librarySchemas {
		b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), f))
		if err != nil {
			return nil, err
		}
		b = bytes.ReplaceAll(b, []byte(`"#/$defs/`), []byte(`"#/components/schemas/`))
		var s struct {
			Defs map[string]any `json:"$defs"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for name, def := range s.Defs {
			if old, ok := schemas[name]; ok && !reflect.DeepEqual(old, def) {
				return nil, fmt.Errorf("%s: %s differs from another schema's", f, name)
			}
			schemas[name] = def
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), err
}

// schemaGen writes JSON Schemas of Go types as encoding/json sees them.
type schemaGen struct {
	defs     map[string]any
	required bool
}

func schemaName(t reflect.Type) string {
	pkg := t.PkgPath()
	if pkg == "main" || strings.HasSuffix(pkg, "/examples/service") {
		return "service." + t.Name()
	}
	return pkg[strings.LastIndexByte(pkg, '/')+1:] + "." + t.Name()
}

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[time.Time]():
		return map[string]any{"type": "string", "format": "date-time"}
	case reflect.TypeFor[decimal.Decimal]():
		return map[string]any{"type": []string{"string", "number"}, "pattern": `^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`}
	case reflect.TypeFor[strata.Date]():
		return map[string]any{"type": "string", "format": "date"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": []string{"array", "null"}, "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": []string{"object", "null"}, "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = true // placeholder against recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic("schema: unsupported type " + t.String())
}

// object is a struct's schema, embedded structs' fields included.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if g.required && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		slices.Sort(required)
		s["required"] = required
	}
	return s
}

// TestOpenAPIIsCurrent: openapi.json is what buildOpenAPI makes from the
// current types and library schemas (-update rewrites it).
func TestOpenAPIIsCurrent(t *testing.T) {
	want, err := buildOpenAPI()
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile("openapi.json", want, 0o644))
		return
	}
	assert.Equal(t, string(want), string(openapiJSON), "openapi.json is stale: go generate (or go test -run TestOpenAPIIsCurrent -update)")
}

// apiDoc is the compiled document the tests check exchanges against.
type apiDoc struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	cache    map[string]*jsonschema.Schema
	seen     map[string]bool // "METHOD /path status"
}

const docURL = "https://strata.invalid/openapi.json"

var (
	apiOnce sync.Once
	api     *apiDoc
	apiErr  error
)

func loadAPI(t testing.TB) *apiDoc {
	apiOnce.Do(func() {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(openapiJSON))
		if err != nil {
			apiErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if apiErr = c.AddResource(docURL, inst); apiErr != nil {
			return
		}
		api = &apiDoc{compiler: c, cache: map[string]*jsonschema.Schema{}, seen: map[string]bool{}}
		apiErr = json.Unmarshal(openapiJSON, &api.doc)
	})
	require.NoError(t, apiErr)
	return api
}

// compile returns the schema at a JSON pointer of the document.
func (a *apiDoc) compile(ptr string) (*jsonschema.Schema, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.cache[ptr]; ok {
		return s, nil
	}
	s, err := a.compiler.Compile(docURL + "#" + ptr)
	if err == nil {
		a.cache[ptr] = s
	}
	return s, err
}

// operation finds the document's path template for path and method.
func (a *apiDoc) operation(method, path string) (template string, op map[string]any) {
	segs := strings.Split(path, "/")
	for tmpl, item := range a.doc["paths"].(map[string]any) {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		match := true
		for i := range ts {
			match = match && (ts[i] == segs[i] || strings.HasPrefix(ts[i], "{"))
		}
		if o, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any); ok && match {
			return tmpl, o
		}
	}
	return "", nil
}

func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// check validates one exchange: a request the server accepted (2xx) must
// match the request schema, a request the schema refuses must be answered
// 4xx, and every response must match the schema of its status.
func (a *apiDoc) check(method, path, reqCT string, reqBody []byte, status int, respCT string, respBody []byte) error {
	tmpl, op := a.operation(method, path)
	if op == nil {
		return fmt.Errorf("%s %s is not in openapi.json", method, path)
	}
	a.mu.Lock()
	a.seen[fmt.Sprintf("%s %s %d", method, tmpl, status)] = true
	a.mu.Unlock()
	opPtr := "/paths/" + escape(tmpl) + "/" + strings.ToLower(method)
	if _, ok := op["requestBody"]; ok && json.Valid(reqBody) { // YAML configurations are not checked
		err := a.validate(opPtr+"/requestBody/content/application~1json/schema", reqBody)
		if status < 300 && err != nil {
			return fmt.Errorf("%s %s: the server accepted a request the document refuses: %w", method, path, err)
		}
		if err != nil && status < 400 {
			return fmt.Errorf("%s %s: a request the document refuses was answered %d", method, path, status)
		}
	}
	resp, ok := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	if !ok {
		return fmt.Errorf("%s %s: status %d is not documented", method, tmpl, status)
	}
	ptr := opPtr + "/responses/" + fmt.Sprint(status)
	if ref, ok := resp["$ref"].(string); ok {
		ptr = strings.TrimPrefix(ref, "#")
	}
	if strings.HasPrefix(respCT, "application/json") {
		if err := a.validate(ptr+"/content/application~1json/schema", respBody); err != nil {
			return fmt.Errorf("%s %s %d: the response does not match the document: %w\n%s", method, path, status, err, respBody)
		}
	}
	return nil
}

func (a *apiDoc) validate(ptr string, body []byte) error {
	s, err := a.compile(ptr)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// validating wraps h so that every exchange is checked against the
// document; a mismatch fails t.
func validating(t testing.TB, h http.Handler) http.Handler {
	a := loadAPI(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if err := a.check(r.Method, r.URL.Path, r.Header.Get("Content-Type"), reqBody, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()); err != nil {
			t.Error(err)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// TestOpenAPIEveryOperation sends at least one request to every operation
// and checks each exchange against the document, and that the document has
// every route the server serves.
func TestOpenAPIEveryOperation(t *testing.T) {
	ts := newTestServer(t)
	lead := `{"customer": {"id": "de-9", "country": "DE", "subdivision": "DE-BY", "languages": ["de"], "revenue": {"amount": "100", "currency": "EUR"}}, "lead": {"id": "L-oa", "value": {"amount": "5", "currency": "USD"}}, "now": "2026-11-23T08:00:00Z"}`
	var d decision
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route", lead, &d))
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/route/batch", `{"requests": [`+lead+`, {"customer": {"id": "x", "country": "XX"}}]}`, nil))
	other := map[string]string{"be-weber": "be-kraus", "be-kraus": "be-weber"}[d.Agent]
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/reassign", `{"item": "L-oa", "to": "`+other+`", "reason": "r"}`, nil))
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/release", `{"item": "L-oa"}`, nil))
	require.Equal(t, http.StatusOK, call(t, ts, "POST", "/v1/classify", `{"id": "c", "country": "CN", "orders": 3}`, nil))
	for _, kind := range kinds {
		var cfg json.RawMessage
		require.Equal(t, http.StatusOK, call(t, ts, "GET", "/v1/config/"+kind, "", &cfg))
		require.Equal(t, http.StatusOK, admin(t, ts, "PUT", "/v1/config/"+kind, string(cfg), nil), "a configuration read back is accepted")
	}
	for _, path := range []string{"/healthz", "/readyz", "/openapi.json", "/metrics"} {
		req, err := http.NewRequestWithContext(t.Context(), "GET", ts.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+routeToken)
		resp, err := ts.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, path)
	}
	a := loadAPI(t)
	for path, item := range a.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			found := false
			for k := range a.seen {
				found = found || strings.HasPrefix(k, strings.ToUpper(method)+" "+path+" 2")
			}
			assert.True(t, found, "%s %s was never answered 2xx in the tests", method, path)
		}
	}
}

// TestCustomerSchemaComplete: a customer with every field set passes the
// document's schema, so a field added to strata.Customer cannot be missed
// (the schema refuses unknown properties).
func TestCustomerSchemaComplete(t *testing.T) {
	for _, typ := range append(slices.Clone(requestTypes), responseTypes...) {
		v := reflect.New(typ).Elem()
		fill(v, 0)
		b, err := json.Marshal(v.Interface())
		require.NoError(t, err)
		assert.NoError(t, loadAPI(t).validate("/components/schemas/"+schemaName(typ), b), "%s: %s", typ, b)
	}
}

// fill sets every field of v to a non-zero value.
func fill(v reflect.Value, depth int) {
	if depth > 6 || !v.CanSet() {
		return
	}
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
		return
	case reflect.TypeFor[decimal.Decimal]():
		v.Set(reflect.ValueOf(decimal.RequireFromString("12.5")))
		return
	case reflect.TypeFor[strata.Date]():
		v.Set(reflect.ValueOf(strata.Date{Year: 2026, Month: 1, Day: 2}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		if e.Kind() == reflect.Interface {
			e.Set(reflect.ValueOf("x"))
		} else {
			fill(e, depth+1)
		}
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), depth+1)
		}
	}
}
