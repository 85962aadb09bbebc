package law_test

import (
	"fmt"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/compliance/law"
)

var exampleNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func exampleEngine() *law.Engine {
	e, err := law.New(law.BuiltinConfig())
	if err != nil {
		panic(err)
	}
	return e
}

func ExampleNew() {
	cfg := law.BuiltinConfig()
	cfg.Adequacy = append(cfg.Adequacy, law.Adequacy{Regime: law.GDPR, Country: "IN", Since: strata.Date{Year: 2026, Month: 6, Day: 1},
		Source: "a decision the host has read about"})
	_, err := law.New(cfg)
	fmt.Println(err)
	// Output:
	// adequacy[36].coverage: "": want full or certified
}

func ExampleParseConfig() {
	_, err := law.ParseConfig([]byte(`
checked: 2026-12-01
eea: [DE]
regimes:
  - regime: gdpr
    name: GDPR
    kind: privacy
    countrys: [DE]
`))
	fmt.Println(err)
	// Output:
	// 8:5: regimes[0].countrys: unknown field (did you mean "countries"?)
	// 5:5: regimes[0].in_force: required field missing
	// 5:5: regimes[0].source: required field missing
	// 5:5: regimes[0].checked: required field missing
	// 5:5: regimes[0].rules: required field missing
	// 2:1: adequacy: required field missing
	// 2:1: pipl: required field missing
}

func ExampleBuiltinConfig() {
	cfg := law.BuiltinConfig()
	for _, s := range cfg.Regimes {
		if s.Regime == law.PDPOHK || s.Regime == "us_tx" {
			fmt.Printf("%s: %s, in force %s, checked %s\n", s.Regime, s.Name, s.InForce, s.Checked)
		}
	}
	// Output:
	// pdpo_hk: Personal Data (Privacy) Ordinance (Cap. 486), in force 1996-12-20, checked 2026-12-01
	// us_tx: Texas Data Privacy and Security Act, in force 2024-07-01, checked 2026-12-01
}

func ExampleSources() {
	for _, s := range law.Sources()[:2] {
		fmt.Println(s.Table, "|", s.Version, "|", s.Checked)
	}
	// Output:
	// law: General Data Protection Regulation (gdpr) | in force 2018-05-25 | 2026-12-01
	// law: ePrivacy Directive (unsolicited communications), as transposed in the EEA (eprivacy) | in force 2003-10-31; 1 facts unverified | 2026-12-01
}

func ExampleEngine_Jurisdictions() {
	e := exampleEngine()
	for _, c := range []strata.Customer{{Country: "DE"}, {Country: "HK"}, {Country: "US", Subdivision: "US-TX"}, {Country: "cn"}} {
		r, err := e.Jurisdictions(&c, exampleNow)
		fmt.Println(c.Country, r, err)
	}
	// Output:
	// DE [gdpr eprivacy uwg] <nil>
	// HK [pdpo_hk hk_uemo] <nil>
	// US [can_spam us_tx] <nil>
	// cn [] law: invalid country code: country "cn" is not an ISO 3166-1 alpha-2 code
}

func ExampleEngine_CanProcess() {
	e := exampleEngine()
	anna := strata.Customer{ID: "P-1", Kind: strata.KindIndividual, Country: "FR"}
	firma := strata.Customer{ID: "B-1", Kind: strata.KindEnterprise, Country: "DE", Orders: 3, LastOrderAt: exampleNow.AddDate(0, -2, 0),
		Consents: []strata.Consent{{Purpose: "marketing_email", Basis: "existing_customer", State: strata.ConsentGranted,
			At: exampleNow.AddDate(0, -2, 0), Source: "checkout, opt-out box shown"}}}
	li := strata.Customer{ID: "P-2", Kind: strata.KindEnterprise, Country: "CN"}
	for _, q := range []struct {
		c       *strata.Customer
		purpose law.Purpose
	}{{&anna, law.PurposeMarketingEmail}, {&anna, law.PurposeProfiling}, {&firma, law.PurposeMarketingEmail}, {&li, law.PurposeProfiling}} {
		d, _ := e.CanProcess(q.c, q.purpose, exampleNow)
		fmt.Printf("%s %s: %v\n", q.c.Country, q.purpose, d.Allowed)
		for _, chk := range d.Checks {
			fmt.Printf("  %s: %s %v\n", chk.Regime, chk.Basis, chk.Conditions)
		}
	}
	// Output:
	// FR marketing_email: false
	//   gdpr: legitimate_interests []
	//   eprivacy: none []
	// FR profiling: true
	//   gdpr: legitimate_interests []
	// DE marketing_email: true
	//   gdpr: legitimate_interests []
	//   eprivacy: existing_customer [advertise only your own similar products or services offer a free and easy opt-out in every message, as was offered when the address was collected]
	//   uwg: existing_customer [the address was obtained from the customer in connection with the sale of goods or services advertise only your own similar goods or services stop when the customer objects say clearly, when the address is collected and in every message, that the customer may object at any time at no cost beyond basic transmission rates]
	// CN profiling: false
	//   pipl: none []
}

