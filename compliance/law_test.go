package compliance_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

func law(t testing.TB) *compliance.Law {
	t.Helper()
	l, err := compliance.NewLaw(compliance.DefaultLaw())
	require.NoError(t, err)
	return l
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

func consent(purpose compliance.Purpose, state strata.ConsentState, at string, separate bool) strata.Consent {
	return strata.Consent{Purpose: string(purpose), State: state, At: day(at), Source: "web form", Separate: separate}
}

func TestJurisdictions(t *testing.T) {
	l := law(t)
	for _, tt := range []struct {
		country, sub string
		want         []compliance.Regime
	}{
		{"DE", "DE-BY", []compliance.Regime{compliance.GDPR}},
		{"NO", "", []compliance.Regime{compliance.GDPR}},
		{"GB", "", []compliance.Regime{compliance.UKGDPR}},
		{"CN", "CN-SH", []compliance.Regime{compliance.PIPL}},
		{"HK", "", nil},
		{"US", "US-CA", []compliance.Regime{compliance.CCPA}},
		{"US", "US-TX", nil},
		{"BR", "", []compliance.Regime{compliance.LGPD}},
		{"SG", "", []compliance.Regime{compliance.PDPASG}},
	} {
		c := strata.Customer{Country: tt.country, Subdivision: tt.sub}
		assert.Equal(t, tt.want, l.Jurisdictions(&c), "%s %s", tt.country, tt.sub)
	}
	assert.True(t, l.InEEA("LI"))
	assert.False(t, l.InEEA("CH"))
}

func TestCanProcess(t *testing.T) {
	l := law(t)
	now := day("2026-11-23")
	person := func(country string, consents ...strata.Consent) *strata.Customer {
		return &strata.Customer{ID: "p", Kind: strata.KindIndividual, Country: country, Consents: consents}
	}
	company := func(country string, consents ...strata.Consent) *strata.Customer {
		return &strata.Customer{ID: "c", Kind: strata.KindEnterprise, Country: country, Consents: consents}
	}
	for _, tt := range []struct {
		name    string
		c       *strata.Customer
		purpose compliance.Purpose
		allow   bool
		reason  string
	}{
		{"EU individual, marketing email, no consent", person("FR"), compliance.PurposeMarketingEmail, false, "gdpr: no consent recorded, and consent is required"},
		{"EU individual, marketing email, consent", person("FR", consent(compliance.PurposeMarketingEmail, strata.ConsentGranted, "2026-03-01", false)),
			compliance.PurposeMarketingEmail, true, "gdpr: consent granted on 2026-03-01 (web form)"},
		{"EU business contact: legitimate interests", company("DE"), compliance.PurposeMarketingEmail, true, "gdpr: legitimate interests, and the customer has not objected"},
		{"EU profiling on legitimate interests", person("DE"), compliance.PurposeProfiling, true, "gdpr: legitimate interests"},
		{"withdrawn consent wins", company("DE", consent(compliance.PurposeMarketingEmail, strata.ConsentGranted, "2025-01-01", false),
			consent(compliance.PurposeMarketingEmail, strata.ConsentWithdrawn, "2026-06-01", false)), compliance.PurposeMarketingEmail, false, "withdrawn on 2026-06-01; withdrawal wins"},
		{"a later grant after withdrawal", company("DE", consent(compliance.PurposeMarketingEmail, strata.ConsentWithdrawn, "2025-01-01", false),
			consent(compliance.PurposeMarketingEmail, strata.ConsentGranted, "2026-06-01", false)), compliance.PurposeMarketingEmail, true, "legitimate interests"},
		{"a future record does not count yet", person("FR", consent(compliance.PurposeMarketingEmail, strata.ConsentGranted, "2027-01-01", false)),
			compliance.PurposeMarketingEmail, false, "no consent recorded"},
		{"PIPL has no legitimate interests", company("CN"), compliance.PurposeProfiling, false, "pipl: no consent recorded"},
		{"PIPL contract performance", company("CN"), compliance.PurposeService, true, "pipl: necessary to perform the contract"},
		{"PIPL pending consent", company("CN", consent(compliance.PurposeMarketingEmail, strata.ConsentPending, "2026-10-01", false)),
			compliance.PurposeMarketingEmail, false, "consent is pending, not granted"},
		{"PIPL transfer needs separate consent", company("CN", consent(compliance.PurposeTransfer, strata.ConsentGranted, "2026-10-01", false)),
			compliance.PurposeTransfer, false, "separate consent (单独同意) is required"},
		{"PIPL transfer with separate consent", company("CN", consent(compliance.PurposeTransfer, strata.ConsentGranted, "2026-10-01", true)),
			compliance.PurposeTransfer, true, "pipl: consent granted"},
		{"CCPA is opt-out", &strata.Customer{Country: "US", Subdivision: "US-CA", Kind: strata.KindIndividual}, compliance.PurposeMarketingEmail, true, "until the consumer opts out"},
		{"no regime", person("US"), compliance.PurposeMarketingEmail, true, "no privacy regime in the law data covers US"},
		{"Canada: implied consent from a recent purchase", &strata.Customer{Country: "CA", Orders: 2, LastOrderAt: day("2026-01-01")},
			compliance.PurposeMarketingEmail, true, "implied consent"},
		{"Singapore business contact", company("SG"), compliance.PurposeMarketingEmail, true, "business contact information"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := l.CanProcess(tt.c, tt.purpose, now)
			assert.Equal(t, tt.allow, d.Allowed, d.Reason)
			assert.Contains(t, d.Reason, tt.reason)
		})
	}
}

