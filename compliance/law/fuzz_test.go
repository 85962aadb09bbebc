package law_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance/law"
)

// FuzzParseConfig reads arbitrary law data: the loader and New report
// typed errors or build an engine that answers without panicking.
func FuzzParseConfig(f *testing.F) {
	builtin, err := os.ReadFile("builtin.yaml")
	require.NoError(f, err)
	f.Add(builtin, "CN", "marketing_email")
	f.Add([]byte(`{"checked":"2026-01-01","eea":["XX"],"regimes":[],"adequacy":[],"pipl":{"exempt":-1,"assessment":0,"sensitive_assessment":0,"source":""}}`), "DE", "*")
	f.Add([]byte("checked: 2026-01-01\neea: []\nregimes:\n - {regime: x, name: x, kind: privacy, countries: [DE], in_force: 2020-01-01, source: s, checked: 2026-01-01, rules: [{purpose: '*', who: anyone, basis: consent, source: s}], transfer: {model: adequacy, area: [EEA], needs: n, source: s}}\nadequacy: [{regime: x, country: EEA, coverage: full, since: 2020-01-01, source: s}]\npipl: {exempt: 1, assessment: 2, sensitive_assessment: 1, source: s}\n"), "DE", "profiling")
	f.Fuzz(func(t *testing.T, data []byte, country, purpose string) {
		cfg, err := law.ParseConfig(data)
		if err != nil {
			requireTyped(t, err)
			return
		}
		e, err := law.New(cfg)
		if err != nil {
			requireTyped(t, err)
			return
		}
		now := day("2026-11-23")
		c := &strata.Customer{ID: "f", Country: country, Kind: strata.KindIndividual}
		_, _ = e.Jurisdictions(c, now)
		_, _ = e.CanProcess(c, law.Purpose(purpose), now)
		_, _ = e.Deadlines(c, now)
		_, _ = e.CheckTransfer(c, law.Transfer{From: country, To: law.Recipient{Country: "US"}, PIPL: &law.PIPLExport{}}, now)
	})
}

// FuzzDecisions asks the built-in data about arbitrary customers: answers
// or errors, never panics, and an error never comes with a permission.
func FuzzDecisions(f *testing.F) {
	f.Add("CN", "", "marketing_email", []byte(`[{"purpose":"marketing_email","state":"granted","at":"2026-01-01T00:00:00Z","separate":true}]`), 150000, true)
	f.Add("DE", "DE-BY", "cross_border_transfer", []byte(`[{"purpose":"","state":"maybe","at":"0001-01-01T00:00:00Z"}]`), -5, false)
	f.Add("US", "US-CA", "profiling", []byte(`[{"purpose":"profiling","basis":"legitimate_interests","state":"granted","at":"2026-01-01T00:00:00Z"}]`), 1, false)
	f.Add("cn", "XX-YY", "*", []byte(`null`), 0, true)
	e, err := law.New(law.BuiltinConfig())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, country, sub, purpose string, consents []byte, volume int, contract bool) {
		c := strata.Customer{ID: "f", Country: country, Subdivision: sub, Orders: volume, LastOrderAt: day("2026-01-01")}
		_ = json.Unmarshal(consents, &c.Consents)
		now := day("2026-11-23")
		d, err := e.CanProcess(&c, law.Purpose(purpose), now)
		if err != nil && d.Allowed {
			t.Fatalf("an error that allows: %v", err)
		}
		tr, err := e.CheckTransfer(&c, law.Transfer{From: country, To: law.Recipient{Country: "CN"},
			PIPL: &law.PIPLExport{Individuals: volume, SensitiveIndividuals: volume / 3, ContractNecessity: contract}}, now)
		if err != nil && tr.Permitted() {
			t.Fatalf("an error that permits: %v", err)
		}
		if err != nil && !errors.Is(err, law.ErrCountry) {
			t.Fatalf("unexpected error: %v", err)
		}
		_, _ = e.Deadlines(&c, now)
		_, _ = e.Jurisdictions(&c, now)
	})
}

func requireTyped(t *testing.T, err error) {
	t.Helper()
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		if !errors.As(p, &ce) {
			t.Fatalf("untyped problem: %v", p)
		}
	}
}
