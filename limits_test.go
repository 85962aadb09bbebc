package strata_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// TestValidateRefusesInvalidUTF8 puts a byte sequence that is not UTF-8 in
// every string of a record, one at a time: each must be refused at its path,
// and the error must not quote the bytes.
func TestValidateRefusesInvalidUTF8(t *testing.T) {
	const bad = "ok\xff\xfe"
	tests := []struct {
		path   string
		mutate func(*strata.Customer)
	}{
		{"id", func(c *strata.Customer) { c.ID = bad }},
		{"name", func(c *strata.Customer) { c.Name = bad }},
		{"kind", func(c *strata.Customer) { c.Kind = bad }},
		{"country", func(c *strata.Customer) { c.Country = bad }},
		{"subdivision", func(c *strata.Customer) { c.Subdivision = bad }},
		{"city", func(c *strata.Customer) { c.City = bad }},
		{"industry", func(c *strata.Customer) { c.Industry = bad }},
		{"languages[1]", func(c *strata.Customer) { c.Languages[1] = bad }},
		{"time_zone", func(c *strata.Customer) { c.TimeZone = bad }},
		{"channels[2].kind", func(c *strata.Customer) { c.Channels[2].Kind = bad }},
		{"channels[2].value", func(c *strata.Customer) { c.Channels[2].Value = bad }},
		{"source", func(c *strata.Customer) { c.Source = bad }},
		{"products[0]", func(c *strata.Customer) { c.Products[0] = bad }},
		{"revenue.currency", func(c *strata.Customer) { c.Revenue.Currency = bad }},
		{"scores.grade", func(c *strata.Customer) { c.Scores.Grade = bad }},
		{"tier", func(c *strata.Customer) { c.Tier = bad }},
		{"segments[0]", func(c *strata.Customer) { c.Segments[0] = bad }},
		{"tags[1]", func(c *strata.Customer) { c.Tags[1] = bad }},
		{"owner", func(c *strata.Customer) { c.Owner = bad }},
		{"attrs", func(c *strata.Customer) { c.Attrs[bad] = 1.0 }},
		{"attrs.note", func(c *strata.Customer) { c.Attrs["note"] = bad }},
		{"attrs.deep[0].x", func(c *strata.Customer) { c.Attrs["deep"] = []any{map[string]any{"x": bad}} }},
		{"attrs.list[1]", func(c *strata.Customer) { c.Attrs["list"] = []string{"a", bad} }},
		{"consents[0].purpose", func(c *strata.Customer) { c.Consents[0].Purpose = bad }},
		{"consents[0].basis", func(c *strata.Customer) { c.Consents[0].Basis = bad }},
		{"consents[0].state", func(c *strata.Customer) { c.Consents[0].State = bad }},
		{"consents[0].source", func(c *strata.Customer) { c.Consents[0].Source = bad }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := fresh()
			tt.mutate(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.Contains(t, paths(err), tt.path)
			assert.Contains(t, err.Error(), tt.path+": not valid UTF-8")
			assert.NotContains(t, err.Error(), "\xff", "the bytes are not quoted")
		})
	}
}

// fresh is good() with its own copies of every list and map, and a consent.
func fresh() strata.Customer {
	c := good()
	c.Languages = append([]string(nil), c.Languages...)
	c.Channels = append([]strata.Channel(nil), c.Channels...)
	c.Products = append([]string(nil), c.Products...)
	c.Segments = append([]string(nil), c.Segments...)
	c.Tags = append([]string(nil), c.Tags...)
	c.Attrs = map[string]any{"credit_days": 60.0}
	c.Consents = []strata.Consent{{Purpose: "marketing_email", Basis: "consent", State: strata.ConsentGranted, At: t0, Source: "web form"}}
	return c
}

func paths(err error) []string {
	var out []string
	for _, e := range strata.Problems(err) {
		if fe, ok := e.(*strata.FieldError); ok {
			out = append(out, fe.Path)
		}
	}
	return out
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("n%d", i)
	}
	return out
}

func nested(depth int) any {
	var v any = 1.0
	for range depth {
		v = []any{v}
	}
	return v
}

