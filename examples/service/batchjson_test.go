package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/routing"
)

// encodingJSON is what writeJSON writes for v: json.Encoder, HTML
// escaping on, a newline after.
func encodingJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// sameAsEncoding fails t unless appendBatch writes what encoding/json does
// for out, and fails where it fails.
func sameAsEncoding(t *testing.T, out *batchOut) {
	t.Helper()
	want, werr := encodingJSON(out)
	got, gerr := appendBatch([]byte("prefix kept:"), out)
	if werr != nil {
		require.Error(t, gerr, "encoding/json failed (%v), appendBatch did not", werr)
		return
	}
	require.NoError(t, gerr)
	got, ok := bytes.CutPrefix(got, []byte("prefix kept:"))
	require.True(t, ok, "appendBatch lost what dst held")
	if !bytes.Equal(got, want) {
		t.Fatalf("appendBatch:\n%s\nencoding/json:\n%s", got, want)
	}
}

// hostile are strings every escaping rule of encoding/json applies to.
var hostile = []string{"", "plain", "Zoë → 张伟", "<script>&amp;</script>", `quote " back \ slash`, "\b\f\n\r\t\x00\x01\x1f\x7f",
	"\xff\xfe bad \xc3", "line\u2028para\u2029", "\U0001F600 emoji", "trunc \xe2\x82", "ok\u00a0nbsp"}

// times are time stamps of every shape: zero, UTC, offsets, named zones,
// nanoseconds, and years RFC 3339 cannot write (encoding/json fails).
func times() []time.Time {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	base := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	return []time.Time{{}, base, base.Add(123456789), base.Add(1000), base.In(sh), base.In(time.FixedZone("", -(3*3600 + 30*60))),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), base.In(time.FixedZone("far", 25*3600))}
}

func pickOf[T any](r *rand.Rand, v []T) T { return v[r.IntN(len(v))] }

// randomBatch builds a batch of n results of every kind by r.
func randomBatch(r *rand.Rand, n int, ts []time.Time) *batchOut {
	out := &batchOut{Results: make([]batchResult, n)}
	ints := []int{0, 1, -1, 3, 1 << 40, -1 << 62}
	s := func() string { return pickOf(r, hostile) }
	for i := range out.Results {
		res := &out.Results[i]
		res.Status = pickOf(r, []int{200, 422, 503, 0})
		if r.IntN(3) == 0 {
			res.Error = &errorOut{Error: s(), More: pickOf(r, ints)}
			for range r.IntN(3) {
				res.Error.Problems = append(res.Error.Problems, s())
			}
		}
		if r.IntN(4) == 0 {
			continue
		}
		d := &decisionOut{Why: s()}
		d.Outcome, d.Item, d.Agent, d.Pool, d.Rule = routing.Outcome(s()), s(), s(), s(), s()
		d.Step, d.Sticky, d.Replayed = pickOf(r, ints), r.IntN(2) == 0, r.IntN(2) == 0
		d.RetryAt, d.At, d.Reason = pickOf(r, ts), pickOf(r, ts), s()
		d.Unexamined, d.Queue = pickOf(r, ints), pickOf(r, ints)
		for range r.IntN(3) {
			d.Pools = append(d.Pools, routing.PoolResult{Pool: s(), Step: pickOf(r, ints), Reason: s()})
		}
		if r.IntN(4) == 0 {
			d.Pools = []routing.PoolResult{} // empty, not nil: omitted all the same
		}
		for range r.IntN(3) {
			d.Trace = append(d.Trace, routing.Consideration{Agent: s(), Pool: s(), Step: pickOf(r, ints), Reason: routing.Reason(s()), Detail: s()})
		}
		res.Decision = d
	}
	return out
}