func TestCheckTransfer(t *testing.T) {
	l := law(t)
	eu := &strata.Customer{ID: "eu", Country: "DE"}
	cn := &strata.Customer{ID: "cn", Country: "CN", Consents: []strata.Consent{consent(compliance.PurposeTransfer, strata.ConsentGranted, "2025-01-01", true)}}
	for _, tt := range []struct {
		name string
		c    *strata.Customer
		from string
		to   compliance.Recipient
		at   string
		vol  compliance.PIPLVolume
		want compliance.TransferOutcome
	}{
		{"within the EEA", eu, "DE", compliance.Recipient{Country: "NO"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"EU to China needs SCCs", eu, "DE", compliance.Recipient{Country: "CN"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"EU to China with SCCs signed", eu, "DE", compliance.Recipient{Country: "CN", SCCSigned: true}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"EU to Japan: adequacy", eu, "DE", compliance.Recipient{Country: "JP"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"EU to the US, DPF-certified", eu, "DE", compliance.Recipient{Country: "US", DPFCertified: true}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"EU to the US, not certified", eu, "DE", compliance.Recipient{Country: "US"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"EU to the UK on the last day of adequacy", eu, "DE", compliance.Recipient{Country: "GB"}, "2031-12-26", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"EU to the UK after adequacy expires", eu, "DE", compliance.Recipient{Country: "GB"}, "2031-12-27", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"EU to Brazil the day before adequacy", eu, "DE", compliance.Recipient{Country: "BR"}, "2026-01-25", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"EU to Brazil from 26 January 2026", eu, "DE", compliance.Recipient{Country: "BR"}, "2026-01-26", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"UK to the EEA", &strata.Customer{Country: "GB"}, "GB", compliance.Recipient{Country: "FR"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"UK to China", &strata.Customer{Country: "GB"}, "GB", compliance.Recipient{Country: "CN"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"PIPL 99,999 individuals: exempt", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 99_999}, compliance.TransferExempt},
		{"PIPL 100,000: standard contract", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 100_000}, compliance.TransferNeedsPIPLFiling},
		{"PIPL 999,999: standard contract", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 999_999}, compliance.TransferNeedsPIPLFiling},
		{"PIPL 1,000,000: assessment", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 1_000_000}, compliance.TransferNeedsAssessment},
		{"PIPL sensitive 9,999: standard contract", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 10, SensitiveIndividuals: 9_999}, compliance.TransferNeedsPIPLFiling},
		{"PIPL sensitive 10,000: assessment", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{Individuals: 10, SensitiveIndividuals: 10_000}, compliance.TransferNeedsAssessment},
		{"PIPL CIIO: assessment", cn, "CN", compliance.Recipient{Country: "DE"}, "2026-11-23", compliance.PIPLVolume{CIIO: true}, compliance.TransferNeedsAssessment},
		{"PIPL contract filed", cn, "CN", compliance.Recipient{Country: "DE", PIPLContractFiled: true}, "2026-11-23", compliance.PIPLVolume{Individuals: 200_000}, compliance.TransferAllowed},
		{"PIPL contract necessity: exempt, no consent needed", &strata.Customer{Country: "CN"}, "CN", compliance.Recipient{Country: "US"}, "2026-11-23",
			compliance.PIPLVolume{Individuals: 500_000, ContractNecessity: true}, compliance.TransferExempt},
		{"PIPL without separate consent: denied", &strata.Customer{Country: "CN"}, "CN", compliance.Recipient{Country: "US"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferDenied},
		{"withdrawn transfer consent: denied", &strata.Customer{Country: "DE", Consents: []strata.Consent{consent(compliance.PurposeTransfer, strata.ConsentWithdrawn, "2026-01-01", false)}},
			"DE", compliance.Recipient{Country: "FR"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferDenied},
		{"Brazil to the EEA", &strata.Customer{Country: "BR"}, "BR", compliance.Recipient{Country: "PT"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
		{"Brazil to China", &strata.Customer{Country: "BR"}, "BR", compliance.Recipient{Country: "CN"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferNeedsSCC},
		{"no rules for the exporter", &strata.Customer{Country: "TH"}, "TH", compliance.Recipient{Country: "CN"}, "2026-11-23", compliance.PIPLVolume{}, compliance.TransferAllowed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := l.CheckTransfer(tt.c, tt.from, tt.to, day(tt.at), tt.vol)
			assert.Equal(t, tt.want, d.Outcome, d.Reason)
			assert.NotEmpty(t, d.Reason)
			assert.Equal(t, tt.want == compliance.TransferAllowed || tt.want == compliance.TransferExempt, d.Permitted())
		})
	}
	d := l.CheckTransfer(eu, "DE", compliance.Recipient{Country: "GB"}, day("2026-11-23"), compliance.PIPLVolume{})
	assert.Contains(t, d.Reason, "until 2031-12-27")
}

func TestDueDates(t *testing.T) {
	l := law(t)
	for _, tt := range []struct {
		c                  strata.Customer
		received, due, ext string
	}{
		{strata.Customer{Country: "DE"}, "2026-01-31", "2026-02-28", "2026-04-28"}, // one month, clamped
		{strata.Customer{Country: "FR"}, "2026-03-15", "2026-04-15", "2026-06-15"},
		{strata.Customer{Country: "US", Subdivision: "US-CA"}, "2026-03-01", "2026-04-15", "2026-05-30"}, // 45 + 45 days
		{strata.Customer{Country: "CN"}, "2026-03-01", "2026-03-31", ""},
	} {
		d, ok := l.Due(&tt.c, day(tt.received))
		require.True(t, ok)
		assert.Equal(t, tt.due, d.Due.Format(time.DateOnly), "%s due", tt.c.Country)
		if tt.ext == "" {
			assert.True(t, d.Extended.IsZero())
		} else {
			assert.Equal(t, tt.ext, d.Extended.Format(time.DateOnly), "%s extended", tt.c.Country)
		}
	}
	_, ok := l.Due(&strata.Customer{Country: "TH"}, day("2026-03-01"))
	assert.False(t, ok)
}

func TestErasurePlanAndRetention(t *testing.T) {
	l := law(t)
	p := seedPolicy(t)
	now := day("2026-11-23")
	c := overseas()
	c.Country, c.Subdivision = "DE", ""
	plan := p.PlanErasure(l, &c, compliance.DefaultHolds(&c, now), now)
	fields := func(list []compliance.PlannedField) []string {
		var out []string
		for _, f := range list {
			out = append(out, f.Field)
		}
		return out
	}
	assert.Contains(t, fields(plan.Erase), "channels.value")
	assert.Contains(t, fields(plan.Erase), "attrs.national_id")
	assert.Contains(t, fields(plan.Keep), "revenue", "accounting records stay")
	assert.Equal(t, []string{"name"}, fields(plan.Pseudonymize))
	assert.Equal(t, compliance.GDPR, plan.Due.Regime)
	erased := plan.Apply(c)
	assert.Nil(t, erased.Channels)
	assert.Equal(t, "erased-C-US-7", erased.Name)
	assert.Equal(t, c.Revenue, erased.Revenue)
	assert.NotContains(t, erased.Attrs, "national_id")
	assert.Equal(t, 60.0, erased.Attrs["credit_days"], "not personal data: kept")
	assert.Contains(t, c.Attrs, "national_id", "the original is untouched")

	prospect := strata.Customer{ID: "p", Country: "DE", Name: "Someone"}
	plan = p.PlanErasure(l, &prospect, compliance.DefaultHolds(&prospect, now), now)
	assert.Empty(t, plan.Keep)
	assert.Contains(t, fields(plan.Erase), "name")
	assert.Empty(t, plan.Apply(prospect).Name)

	export := p.Export(&c)
	assert.Equal(t, c.Name, export["name"])
	assert.Equal(t, "110105199003071234", export["attrs.national_id"])
	assert.NotContains(t, export, "tier", "not personal data")

	r := compliance.DefaultRetention()
	old := strata.Customer{UpdatedAt: day("2024-01-01")}
	expired, why := r.Check(&old, now)
	assert.True(t, expired, why)
	recent := strata.Customer{UpdatedAt: day("2026-01-01")}
	expired, _ = r.Check(&recent, now)
	assert.False(t, expired)
	buyer := strata.Customer{Orders: 3, LastOrderAt: day("2016-01-01")}
	expired, why = r.Check(&buyer, now)
	assert.True(t, expired)
	assert.Contains(t, why, "no order since 2016-01-01")
}

func TestLawDataIsReplaceable(t *testing.T) {
	d := compliance.DefaultLaw()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	var back compliance.LawData
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back)
	// A host adds an adequacy decision without a release.
	back.Adequacy = append(back.Adequacy, compliance.Adequacy{Regime: compliance.GDPR, Country: "IN", Since: "2026-06-01", Source: "hypothetical"})
	l, err := compliance.NewLaw(back)
	require.NoError(t, err)
	dec := l.CheckTransfer(&strata.Customer{Country: "DE"}, "DE", compliance.Recipient{Country: "IN"}, day("2026-11-23"), compliance.PIPLVolume{})
	assert.Equal(t, compliance.TransferAllowed, dec.Outcome)

	back.Adequacy = append(back.Adequacy, compliance.Adequacy{Regime: compliance.PIPL, Country: "Mars", Since: "someday"})
	back.Regimes[0].Countries = append(back.Regimes[0].Countries, "EU")
	_, err = compliance.NewLaw(back)
	require.Error(t, err)
	for _, want := range []string{`.since: "someday" is not a date`, `.country: "Mars"`, `.regime: "pipl"`, `regimes[0].countries[30]: "EU"`} {
		assert.ErrorContains(t, err, want)
	}
	var ce *strata.ConfigError
	assert.True(t, errors.As(err, &ce))
}

func FuzzConsentAndLaw(f *testing.F) {
	lawJSON, _ := json.Marshal(compliance.DefaultLaw())
	f.Add(lawJSON, []byte(`[{"purpose":"marketing_email","state":"granted","at":"2026-01-01T00:00:00Z","separate":true}]`), "CN", "marketing_email", 150000)
	f.Add([]byte(`{"eea":["XX"],"pipl":{"exempt":-1}}`), []byte(`[{"purpose":"","state":"maybe","at":"0001-01-01T00:00:00Z"}]`), "DE", "cross_border_transfer", -5)
	f.Fuzz(func(t *testing.T, lawData, consents []byte, country, purpose string, volume int) {
		var d compliance.LawData
		l, err := compliance.NewLaw(compliance.DefaultLaw())
		require.NoError(t, err)
		if json.Unmarshal(lawData, &d) == nil {
			if custom, err := compliance.NewLaw(d); err == nil {
				l = custom
			} else {
				var ce *strata.ConfigError
				require.True(t, errors.As(err, &ce), "typed errors only: %v", err)
			}
		}
		c := strata.Customer{ID: "f", Country: country, Kind: strata.KindIndividual}
		_ = json.Unmarshal(consents, &c.Consents)
		now := day("2026-11-23")
		_ = l.CanProcess(&c, compliance.Purpose(purpose), now)
		_ = l.CheckTransfer(&c, country, compliance.Recipient{Country: "US"}, now, compliance.PIPLVolume{Individuals: volume, SensitiveIndividuals: volume / 3})
		_, _ = l.Due(&c, now)
		_ = l.Jurisdictions(&c)
	})
}
