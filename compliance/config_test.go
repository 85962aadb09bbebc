package compliance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/internal/schema/schematest"
)

func TestStarterConfigFile(t *testing.T) {
	data, err := os.ReadFile("starter.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, compliance.ParseConfig)
	_, err = compliance.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, compliance.StarterConfig("CN"), cfg)
	assert.Equal(t, "DE", compliance.StarterConfig("DE").Home)
}

func TestParseConfig(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		want      []string
	}{
		{"misspelt key, YAML", "home: CN\nroles:\n  - name: r\n    se: public\n    mask: public\n    grants: [{tiers: ['*'], scope: any, actions: [view]}]\n",
			[]string{`4:5: roles[0].se: unknown field (did you mean "see"?)`, "roles[0].see: required field missing"}},
		{"misspelt key, JSON", `{"home":"CN","roles":[{"name":"r","see":"public","mask":"public","grants":[{"tiers":["*"],"scope":"any","actions":["view"]}],"feilds":{}}]}`,
			[]string{`roles[0].feilds: unknown field (did you mean "fields"?)`}},
		{"wrong type", "home: CN\nroles:\n  - name: r\n    see: 3\n    mask: public\n    grants: []\n", []string{"4:10: roles[0].see:"}},
		{"unknown sensitivity", "home: CN\nroles:\n  - name: r\n    see: secret\n    mask: public\n    grants: []\n", []string{`unknown sensitivity "secret"`}},
		{"grant without tiers or scope", "home: CN\nroles:\n  - {name: r, see: public, mask: public, grants: [{actions: [view]}]}\n",
			[]string{"roles[0].grants[0].tiers: required field missing", "roles[0].grants[0].scope: required field missing"}},
		{"tag without sensitivity", "home: CN\nroles: []\ntags:\n  - {field: attrs.x}\n", []string{"tags[0].sensitivity: required field missing"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compliance.ParseConfig([]byte(tt.doc))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			for _, e := range strata.Problems(err) {
				var ce *strata.ConfigError
				assert.ErrorAs(t, e, &ce)
			}
		})
	}
}

// shuffledConfig is the starter policy with every map built in a random
// insertion order and the tags in a random order.
func shuffledConfig(r *rand.Rand) compliance.Config {
	cfg := compliance.StarterConfig("CN")
	for i, role := range cfg.Roles {
		keys := make([]string, 0, len(role.Fields))
		for k := range role.Fields {
			keys = append(keys, k)
		}
		r.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
		fields := map[string]compliance.Visibility{}
		for _, k := range keys {
			fields[k] = role.Fields[k]
		}
		cfg.Roles[i].Fields = fields
	}
	cfg.Tags = append(cfg.Tags, compliance.FieldTag{Field: "attrs.passport", Sensitivity: compliance.Restricted, Mask: compliance.MaskKindPRCID},
		compliance.FieldTag{Field: "attrs.vip_note", Sensitivity: compliance.Confidential})
	r.Shuffle(len(cfg.Tags), func(a, b int) { cfg.Tags[a], cfg.Tags[b] = cfg.Tags[b], cfg.Tags[a] })
	return cfg
}

