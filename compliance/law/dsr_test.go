package law_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
)

func policy(t testing.TB) *compliance.Policy {
	t.Helper()
	p, err := compliance.New(compliance.StarterConfig("CN"))
	require.NoError(t, err)
	return p
}

func buyer() strata.Customer {
	now := day("2026-11-23")
	return strata.Customer{
		ID: "C-DE-7", Name: "Blue Harbor Trading", Kind: strata.KindEnterprise, Country: "DE", City: "Hamburg",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "buyer@blueharbor.example.com"}},
		Revenue:  strata.MoneyOf(decimal.NewFromInt(2_600_000), "EUR"), Orders: 22, Tier: "vip",
		Attrs:        map[string]any{"national_id": "110105199003071234", "credit_days": 60.0, "note": "call after 5pm"},
		FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, 0, -12),
		Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: now.AddDate(-1, 0, 0), Source: "signed by Jane Roe"}},
	}
}

func fields(list []law.PlannedField) []string {
	var out []string
	for _, f := range list {
		out = append(out, f.Field)
	}
	return out
}

func TestErasurePlan(t *testing.T) {
	e := engine(t)
	p := policy(t)
	now := day("2026-11-23")
	c := buyer()
	plan, err := e.PlanErasure(p, &c, law.AccountingHolds(&c), now)
	require.NoError(t, err)
	assert.Contains(t, fields(plan.Erase), "channels.value")
	assert.Contains(t, fields(plan.Erase), "attrs.national_id")
	assert.Contains(t, fields(plan.Erase), "attrs", "untagged custom fields may be personal: erased")
	assert.Contains(t, fields(plan.Erase), "consents.source")
	assert.Contains(t, fields(plan.Keep), "revenue", "accounting records stay")
	assert.Contains(t, fields(plan.Keep), "attrs.credit_days", "tagged as not personal")
	assert.Equal(t, []string{"name"}, fields(plan.Pseudonymize))
	require.NotEmpty(t, plan.Due)
	assert.Equal(t, law.GDPR, plan.Due[0].Regime)

	erased := c
	require.NoError(t, plan.Apply(&erased))
	assert.Nil(t, erased.Channels)
	assert.Nil(t, erased.Consents)
	assert.Equal(t, "erased-C-DE-7", erased.Name)
	assert.Equal(t, c.Revenue, erased.Revenue)
	assert.Equal(t, map[string]any{"credit_days": 60.0}, erased.Attrs, "only what is not personal stays")
	assert.Contains(t, c.Attrs, "national_id", "the original's map is untouched")

	prospect := strata.Customer{ID: "p", Country: "DE", Name: "Someone"}
	plan, err = e.PlanErasure(p, &prospect, law.AccountingHolds(&prospect), now)
	require.NoError(t, err)
	assert.Empty(t, plan.Keep[:0])
	assert.Contains(t, fields(plan.Erase), "name")
	require.NoError(t, plan.Apply(&prospect))
	assert.Empty(t, prospect.Name)

	expired := []law.Hold{{Fields: []string{"revenue"}, Reason: "old", Until: now.AddDate(-1, 0, 0)}}
	plan, err = e.PlanErasure(p, &c, expired, now)
	require.NoError(t, err)
	assert.Contains(t, fields(plan.Erase), "revenue", "a hold past its end keeps nothing")
}

func TestExport(t *testing.T) {
	e := engine(t)
	p := policy(t)
	c := buyer()
	out, err := e.Export(p, &c, day("2026-11-23"))
	require.NoError(t, err)
	got := map[string]any{}
	var order []string
	for _, f := range out.Fields {
		got[f.Field] = f.Value
		order = append(order, f.Field)
	}
	assert.Equal(t, c.Name, got["name"])
	assert.Equal(t, "110105199003071234", got["attrs.national_id"])
	assert.Contains(t, got, "attrs.note", "untagged custom fields fall under attrs, which is personal")
	assert.NotContains(t, got, "attrs.credit_days", "not personal data")
	assert.NotContains(t, got, "tier", "not personal data")
	assert.Equal(t, []string{"attrs.national_id", "attrs.note"}, order[len(order)-2:], "custom fields in key order")
	require.NotEmpty(t, out.Due)
}

func TestRetention(t *testing.T) {
	now := day("2026-11-23")
	r := law.StarterRetention()
	old := strata.Customer{UpdatedAt: day("2024-01-01")}
	expired, why, err := r.Check(&old, now)
	require.NoError(t, err)
	assert.True(t, expired, why)
	recent := strata.Customer{UpdatedAt: day("2026-01-01")}
	expired, _, err = r.Check(&recent, now)
	require.NoError(t, err)
	assert.False(t, expired)
	b := strata.Customer{Orders: 3, LastOrderAt: day("2016-01-01")}
	expired, why, err = r.Check(&b, now)
	require.NoError(t, err)
	assert.True(t, expired)
	assert.Contains(t, why, "no order since 2016-01-01")
	js, err := json.Marshal(r)
	require.NoError(t, err)
	assert.JSONEq(t, `{"prospect":"730d","customer":"3650d"}`, string(js))
}

