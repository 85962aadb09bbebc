package load_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

type tier struct {
	Name     string            `json:"name"`
	When     string            `json:"when,omitempty"`
	FollowUp string            `json:"follow_up,omitempty"`
	MinDwell strata.Duration   `json:"min_dwell,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
}

type doc struct {
	Home   string          `json:"home"`
	Tiers  []tier          `json:"tiers"`
	Seed   uint64          `json:"seed,omitempty"`
	Weight int8            `json:"weight,omitempty"`
	Share  float64         `json:"share,omitempty"`
	On     bool            `json:"on,omitempty"`
	Limit  decimal.Decimal `json:"limit,omitzero"`
	Since  strata.Date     `json:"since,omitzero"`
	At     time.Time       `json:"at,omitzero"`
	Attrs  map[string]any  `json:"attrs,omitempty"`
	Nested *tier           `json:"nested,omitempty"`
}

func problems(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	var out []string
	for _, e := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.True(t, errors.As(e, &ce), "%T %v", e, e)
		out = append(out, ce.Error())
	}
	return out
}

func TestDecodeReadsJSONAndYAMLAlike(t *testing.T) {
	jsonDoc := `{"home":"CN","tiers":[{"name":"vip","when":"customer.orders > 3","min_dwell":"90d","meta":{"colour":"gold"}},{"name":"basic"}],
	"seed":18446744073709551615,"weight":-3,"share":0.25,"on":true,"limit":"123456789012345678901234.5","since":"2026-02-14",
	"at":"2026-03-01T08:00:00+08:00","attrs":{"n":1,"big":123456789012345678901,"list":[true,null,"x"]}}`
	yamlDoc := `
home: CN
tiers:
  - name: vip
    when: customer.orders > 3
    min_dwell: 90d
    meta: {colour: gold}
  - name: basic
seed: 18446744073709551615
weight: -3
share: 0.25
on: true
limit: "123456789012345678901234.5"
since: "2026-02-14"
at: 2026-03-01T08:00:00+08:00
attrs:
  n: 1
  big: 123456789012345678901
  list: [true, null, x]
`
	var a, b doc
	require.NoError(t, load.Decode([]byte(jsonDoc), &a))
	require.NoError(t, load.Decode([]byte(yamlDoc), &b))
	assert.Equal(t, "CN", a.Home)
	assert.Equal(t, strata.Duration(90*24*time.Hour), a.Tiers[0].MinDwell)
	assert.Equal(t, uint64(math.MaxUint64), a.Seed)
	assert.Equal(t, "123456789012345678901234.5", a.Limit.String())
	assert.Equal(t, strata.Date{Year: 2026, Month: 2, Day: 14}, a.Since)
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	assert.JSONEq(t, string(aj), string(bj))
	assert.True(t, a.At.Equal(b.At))
}

func TestDecodeReportsEveryProblemWithPathAndPosition(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
	}{
		{"misspelt key, JSON", `{"home":"CN","tiers":[{"name":"vip","folow_up":"weekly"}]}`,
			[]string{`1:37: tiers[0].folow_up: unknown field (did you mean "follow_up"?)`}},
		{"misspelt key, YAML", "home: CN\ntiers:\n  - name: vip\n    folow_up: weekly\n",
			[]string{`4:5: tiers[0].folow_up: unknown field (did you mean "follow_up"?)`}},
		{"wrong types and a missing field", "tiers:\n  - name: 12\n    min_dwell: soon\nweight: 300\non: yes\nshare: x\n",
			[]string{
				`2:11: tiers[0].name: want a string, not a number (quote it)`,
				`3:16: tiers[0].min_dwell: duration "soon": want whole days ("90d") or Go syntax ("36h")`,
				`4:9: weight: 300 is out of range`,
				`5:5: on: want true or false, not a string`,
				`6:8: share: want a number, not a string`,
				`1:1: home: required field missing`,
			}},
		{"null for a required field", `{"home": null, "tiers": []}`, []string{`1:10: home: required, and null is not a value`}},
		{"duplicate keys", "home: CN\nhome: DE\ntiers: []\n", []string{`2:1: home: duplicate key`}},
		{"wrong shape", `{"home":"CN","tiers":{"name":"vip"}}`, []string{`1:22: tiers: want a list, not an object`}},
		{"negative into unsigned", `{"home":"CN","tiers":[],"seed":-1}`, []string{`1:32: seed: -1 is out of range (want 0 or more)`}},
		{"bad date", `{"home":"CN","tiers":[],"since":"2026-02-30"}`, []string{`1:33: since: date "2026-02-30": want YYYY-MM-DD`}},
		{"JSON syntax", "{\"home\":\"CN\",\n\"tiers\":[}", []string{`2:10: invalid JSON: invalid character '}' looking for beginning of value`}},
		{"trailing JSON", `{"home":"CN","tiers":[]} {}`, []string{`1:26: unexpected data after the JSON document`}},
		{"YAML syntax", "home: CN\n tiers: [\n", []string{`2:1: invalid YAML: mapping values are not allowed in this context`}},
		{"two documents", "home: CN\ntiers: []\n---\nhome: DE\n", []string{`3:1: more than one YAML document`}},
		{"empty", "  \n", []string{`empty document`}},
		{"scalar root", `"CN"`, []string{`1:1: want an object, not a string`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d doc
			got := problems(t, load.Decode([]byte(tc.in), &d))
			if tc.name == "YAML syntax" {
				require.Len(t, got, 1)
				assert.Contains(t, got[0], "invalid YAML")
				return
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDecodeBoundsHostileInput(t *testing.T) {
	t.Run("alias bomb", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 1; i < 12; i++ {
			b.WriteString("a" + string(rune('0'+i%10)) + string(rune('a'+i)) + ": &a" + string(rune('a'+i)) + " [")
			prev := "a0"
			if i > 1 {
				prev = "a" + string(rune('a'+i-1))
			}
			for j := range 10 {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("*" + prev)
			}
			b.WriteString("]\n")
		}
		var m map[string]any
		err := load.Decode([]byte(b.String()), &m)
		require.Error(t, err)
	})
	t.Run("deep nesting", func(t *testing.T) {
		var m map[string]any
		err := load.Decode([]byte(strings.Repeat("[", 500)+strings.Repeat("]", 500)), &m)
		require.Error(t, err)
	})
	t.Run("many problems are capped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("home: CN\ntiers:\n")
		for range 1000 {
			b.WriteString("  - {name: 1}\n")
		}
		var d doc
		got := problems(t, load.Decode([]byte(b.String()), &d))
		assert.Len(t, got, load.MaxProblems+1)
		assert.Equal(t, "and 800 more problems", got[len(got)-1])
	})
	t.Run("nil and non-pointer targets", func(t *testing.T) {
		require.Error(t, load.Decode([]byte(`{}`), nil))
		require.Error(t, load.Decode([]byte(`{}`), doc{}))
		var p *doc
		require.Error(t, load.Decode([]byte(`{}`), p))
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"home":"CN","tiers":[{"name":"vip"}]}`, "home: CN\ntiers:\n  - name: vip\n", "a: &x [1]\nb: *x\n",
		`{"attrs":{"x":[1,2,{"y":null}]}}`, "since: 2026-01-01\n", "limit: 1e400\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d doc
		err := load.Decode(data, &d)
		for _, p := range strata.Problems(err) {
			var ce *strata.ConfigError
			if !errors.As(p, &ce) {
				t.Fatalf("problem %T is not a ConfigError: %v", p, p)
			}
		}
		if err == nil {
			// What loaded marshals to JSON that loads to the same value.
			b, merr := json.Marshal(d)
			require.NoError(t, merr)
			var again doc
			require.NoError(t, load.Decode(b, &again), "%s", b)
			b2, _ := json.Marshal(again)
			require.JSONEq(t, string(b), string(b2))
		}
	})
}