// TestDeterminism builds the policy 50 times from maps filled in random
// order and requires the same bytes out: decisions and reasons, redactions
// as JSON, log lines, and the errors of a broken configuration.
func TestDeterminism(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	gen := rand.New(rand.NewPCG(1, 1))
	var customers []strata.Customer
	for i := range 20 {
		c, _ := genCustomer(gen, i)
		c.Attrs["passport"], c.Attrs["vip_note"], c.Attrs["z"], c.Attrs["a"] = "E12345678", "likes tea", 1.0, []any{"x", 2.0}
		customers = append(customers, c)
	}
	var first string
	for range 50 {
		p, err := compliance.New(shuffledConfig(r))
		require.NoError(t, err)
		var buf bytes.Buffer
		h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime}), p)
		require.NoError(t, err)
		var out []any
		for i := range customers {
			c := &customers[i]
			for _, role := range roles {
				d, err := p.Decide(t.Context(), as(role), c, compliance.ActionExport)
				require.NoError(t, err)
				red, err := p.Redact(t.Context(), as(role), c)
				require.NoError(t, err)
				out = append(out, d, red)
			}
			slog.New(h).Info("c", "customer", *c, "attrs", c.Attrs, "map", map[string]any{"b": 1, "a": c.Channels})
		}
		bad := shuffledConfig(r)
		bad.Roles[2].Fields["shoe_size"], bad.Roles[2].Fields["hat"], bad.Roles[2].Fields["name"] = "hidden", "x", "blurred"
		_, badErr := compliance.New(bad)
		require.Error(t, badErr)
		b, err := json.Marshal(out)
		require.NoError(t, err)
		got := string(b) + buf.String() + badErr.Error()
		if first == "" {
			first = got
			continue
		}
		require.Equal(t, first, got)
	}
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// TestHostileInput feeds the policy, the redactor and the log handler
// values built to break them. Each case must return (an error or a safe
// result) without a panic, within a generous bound that only a hang or a
// blow-up would exceed.
func TestHostileInput(t *testing.T) {
	p := starterPolicy(t)
	deep := map[string]any{}
	cur := deep
	for range 10_000 {
		next := map[string]any{}
		cur["national_id"] = "110105199003071234"
		cur["n"] = next
		cur = next
	}
	cyclic := map[string]any{"national_id": "110105199003071234"}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		cyclic[k] = cyclic // eight ways back in: 8^depth paths
	}
	wide := map[string]any{}
	for i := range 50_000 {
		wide["k"+strings.Repeat("x", i%50)+string(rune('a'+i%26))+strings.Repeat("y", i%7)] = float64(i)
	}
	huge := strata.MoneyOf(decimal.New(7, 2_000_000_000), "CNY")
	long := strings.Repeat("長", 1<<20)
	var zero compliance.Policy
	var nilPolicy *compliance.Policy
	for _, tt := range []struct {
		name string
		run  func() error
	}{
		{"Decide with a nil customer", func() error { _, err := p.Decide(t.Context(), as("sales-director"), nil, "view"); return err }},
		{"Decide on a zero Policy", func() error { _, err := zero.Decide(t.Context(), as("x"), &strata.Customer{}, "view"); return err }},
		{"Decide on a nil Policy", func() error { _, err := nilPolicy.Decide(t.Context(), as("x"), &strata.Customer{}, "view"); return err }},
		{"Decide with a nil context", func() error {
			q, _ := compliance.New(compliance.StarterConfig("CN"), compliance.WithObserver(func(context.Context, strata.Event) {}))
			//lint:ignore SA1012 a nil context is what is being tested
			_, err := q.Decide(nil, as("sales-director"), &strata.Customer{}, "view")
			return err
		}},
		{"Redact on a zero Policy", func() error { _, err := zero.Redact(t.Context(), as("x"), &strata.Customer{}); return err }},
		{"Redact a nil customer", func() error { _, err := p.Redact(t.Context(), as("support"), nil); return err }},
		{"Visibility on a nil Policy", func() error { _, err := nilPolicy.Visibility(as("x"), "name"); return err }},
		{"Tag on a nil Policy", func() error { nilPolicy.Tag("name"); return nil }},
		{"a 1 MiB role name", func() error { _, err := p.Redact(t.Context(), as(long), &strata.Customer{}); return err }},
		{"attrs nested 10,000 deep", func() error {
			_, err := p.Redact(t.Context(), as("international-team"), &strata.Customer{Attrs: deep})
			return err
		}},
		{"attrs that contain themselves", func() error {
			out, err := p.Redact(t.Context(), as("international-team"), &strata.Customer{Attrs: cyclic})
			if b, _ := json.Marshal(out.Attrs["national_id"]); strings.Contains(string(b), "199003") {
				t.Error("the ID leaked")
			}
			return err
		}},
		{"50,000 custom fields", func() error {
			_, err := p.Redact(t.Context(), as("sales-ops"), &strata.Customer{Attrs: wide})
			return err
		}},
		{"a money amount with a huge exponent", func() error {
			_, err := p.Redact(t.Context(), as("international-team"), &strata.Customer{Revenue: huge})
			return err
		}},
		{"a 1 MiB name and city", func() error {
			_, err := p.Redact(t.Context(), as("marketing-specialist"), &strata.Customer{Name: long, City: long})
			return err
		}},
		{"invalid UTF-8 everywhere", func() error {
			bad := "\xff\xfe\xfd"
			_, err := p.Redact(t.Context(), as("marketing-specialist"), &strata.Customer{Name: bad, City: bad,
				Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: bad}, {Kind: strata.ChannelMobile, Value: "+" + bad}},
				Attrs:    map[string]any{bad: bad}})
			return err
		}},
		{"NewRedactingHandler(nil, nil)", func() error { _, err := compliance.NewRedactingHandler(nil, nil); return err }},
		{"logging hostile values", func() error {
			h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&bytes.Buffer{}, nil), p)
			if err != nil {
				return err
			}
			var nilCustomer *strata.Customer
			slog.New(h).Info(long, "deep", deep, "cyclic", cyclic, "wide", wide, "nil", nilCustomer, "long", long, long, 1,
				"func", func() {}, "chan", make(chan int))
			return nil
		}},
		{"parsing a deeply nested document", func() error {
			_, err := compliance.ParseConfig([]byte(strings.Repeat("[", 100_000)))
			return err
		}},
		{"parsing a YAML alias bomb", func() error {
			doc := "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
				"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" +
				"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nhome: [*g]\n"
			_, err := compliance.ParseConfig([]byte(doc))
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var panicked any
			go func() {
				defer close(done)
				defer func() { panicked = recover() }()
				_ = tt.run()
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("did not return: unbounded work")
			}
			require.Nil(t, panicked, "panicked")
		})
	}
}