func TestConfigErrors(t *testing.T) {
	cfg := law.BuiltinConfig()
	cfg.Checked = strata.Date{}
	cfg.Adequacy = append(cfg.Adequacy, law.Adequacy{Regime: law.PIPL, Country: "Mars", Coverage: "some"})
	cfg.Regimes[0].Countries = append(cfg.Regimes[0].Countries, "EU")
	cfg.Regimes = append(cfg.Regimes, law.Statute{Regime: law.GDPR, Kind: "law",
		Rules: []law.PurposeRule{{Purpose: "", Who: "everyone", Basis: "vibes"}}, Requests: &law.Deadline{Answer: law.Period{Days: -1}}})
	cfg.PIPL.Exempt = 0
	cfg.Practice = append(cfg.Practice, law.Practice{Regime: "nope"})
	_, err := law.New(cfg)
	require.Error(t, err)
	var got []string
	for _, e := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.True(t, errors.As(e, &ce), "typed errors only: %v", e)
		got = append(got, e.Error())
	}
	n := len(law.BuiltinConfig().Regimes)
	adq := len(law.BuiltinConfig().Adequacy)
	for _, want := range []string{
		"checked: required",
		"regimes[0].countries[30]: \"EU\" is not an ISO 3166-1 alpha-2 country code",
		"regimes[" + itoa(n) + "].regime: \"gdpr\" is already regimes[0]",
		"regimes[" + itoa(n) + "].name: required",
		"regimes[" + itoa(n) + "].kind: \"law\": want privacy or e_marketing",
		"regimes[" + itoa(n) + "]: a statute needs countries or subdivisions",
		"regimes[" + itoa(n) + "].rules[0].who: \"everyone\"",
		"regimes[" + itoa(n) + "].rules[0].basis: \"vibes\"",
		"regimes[" + itoa(n) + "].requests.answer: out of range",
		"adequacy[" + itoa(adq) + "].country: \"Mars\"",
		"adequacy[" + itoa(adq) + "].regime: \"pipl\"",
		"adequacy[" + itoa(adq) + "].coverage: \"some\"",
		"pipl: thresholds must be positive",
		"practice[1].regime: \"nope\"",
	} {
		assert.Contains(t, got, find(got, want), "missing %q", want)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func find(list []string, prefix string) string {
	for _, s := range list {
		if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
			return s
		}
	}
	return "<" + prefix + " not found>"
}

func TestLawDataIsReplaceable(t *testing.T) {
	d := law.BuiltinConfig()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	back, err := law.ParseConfig(b)
	require.NoError(t, err)
	assert.Equal(t, d, back)
	// A host adds an adequacy decision without a release.
	back.Adequacy = append(back.Adequacy, law.Adequacy{Regime: law.GDPR, Country: "IN", Coverage: law.CoverageFull,
		Since: strata.Date{Year: 2026, Month: 6, Day: 1}, Source: "hypothetical"})
	e, err := law.New(back)
	require.NoError(t, err)
	dec, err := e.CheckTransfer(&strata.Customer{Country: "DE"}, law.Transfer{From: "DE", To: law.Recipient{Country: "IN"}}, day("2026-11-23"))
	require.NoError(t, err)
	assert.Equal(t, law.TransferAllowed, dec.Outcome)
	// And its own practice for a statute that says "without delay".
	back.Practice = append(back.Practice, law.Practice{Regime: law.APPI, Answer: law.Period{Days: 14}, Source: "our policy"})
	e, err = law.New(back)
	require.NoError(t, err)
	dd, err := e.Deadlines(&strata.Customer{Country: "JP"}, day("2026-03-01"))
	require.NoError(t, err)
	assert.True(t, dd[0].Due.IsZero(), "still no statutory date")
	assert.Equal(t, day("2026-03-15"), dd[0].Target)
	assert.Equal(t, "our policy", dd[0].TargetSource)
}

func TestParseConfigErrors(t *testing.T) {
	_, err := law.ParseConfig([]byte("checked: 2026-12-01\neea: [DE]\nregimes: []\nadequacy: []\npipl: {exempt: 1, assessment: 2, sensitive_assesment: 3, source: x}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `pipl.sensitive_assesment: unknown field`)
	_, err = law.ParseConfig([]byte(`{"checked": "2026-02-30"}`))
	require.Error(t, err)
}

// TestDeterminism builds the law data 50 times and asks the same questions:
// the answers, marshalled, are the same bytes every time.
func TestDeterminism(t *testing.T) {
	now := day("2026-11-23")
	customers := []strata.Customer{buyer(), {ID: "cn", Country: "CN"}, {ID: "va", Country: "US", Subdivision: "US-VA"}, {ID: "hk", Country: "HK"}}
	var first []byte
	for range 50 {
		e, err := law.New(law.BuiltinConfig())
		require.NoError(t, err)
		var out []any
		for i := range customers {
			c := &customers[i]
			for _, p := range []law.Purpose{law.PurposeMarketingEmail, law.PurposeProfiling, law.PurposeService} {
				d, err := e.CanProcess(c, p, now)
				require.NoError(t, err)
				out = append(out, d)
			}
			dd, err := e.Deadlines(c, now)
			require.NoError(t, err)
			out = append(out, dd)
			tr, err := e.CheckTransfer(c, law.Transfer{From: c.Country, To: law.Recipient{Country: "GB"}, PIPL: &law.PIPLExport{}}, now)
			require.NoError(t, err)
			out = append(out, tr)
		}
		cfg := law.BuiltinConfig()
		cfg.Regimes[3].Rules[0].Who = "x"
		cfg.Adequacy[0].Country = "x"
		_, err = law.New(cfg)
		out = append(out, err.Error())
		b, err := json.Marshal(out)
		require.NoError(t, err)
		if first == nil {
			first = b
			continue
		}
		require.Equal(t, string(first), string(b))
	}
	_ = time.Now
}
