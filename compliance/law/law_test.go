package law_test

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
	"github.com/strata-go/strata/internal/schema/schematest"
)

func engine(t testing.TB) *law.Engine {
	t.Helper()
	e, err := law.New(law.BuiltinConfig())
	require.NoError(t, err)
	return e
}

func day(s string) time.Time {
	d, err := strata.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d.In(time.UTC).Add(12 * time.Hour)
}

func consent(purpose law.Purpose, state strata.ConsentState, at string, separate bool) strata.Consent {
	return strata.Consent{Purpose: string(purpose), State: state, At: day(at), Source: "web form", Separate: separate}
}

// TestBuiltinConfigFile checks builtin.yaml against the schema, the strict
// loader and a round trip, and that every statute is sourced and dated.
func TestBuiltinConfigFile(t *testing.T) {
	data, err := os.ReadFile("builtin.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, law.ParseConfig)
	assert.Equal(t, law.BuiltinConfig(), cfg)
	_, err = law.New(cfg)
	require.NoError(t, err)
	for _, s := range cfg.Regimes {
		assert.NotEmpty(t, s.Source, s.Regime)
		assert.False(t, s.Checked.IsZero(), s.Regime)
		assert.False(t, s.InForce.IsZero(), s.Regime)
		if s.Kind == law.KindPrivacy {
			assert.NotNil(t, s.Requests, "%s has no request deadline entry", s.Regime)
			assert.NotNil(t, s.Transfer, "%s has no transfer rule", s.Regime)
		}
	}
	sources := law.Sources()
	assert.Len(t, sources, len(cfg.Regimes)+1)
	for _, s := range sources {
		assert.NotEmpty(t, s.Source, s.Table)
		assert.False(t, s.Checked.IsZero(), s.Table)
	}
}

func TestBuiltinConfigIsACopy(t *testing.T) {
	a := law.BuiltinConfig()
	a.Regimes[0].Countries[0] = "XX"
	a.EEA = nil
	b := law.BuiltinConfig()
	assert.Equal(t, "AT", b.Regimes[0].Countries[0])
	assert.NotEmpty(t, b.EEA)
	e := engine(t)
	c := e.Config()
	c.Regimes = nil
	assert.NotEmpty(t, e.Config().Regimes)
}

func TestJurisdictions(t *testing.T) {
	e := engine(t)
	for _, tt := range []struct {
		country, sub string
		at           string
		want         []law.Regime
	}{
		{"DE", "DE-BY", "2026-11-23", []law.Regime{law.GDPR, law.EPrivacy, law.UWG}},
		{"FR", "", "2026-11-23", []law.Regime{law.GDPR, law.EPrivacy}},
		{"NO", "", "2026-11-23", []law.Regime{law.GDPR, law.EPrivacy}},
		{"GB", "", "2026-11-23", []law.Regime{law.UKGDPR, law.PECR}},
		{"CN", "CN-SH", "2026-11-23", []law.Regime{law.PIPL}},
		{"HK", "", "2026-11-23", []law.Regime{law.PDPOHK, "hk_uemo"}},
		{"MO", "", "2026-11-23", []law.Regime{law.PDPMO}},
		{"TW", "", "2026-11-23", []law.Regime{law.PDPATW}},
		{"VN", "", "2026-11-23", []law.Regime{law.PDPLVN}},
		{"VN", "", "2025-12-31", nil},
		{"IN", "", "2026-11-23", nil},
		{"IN", "", "2027-05-13", []law.Regime{law.DPDPIN}},
		{"TH", "", "2026-11-23", []law.Regime{law.PDPATH}},
		{"ID", "", "2026-11-23", []law.Regime{law.PDPID}},
		{"MY", "", "2026-11-23", []law.Regime{law.PDPAMY}},
		{"PH", "", "2026-11-23", []law.Regime{law.DPAPH}},
		{"AE", "", "2026-11-23", []law.Regime{law.PDPLAE}},
		{"SA", "", "2026-11-23", []law.Regime{law.PDPLSA}},
		{"US", "US-CA", "2026-11-23", []law.Regime{law.CANSPAM, law.CCPA}},
		{"US", "US-TX", "2026-11-23", []law.Regime{law.CANSPAM, "us_tx"}},
		{"US", "US-VA", "2026-11-23", []law.Regime{law.CANSPAM, "us_va"}},
		{"US", "US-FL", "2026-11-23", []law.Regime{law.CANSPAM}},
		{"US", "US-IN", "2025-12-31", []law.Regime{law.CANSPAM}},
		{"US", "US-IN", "2026-01-01", []law.Regime{law.CANSPAM, "us_in"}},
		{"BR", "", "2026-11-23", []law.Regime{law.LGPD}},
		{"SG", "", "2026-11-23", []law.Regime{law.PDPASG, "sg_spam_control"}},
		{"CH", "", "2026-11-23", []law.Regime{law.FADP, "uwg_ch"}},
		{"AQ", "", "2026-11-23", nil},
	} {
		t.Run(tt.country+tt.sub+tt.at, func(t *testing.T) {
			c := strata.Customer{Country: tt.country, Subdivision: tt.sub}
			got, err := e.Jurisdictions(&c, day(tt.at))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	assert.True(t, e.InEEA("LI"))
	assert.False(t, e.InEEA("CH"))
}

// TestFailClosed: malformed or unknown country codes used to be allowed
// (CheckTransfer from "cn", "" or "CN ", CanProcess for any country it did
// not recognise); now they are errors.
func TestFailClosed(t *testing.T) {
	e := engine(t)
	now := day("2026-11-23")
	for _, country := range []string{"cn", "CN ", "", "XX", "China", "C"} {
		t.Run("country "+country, func(t *testing.T) {
			c := &strata.Customer{ID: "x", Country: country}
			_, err := e.Jurisdictions(c, now)
			require.ErrorIs(t, err, law.ErrCountry)
			_, err = e.CanProcess(c, law.PurposeMarketingEmail, now)
			require.ErrorIs(t, err, law.ErrCountry)
			_, err = e.Deadlines(c, now)
			require.ErrorIs(t, err, law.ErrCountry)
			ok := &strata.Customer{ID: "x", Country: "CN"}
			_, err = e.CheckTransfer(ok, law.Transfer{From: country, To: law.Recipient{Country: "US"}, PIPL: &law.PIPLExport{}}, now)
			require.ErrorIs(t, err, law.ErrCountry)
			_, err = e.CheckTransfer(ok, law.Transfer{From: "CN", To: law.Recipient{Country: country}, PIPL: &law.PIPLExport{}}, now)
			require.ErrorIs(t, err, law.ErrCountry)
		})
	}
	_, err := e.Jurisdictions(&strata.Customer{Country: "US", Subdivision: "DE-BY"}, now)
	require.ErrorIs(t, err, law.ErrCountry, "a subdivision of another country")
	_, err = e.Jurisdictions(&strata.Customer{Country: "US", Subdivision: "US-ZZ"}, now)
	require.ErrorIs(t, err, law.ErrCountry)
	_, err = e.CanProcess(&strata.Customer{Country: "DE"}, "", now)
	require.Error(t, err)
	_, err = e.CheckTransfer(&strata.Customer{Country: "CN"}, law.Transfer{From: "CN", To: law.Recipient{Country: "US"}}, now)
	require.ErrorIs(t, err, law.ErrNoPIPLExport)
}

// TestNoPanics: nil and zero values are errors.
func TestNoPanics(t *testing.T) {
	now := day("2026-11-23")
	c := &strata.Customer{ID: "x", Country: "DE"}
	var zero law.Engine
	var nilEngine *law.Engine
	p, err := compliance.New(compliance.StarterConfig("CN"))
	require.NoError(t, err)
	for name, e := range map[string]*law.Engine{"zero": &zero, "nil": nilEngine} {
		t.Run(name, func(t *testing.T) {
			_, err := e.Jurisdictions(c, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.CanProcess(c, law.PurposeProfiling, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.CheckTransfer(c, law.Transfer{From: "DE", To: law.Recipient{Country: "US"}}, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.Deadlines(c, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.PlanErasure(p, c, nil, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.Export(p, c, now)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, err = e.Statute(law.GDPR)
			require.ErrorIs(t, err, law.ErrNoEngine)
			_, _, err = e.Applies(law.GDPR, law.Business{})
			require.ErrorIs(t, err, law.ErrNoEngine)
			assert.False(t, e.InEEA("DE"))
			assert.Equal(t, law.Config{}, nilEngine.Config())
		})
	}
	e := engine(t)
	_, err = e.Jurisdictions(nil, now)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	_, err = e.CanProcess(nil, law.PurposeProfiling, now)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	_, err = e.CheckTransfer(nil, law.Transfer{From: "DE", To: law.Recipient{Country: "US"}}, now)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	_, err = e.PlanErasure(nil, c, nil, now)
	require.ErrorIs(t, err, compliance.ErrNoPolicy)
	_, err = e.PlanErasure(p, nil, nil, now)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	_, err = e.Export(&compliance.Policy{}, c, now)
	require.ErrorIs(t, err, compliance.ErrNoPolicy)
	require.ErrorIs(t, law.ErasurePlan{}.Apply(nil), compliance.ErrNilCustomer)
	_, _, err = law.Retention{}.Check(c, now)
	require.ErrorIs(t, err, law.ErrNoRetention)
	_, _, err = law.StarterRetention().Check(nil, now)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	assert.Nil(t, law.AccountingHolds(nil))
	_, err = e.Statute("nope")
	require.ErrorIs(t, err, law.ErrUnknownRegime)
}

func TestCanProcess(t *testing.T) {
	e := engine(t)
	now := day("2026-11-23")
	person := func(country string, consents ...strata.Consent) *strata.Customer {
		return &strata.Customer{ID: "p", Kind: strata.KindIndividual, Country: country, Consents: consents}
	}
	company := func(country string, consents ...strata.Consent) *strata.Customer {
		return &strata.Customer{ID: "c", Kind: strata.KindEnterprise, Country: country, Consents: consents}
	}
	buyer := func(kind strata.Kind, country string, lastOrder string, consents ...strata.Consent) *strata.Customer {
		return &strata.Customer{ID: "b", Kind: kind, Country: country, Orders: 3, LastOrderAt: day(lastOrder), Consents: consents}
	}
	softOptIn := strata.Consent{Purpose: string(law.PurposeMarketingEmail), Basis: "existing_customer", State: strata.ConsentGranted,
		At: day("2025-05-01"), Source: "checkout: opt-out box shown"}
	granted := consent(law.PurposeMarketingEmail, strata.ConsentGranted, "2026-03-01", false)
	for _, tt := range []struct {
		name    string
		c       *strata.Customer
		purpose law.Purpose
		allow   bool
		reason  string
	}{
		{"EU individual, marketing email, no consent", person("FR"), law.PurposeMarketingEmail, false, "eprivacy: no consent recorded, and consent is required"},
		{"EU individual, marketing email, consent", person("FR", granted), law.PurposeMarketingEmail, true, "eprivacy: consent granted on 2026-03-01"},
		{"EU profiling on legitimate interests", person("DE"), law.PurposeProfiling, true, "gdpr: legitimate interests"},
		{"withdrawn consent wins", company("DE", consent(law.PurposeMarketingEmail, strata.ConsentGranted, "2025-01-01", false),
			consent(law.PurposeMarketingEmail, strata.ConsentWithdrawn, "2026-06-01", false)), law.PurposeMarketingEmail, false, "withdrawn on 2026-06-01; withdrawal wins"},
		{"a later grant after withdrawal", company("DE", consent(law.PurposeMarketingEmail, strata.ConsentWithdrawn, "2025-01-01", false),
			consent(law.PurposeMarketingEmail, strata.ConsentGranted, "2026-06-01", false)), law.PurposeMarketingEmail, true, "uwg: consent granted on 2026-06-01"},
		{"a future record does not count yet", person("FR", consent(law.PurposeMarketingEmail, strata.ConsentGranted, "2027-01-01", false)),
			law.PurposeMarketingEmail, false, "no consent recorded"},
		// UWG §7(2): consent for advertising email to businesses too.
		{"German business without consent", company("DE"), law.PurposeMarketingEmail, false, "uwg: no consent recorded"},
		{"German business with consent", company("DE", granted), law.PurposeMarketingEmail, true, "uwg: consent granted"},
		// A customer of unknown kind is an individual, not allowed by default.
		{"unknown kind is an individual", &strata.Customer{ID: "u", Country: "FR"}, law.PurposeMarketingEmail, false, "eprivacy: no consent recorded"},
		// PECR's corporate-subscriber opt-out (reg. 22) is for corporate
		// subscribers only: a UK customer of unknown kind is an individual.
		{"UK unknown kind: no corporate opt-out", &strata.Customer{ID: "u", Country: "GB"}, law.PurposeMarketingEmail, false,
			"pecr: no consent recorded, and consent is required; the existing-customer exception does not apply: the customer has not bought (PECR reg. 22(2): individual subscribers must have consented)"},
		{"UK unknown kind with consent", &strata.Customer{ID: "u", Country: "GB", Consents: []strata.Consent{granted}}, law.PurposeMarketingEmail, true, "pecr: consent granted on 2026-03-01"},
		// UWG §7(2) Nr. 2: prior consent whatever the kind.
		{"German unknown kind: consent required", &strata.Customer{ID: "u", Country: "DE"}, law.PurposeMarketingEmail, false,
			"uwg: no consent recorded, and consent is required"},
		{"German unknown kind with consent", &strata.Customer{ID: "u", Country: "DE", Consents: []strata.Consent{granted}}, law.PurposeMarketingEmail, true, "uwg: consent granted on 2026-03-01"},
		// The existing-customer exception, modelled.
		{"existing German customer with the soft opt-in record", buyer(strata.KindIndividual, "DE", "2026-05-01", softOptIn),
			law.PurposeMarketingEmail, true, "uwg: an existing customer whose address was collected in a sale with an opt-out offered"},
		{"existing German customer without the record", buyer(strata.KindIndividual, "DE", "2026-05-01"),
			law.PurposeMarketingEmail, false, `the existing-customer exception does not apply: no record (basis "existing_customer")`},
		{"the soft opt-in record without orders", person("DE", softOptIn), law.PurposeMarketingEmail, false, "the customer has not bought"},
		{"UK individual existing customer", buyer(strata.KindIndividual, "GB", "2026-05-01", softOptIn), law.PurposeMarketingEmail, true, "pecr: an existing customer"},
		{"UK corporate subscriber: opt-out", company("GB"), law.PurposeMarketingEmail, true, "pecr: allowed until the person opts out"},
		// Consent.Basis is read: a legitimate-interests record is not consent.
		{"PIPL: a legitimate-interests record is not consent", company("CN", strata.Consent{Purpose: string(law.PurposeProfiling),
			Basis: "legitimate_interests", State: strata.ConsentGranted, At: day("2026-01-01")}), law.PurposeProfiling, false, "the record rests on legitimate_interests, which is not consent"},
		{"PIPL has no legitimate interests", company("CN"), law.PurposeProfiling, false, "pipl: no consent recorded"},
		{"PIPL contract performance", company("CN"), law.PurposeService, true, "pipl: necessary to perform the contract"},
		{"PIPL pending consent", company("CN", consent(law.PurposeMarketingEmail, strata.ConsentPending, "2026-10-01", false)),
			law.PurposeMarketingEmail, false, "consent is pending, not granted"},
		{"PIPL transfer needs separate consent", company("CN", consent(law.PurposeTransfer, strata.ConsentGranted, "2026-10-01", false)),
			law.PurposeTransfer, false, "separate consent (单独同意) is required"},
		{"PIPL transfer with separate consent", company("CN", consent(law.PurposeTransfer, strata.ConsentGranted, "2026-10-01", true)),
			law.PurposeTransfer, true, "pipl: consent granted"},
		{"CCPA is opt-out", &strata.Customer{Country: "US", Subdivision: "US-CA", Kind: strata.KindIndividual}, law.PurposeProfiling, true, "ccpa: allowed until the person opts out"},
		{"CAN-SPAM is opt-out", person("US"), law.PurposeMarketingEmail, true, "can_spam: allowed until the person opts out"},
		{"no statute answers", person("AQ"), law.PurposeProfiling, true, "no statute in the law data answers for profiling in AQ"},
		{"Virginia protects consumers only", &strata.Customer{Country: "US", Subdivision: "US-VA", Kind: strata.KindEnterprise}, law.PurposeProfiling, true, "no statute in the law data answers"},
		{"Virginia consumer: opt-out", &strata.Customer{Country: "US", Subdivision: "US-VA"}, law.PurposeProfiling, true, "us_va: allowed until the person opts out"},
		{"Canada: implied consent from a recent purchase", buyer("", "CA", "2026-01-01"), law.PurposeMarketingEmail, true, "casl: implied consent"},
		{"Canada: purchase more than two years ago", buyer("", "CA", "2024-01-01"), law.PurposeMarketingEmail, false, "no purchase within the last 24 months"},
		{"Singapore business contact", company("SG"), law.PurposeMarketingEmail, true, "business contact information"},
		{"Hong Kong direct marketing needs consent", company("HK"), law.PurposeMarketingEmail, false, "pdpo_hk: no consent recorded"},
		{"Taiwan marketing is opt-out", person("TW"), law.PurposeMarketingEmail, true, "pdpa_tw: allowed until the person opts out"},
		{"Japan: advertising email to an existing customer", buyer(strata.KindEnterprise, "JP", "2026-01-01"), law.PurposeMarketingEmail, true, "appi: implied consent"},
		{"Malaysia: consent for profiling", company("MY"), law.PurposeProfiling, false, "pdpa_my: no consent recorded"},
		{"Thailand: legitimate interests for analytics", company("TH"), law.PurposeAnalytics, true, "pdpa_th: legitimate interests"},
		{"UAE: consent beyond the contract", person("AE"), law.PurposeProfiling, false, "pdpl_ae: no consent recorded"},
		{"Saudi marketing needs consent", company("SA"), law.PurposeMarketingEmail, false, "pdpl_sa: no consent recorded"},
		{"a host purpose under GDPR falls to the * rule", person("DE"), "loyalty_points", true, "gdpr: legitimate interests"},
		{"a host purpose under PIPL needs consent", person("CN"), "loyalty_points", false, "pipl: no consent recorded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := e.CanProcess(tt.c, tt.purpose, now)
			require.NoError(t, err)
			assert.Equal(t, tt.allow, d.Allowed, d.Reason)
			assert.Contains(t, d.Reason, tt.reason)
		})
	}
}

// TestSoftOptInConditions: an allowed existing-customer email lists what
// every message must do.
func TestSoftOptInConditions(t *testing.T) {
	e := engine(t)
	c := &strata.Customer{ID: "b", Kind: strata.KindIndividual, Country: "DE", Orders: 1, LastOrderAt: day("2026-01-01"),
		Consents: []strata.Consent{{Purpose: "marketing_email", Basis: "existing_customer", State: strata.ConsentGranted, At: day("2026-01-01")}}}
	d, err := e.CanProcess(c, law.PurposeMarketingEmail, day("2026-11-23"))
	require.NoError(t, err)
	require.True(t, d.Allowed, d.Reason)
	var uwg law.RegimeCheck
	for _, chk := range d.Checks {
		if chk.Regime == law.UWG {
			uwg = chk
		}
	}
	assert.Equal(t, law.BasisExistingCustomer, uwg.Basis)
	assert.Contains(t, uwg.Conditions, "advertise only your own similar goods or services")
	assert.Contains(t, uwg.Source, "UWG §7(3)")
}
