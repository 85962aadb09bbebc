package compliance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

// FuzzParseConfig reads arbitrary policies and customers: the loader and
// New report typed errors or build a policy, and the policy never panics
// and never returns a record for an unknown role.
func FuzzParseConfig(f *testing.F) {
	starter, err := os.ReadFile("starter.yaml")
	require.NoError(f, err)
	cust, _ := json.Marshal(overseas())
	f.Add(starter, cust, "marketing-specialist")
	f.Add([]byte(`{"home":"CN","roles":[{"name":"r","see":"public","mask":"restricted","grants":[{"tiers":["*"],"scope":"any","actions":["view"]}],"fields":{"attrs":"masked"}}]}`),
		[]byte(`{"id":"x","name":"李","channels":[{"kind":"mobile","value":"+"},{"kind":"email","value":"@"}],"attrs":{"k":[1,{"a":"b"}],"National_ID":"1"}}`), "r")
	f.Add([]byte("home: CN\nroles:\n  - {name: r, see: public, mask: public, grants: [{tiers: [vip], scope: moon, actions: [fly]}]}\ntags: [{field: attrs.x}]\n"),
		[]byte(`{"id":"y","consents":[{"purpose":"p","state":"granted","at":"2026-01-01T00:00:00Z","source":"s"}]}`), "nobody")
	f.Add([]byte("home: &h CN\nroles: [*h]"), []byte(`{"attrs":{"a":{"b":{"c":[[[["d"]]]]}}}}`), "")
	f.Fuzz(func(t *testing.T, policy, customer []byte, role string) {
		cfg, err := compliance.ParseConfig(policy)
		if err != nil {
			requireTyped(t, err)
			return
		}
		p, err := compliance.New(cfg)
		if err != nil {
			requireTyped(t, err)
			return
		}
		var c strata.Customer
		_ = json.Unmarshal(customer, &c)
		v := compliance.Viewer{ID: "fuzz", Role: role}
		for _, a := range []compliance.Action{"view", "export", "x"} {
			d, err := p.Decide(t.Context(), v, &c, a)
			if err != nil && d.Allowed {
				t.Fatalf("an error that allows: %+v %v", d, err)
			}
		}
		out, err := p.Redact(t.Context(), v, &c)
		if errors.Is(err, compliance.ErrUnknownRole) && !isZero(out) {
			t.Fatal("a record for an unknown role")
		}
		var buf bytes.Buffer
		h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), p)
		require.NoError(t, err)
		slog.New(h).Info("x", "customer", c, "attrs", c.Attrs, "channels", c.Channels, role, role)
		for _, ch := range c.Channels {
			_ = compliance.MaskPhone(ch.Value)
			_ = compliance.MaskEmail(ch.Value)
			_ = compliance.MaskName(ch.Value)
			_ = compliance.MaskPRCID(ch.Value)
			_ = compliance.MaskHandle(ch.Value)
		}
		_ = compliance.MaskMoney(c.Revenue)
	})
}

func isZero(c strata.Customer) bool {
	b, _ := json.Marshal(c)
	return string(b) == `{"id":"","country":""}`
}

func requireTyped(t *testing.T, err error) {
	t.Helper()
	for _, e := range strata.Problems(err) {
		var ce *strata.ConfigError
		if !errors.As(e, &ce) {
			t.Fatalf("untyped problem: %v", e)
		}
		if strings.Contains(e.Error(), "\n") && !strings.Contains(e.Error(), "unknown field") {
			t.Logf("multi-line problem: %q", e.Error())
		}
	}
}

// FuzzMask feeds the maskers arbitrary strings: they never panic, and a
// masked phone, ID or handle never contains the whole input when it is
// long enough to hide anything.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"+86 138 0013 5678", "+1", "+", "@", "a@b.c", "110105199003071234", "上海锦纶纺织有限公司", "\xff\xfe", "  +  1 2 3 4 5 6 7 8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []func(string) string{compliance.MaskPhone, compliance.MaskEmail, compliance.MaskName,
			compliance.MaskPRCID, compliance.MaskHandle, compliance.MaskText} {
			_ = m(s)
		}
		if len(s) >= 12 && !strings.Contains(s, "*") {
			if got := compliance.MaskPRCID(s); got == s {
				t.Fatalf("MaskPRCID(%q) hid nothing", s)
			}
		}
	})
}