func ExampleEngine_CheckTransfer() {
	e := exampleEngine()
	c := strata.Customer{ID: "C-GB-3", Country: "GB"}
	for _, to := range []law.Recipient{{Country: "FR"}, {Country: "JE"}, {Country: "US"}, {Country: "CN"}, {Country: "CN", Safeguards: []law.Safeguard{law.SafeguardSCC}}} {
		d, _ := e.CheckTransfer(&c, law.Transfer{From: "GB", To: to}, exampleNow)
		fmt.Printf("GB → %s %v: %s\n", to.Country, to.Safeguards, d.Outcome)
	}
	cn := strata.Customer{ID: "C-CN-1", Country: "CN"}
	d, _ := e.CheckTransfer(&cn, law.Transfer{From: "CN", To: law.Recipient{Country: "US"},
		PIPL: &law.PIPLExport{Individuals: 2_000_000, ContractNecessity: true}}, exampleNow)
	fmt.Println("CN → US, 2,000,000 individuals, contract necessity:", d.Outcome)
	// Output:
	// GB → FR []: allowed
	// GB → JE []: allowed
	// GB → US []: needs_scc
	// GB → CN []: needs_scc
	// GB → CN [scc]: allowed
	// CN → US, 2,000,000 individuals, contract necessity: exempt
}

func ExampleEngine_Deadlines() {
	e := exampleEngine()
	received := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, country := range []string{"DE", "JP", "SG", "CN"} {
		dd, _ := e.Deadlines(&strata.Customer{Country: country}, received)
		d := dd[0]
		fmt.Printf("%s %s: due %s, notice %s, target %s — %s\n", country, d.Regime, date(d.Due), date(d.Notice), date(d.Target), d.Wording)
	}
	// Output:
	// DE gdpr: due 2026-04-02, notice -, target - — without undue delay and in any event within one month of receipt, extendable by two further months where necessary
	// JP appi: due -, notice -, target - — 遅滞なく (without delay): no number of days
	// SG pdpa_sg: due -, notice 2026-04-01, target - — as soon as reasonably possible; if not within 30 days, tell the applicant within those 30 days when the answer will come
	// CN pipl: due -, notice -, target 2026-04-01 — 及时 (timely): PIPL sets no number of days
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func ExampleEngine_Applies() {
	e := exampleEngine()
	small := law.Business{Consumers: 40_000}
	for _, r := range []law.Regime{"us_va", "us_ct", "us_de"} {
		ok, _, _ := e.Applies(r, small)
		fmt.Println(r, ok)
	}
	// Output:
	// us_va false
	// us_ct true
	// us_de true
}

func ExampleEngine_PlanErasure() {
	e := exampleEngine()
	p, _ := compliance.New(compliance.StarterConfig("CN"))
	received := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{ID: "C-FR-8", Name: "Atelier Dubois", Country: "FR", Orders: 4,
		LastOrderAt: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)}
	plan, _ := e.PlanErasure(p, &c, law.AccountingHolds(&c), received)
	fmt.Println("due:", plan.Due[0].Due.Format(time.DateOnly), "extendable to", plan.Due[0].Extended.Format(time.DateOnly), "—", plan.Due[0].Source)
	for _, f := range plan.Pseudonymize {
		fmt.Println("pseudonymize:", f.Field)
	}
	fmt.Println("keep:", len(plan.Keep), "fields, such as", plan.Keep[0].Field)
	fmt.Println("erase:", len(plan.Erase), "fields, such as", plan.Erase[0].Field)
	_ = plan.Apply(&c)
	fmt.Println(c.Name, c.Country)
	// Output:
	// due: 2026-12-23 extendable to 2027-02-23 — GDPR Art. 12(3)
	// pseudonymize: name
	// keep: 8 fields, such as attrs.credit_days
	// erase: 12 fields, such as attrs
	// erased-C-FR-8 FR
}

func ExampleEngine_Export() {
	e := exampleEngine()
	p, _ := compliance.New(compliance.StarterConfig("CN"))
	c := strata.Customer{ID: "C-FR-8", Name: "Atelier Dubois", Country: "FR", Attrs: map[string]any{"national_id": "X1", "credit_days": 30}}
	out, _ := e.Export(p, &c, exampleNow)
	for _, f := range out.Fields[:2] {
		fmt.Println(f.Field, f.Value, f.Categories)
	}
	fmt.Println(out.Fields[len(out.Fields)-1].Field)
	// Output:
	// name Atelier Dubois [user.name user.professional_information.workplace]
	// country FR [user.contact.address.country]
	// attrs.national_id
}

func ExampleRetention_Check() {
	r := law.StarterRetention()
	c := strata.Customer{Orders: 2, LastOrderAt: time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC)}
	expired, why, _ := r.Check(&c, exampleNow)
	fmt.Println(expired, why)
	// Output:
	// true no order since 2015-03-01, past 3650 days
}

func ExampleAccountingHolds() {
	c := strata.Customer{Orders: 2, LastOrderAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	h := law.AccountingHolds(&c)[0]
	fmt.Println(h.Fields, h.Until.Format(time.DateOnly))
	// Output:
	// [id revenue profit orders first_order_at last_order_at country] 2036-03-01
}