// TestValidateEnforcesLimits: every list, string and custom field has a
// declared limit, Validate refuses a record one past it and accepts one at
// it, and ValidateWithin accepts the larger record under raised limits.
func TestValidateEnforcesLimits(t *testing.T) {
	d := strata.DefaultLimits()
	long := strings.Repeat("x", d.StringBytes+1)
	tests := []struct {
		path   string
		over   func(*strata.Customer)
		at     func(*strata.Customer)
		raised strata.Limits
	}{
		{"tags", func(c *strata.Customer) { c.Tags = names(d.Tags + 1) }, func(c *strata.Customer) { c.Tags = names(d.Tags) }, strata.Limits{Tags: d.Tags + 1}},
		{"segments", func(c *strata.Customer) { c.Segments = names(d.Segments + 1) }, func(c *strata.Customer) { c.Segments = names(d.Segments) }, strata.Limits{Segments: 1000}},
		{"products", func(c *strata.Customer) { c.Products = names(d.Products + 1) }, func(c *strata.Customer) { c.Products = names(d.Products) }, strata.Limits{Products: 1000}},
		{"languages", func(c *strata.Customer) { c.Languages = repeat("en", d.Languages+1) }, func(c *strata.Customer) { c.Languages = repeat("en", d.Languages) }, strata.Limits{Languages: 100}},
		{"channels", func(c *strata.Customer) { c.Channels = channels(d.Channels + 1) }, func(c *strata.Customer) { c.Channels = channels(d.Channels) }, strata.Limits{Channels: 100}},
		{"consents", func(c *strata.Customer) { c.Consents = consents(d.Consents + 1) }, func(c *strata.Customer) { c.Consents = consents(d.Consents) }, strata.Limits{Consents: 100}},
		{"attrs", func(c *strata.Customer) { c.Attrs = attrs(d.AttrEntries + 1) }, func(c *strata.Customer) { c.Attrs = attrs(d.AttrEntries) }, strata.Limits{AttrEntries: 100}},
		{"attrs.list", func(c *strata.Customer) { c.Attrs = map[string]any{"list": repeatAny(d.AttrEntries + 1)} },
			func(c *strata.Customer) { c.Attrs = map[string]any{"list": repeatAny(d.AttrEntries)} }, strata.Limits{AttrEntries: 100}},
		{"attrs.deep" + strings.Repeat("[0]", d.AttrDepth-1), func(c *strata.Customer) { c.Attrs = map[string]any{"deep": nested(d.AttrDepth)} },
			func(c *strata.Customer) { c.Attrs = map[string]any{"deep": nested(d.AttrDepth - 1)} }, strata.Limits{AttrDepth: d.AttrDepth + 1}},
		{"attrs", func(c *strata.Customer) { c.Attrs = valuesAttrs(d.AttrValues + 1) }, func(c *strata.Customer) { c.Attrs = valuesAttrs(d.AttrValues) }, strata.Limits{AttrValues: 1000}},
		{"city", func(c *strata.Customer) { c.City = long }, func(c *strata.Customer) { c.City = long[1:] }, strata.Limits{StringBytes: 2000}},
		{"tags[0]", func(c *strata.Customer) { c.Tags = []string{long} }, func(c *strata.Customer) { c.Tags = []string{long[1:]} }, strata.Limits{StringBytes: 2000}},
		{"attrs.note", func(c *strata.Customer) { c.Attrs = map[string]any{"note": long} }, func(c *strata.Customer) { c.Attrs = map[string]any{"note": long[1:]} }, strata.Limits{StringBytes: 2000}},
		{"consents[0].source", func(c *strata.Customer) { c.Consents[0].Source = long }, func(c *strata.Customer) { c.Consents[0].Source = long[1:] }, strata.Limits{StringBytes: 2000}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := fresh()
			tt.at(&c)
			require.NoError(t, c.Validate(), "at the limit")
			c = fresh()
			tt.over(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.Contains(t, paths(err), tt.path, "%v", err)
			assert.Less(t, len(err.Error()), 500, "the error does not quote the value")
			assert.NoError(t, c.ValidateWithin(tt.raised), "raised limits accept it")
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func repeatAny(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

func channels(n int) []strata.Channel {
	out := make([]strata.Channel, n)
	for i := range out {
		out[i] = strata.Channel{Kind: strata.ChannelWeChat, Value: fmt.Sprint("w", i)}
	}
	return out
}

func consents(n int) []strata.Consent {
	out := make([]strata.Consent, n)
	for i := range out {
		out[i] = strata.Consent{Purpose: "marketing_email", State: strata.ConsentGranted, At: t0}
	}
	return out
}

func attrs(n int) map[string]any {
	out := map[string]any{}
	for i := range n {
		out[fmt.Sprint("k", i)] = 1.0
	}
	return out
}

// valuesAttrs holds n values in all: lists of 32 numbers under keys, each
// list itself a value.
func valuesAttrs(n int) map[string]any {
	out := map[string]any{}
	for k := 0; n > 0; k++ {
		size := min(n-1, 32)
		out[fmt.Sprint("k", k)] = repeatAny(size)
		n -= size + 1
	}
	return out
}

// TestValidateIsBoundedAndDeterministic: a record far past every limit gets
// a bounded list of problems, in the same order every time (custom fields
// are checked in key order).
func TestValidateIsBoundedAndDeterministic(t *testing.T) {
	c := fresh()
	c.Tags = names(1_000_000)
	c.Attrs = map[string]any{}
	for i := range 50 {
		c.Attrs[fmt.Sprint("k", i)] = "\xff"
	}
	c.Languages = repeat("!", 10)
	first := c.Validate()
	require.Error(t, first)
	assert.Contains(t, first.Error(), "tags: 1000000 items exceeds the limit of 64")
	for range 50 {
		assert.Equal(t, first.Error(), c.Validate().Error())
	}
	many := fresh()
	many.Attrs = map[string]any{}
	for i := range 64 {
		many.Attrs[fmt.Sprint("k", i)] = []any{"\xff", "\xfe", "\xfd"}
	}
	err := many.Validate()
	require.Error(t, err)
	problems := strata.Problems(err)
	assert.Len(t, problems, 101, "100 problems and a count of the rest")
	assert.Equal(t, "and 92 more problems", problems[100].Error()[2:])

	var nilRecord *strata.Customer
	assert.Error(t, nilRecord.Validate())
}

// TestMoneyDigitLimit: an amount of a million digits is refused by its
// length, through NewMoney, JSON and a record's JSON, and an amount whose
// exponent would expand it is refused too.
func TestMoneyDigitLimit(t *testing.T) {
	huge := strings.Repeat("9", 1_000_000)
	_, err := strata.NewMoney(huge, "CNY")
	require.ErrorContains(t, err, "more than 38 digits")
	assert.Less(t, len(err.Error()), 200)
	var m strata.Money
	require.ErrorContains(t, json.Unmarshal([]byte(`{"amount":"`+huge+`","currency":"CNY"}`), &m), "more than 38 digits")
	require.ErrorContains(t, json.Unmarshal([]byte(`{"amount":`+huge+`,"currency":"CNY"}`), &m), "more than 38 digits")
	var c strata.Customer
	require.ErrorContains(t, json.Unmarshal([]byte(`{"id":"x","country":"CN","revenue":{"amount":"`+huge+`","currency":"CNY"}}`), &c), "more than 38 digits")
	for _, s := range []string{"1e39", "1e-39", "1e999999999", "0.0000000000000000000000000000000000000001"} {
		_, err := strata.NewMoney(s, "CNY")
		assert.Error(t, err, s)
	}
	for _, s := range []string{"1e37", "-12.50", "99999999999999999999999999999999999999", "0.00000000000000000000000000000000000001"} {
		_, err := strata.NewMoney(s, "CNY")
		assert.NoError(t, err, s)
	}
	require.ErrorContains(t, json.Unmarshal([]byte(`{"amount":"1","currency":"CNY","amout":"2"}`), &m), "unknown field")
	require.NoError(t, json.Unmarshal([]byte(`{"amount":12.5,"currency":"CNY"}`), &m))
	assert.Equal(t, "12.50 CNY", m.String())
}

// TestHeapDoesNotGrowWithInput: ten thousand distinct invalid amounts,
// money documents and records leave the live heap where it was (liveHeap
// is istimezone_test.go's).
func TestHeapDoesNotGrowWithInput(t *testing.T) {
	run := func(n int) {
		for i := range n {
			_, err := strata.NewMoney(strings.Repeat("9", 100+i%1000)+fmt.Sprint(i), "CNY")
			require.Error(t, err)
			var m strata.Money
			require.Error(t, json.Unmarshal([]byte(fmt.Sprintf(`{"amount":"%d.%s","currency":"CNY"}`, i, strings.Repeat("1", 60))), &m))
			c := fresh()
			c.Country = fmt.Sprint("Z", i)
			c.Tags = []string{fmt.Sprint("t", i), fmt.Sprint("t", i)}
			c.Attrs = map[string]any{fmt.Sprint("k", i): "\xff"}
			require.Error(t, c.Validate())
		}
	}
	run(1000)
	before := liveHeap()
	run(10_000)
	assert.Less(t, int64(liveHeap())-int64(before), int64(1<<20))
}