// TestBatchJSONMatchesEncoding: appendBatch writes, byte for byte, what
// encoding/json writes for batches of every shape, hostile strings and
// time stamps included, and fails exactly where encoding/json fails.
func TestBatchJSONMatchesEncoding(t *testing.T) {
	sameAsEncoding(t, &batchOut{})
	sameAsEncoding(t, &batchOut{Results: []batchResult{}})
	ts := times()
	good := ts[:7] // years RFC 3339 can write
	r := rand.New(rand.NewPCG(17, 2026))
	failures := 0
	for i := range 3000 {
		pool := good
		if i%10 == 0 {
			pool = ts
		}
		out := randomBatch(r, r.IntN(5), pool)
		if _, err := encodingJSON(out); err != nil {
			failures++
		}
		sameAsEncoding(t, out)
	}
	assert.Positive(t, failures, "no batch reached an encoding failure")
}

// FuzzBatchJSONMatchesEncoding is the differential test over any strings,
// numbers and time stamps.
func FuzzBatchJSONMatchesEncoding(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, "pool", 1, int64(1795420800123456789), 8*3600, true)
	}
	f.Add("", "", 0, int64(0), 0, false)
	f.Fuzz(func(t *testing.T, a, b string, n int, unixNano int64, offset int, flag bool) {
		at := time.Unix(0, unixNano).In(time.FixedZone(b, offset))
		d := &decisionOut{Why: a}
		d.Outcome, d.Item, d.Agent, d.Reason, d.Step, d.Sticky, d.At, d.Queue = routing.Outcome(a), b, a, b, n, flag, at, n
		d.Trace = []routing.Consideration{{Agent: a, Pool: b, Step: n, Reason: routing.Reason(b), Detail: a}}
		d.Pools = []routing.PoolResult{{Pool: b, Step: -n, Reason: a}}
		if flag {
			d.RetryAt = at.Add(time.Duration(n))
		}
		sameAsEncoding(t, &batchOut{Results: []batchResult{
			{Status: n, Decision: d}, {Status: 422, Error: &errorOut{Error: a, Problems: []string{b, a}, More: n}},
		}})
	})
}

// jsonFields lists t's JSON fields as encoding/json sees them, embedded
// structs flattened: "name,options".
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		if f.Anonymous && f.Tag.Get("json") == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		out = append(out, f.Tag.Get("json"))
	}
	return out
}

// TestBatchJSONFields: the types appendBatch writes have the fields it
// knows. When this fails, a field was added, removed or retagged: teach
// appendBatch (batchjson.go) the change, then update this list.
func TestBatchJSONFields(t *testing.T) {
	for typ, want := range map[reflect.Type]string{
		reflect.TypeFor[batchOut]():    "results",
		reflect.TypeFor[batchResult](): "status decision,omitempty error,omitempty",
		reflect.TypeFor[decisionOut](): "outcome item agent,omitempty pool,omitempty rule,omitempty step sticky,omitempty " +
			"replayed,omitempty retry_at,omitzero reason pools,omitempty trace,omitempty unexamined,omitempty at queue,omitempty why,omitempty",
		reflect.TypeFor[routing.PoolResult]():    "pool step reason",
		reflect.TypeFor[routing.Consideration](): "agent pool step reason detail,omitempty",
		reflect.TypeFor[errorOut]():              "error problems,omitempty more,omitempty",
	} {
		assert.Equal(t, want, strings.Join(jsonFields(typ), " "), typ.String())
	}
	// Types encoding/json would encode through a method of their own.
	for _, typ := range []reflect.Type{reflect.TypeFor[routing.Outcome](), reflect.TypeFor[routing.Reason](),
		reflect.TypeFor[routing.Decision](), reflect.TypeFor[routing.PoolResult](), reflect.TypeFor[routing.Consideration]()} {
		for _, m := range []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[interface{ MarshalText() ([]byte, error) }]()} {
			assert.False(t, typ.Implements(m) || reflect.PointerTo(typ).Implements(m), "%s implements %s", typ, m)
		}
	}
}
