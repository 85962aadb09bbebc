package law

import (
	_ "embed"
	"fmt"
	"slices"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

// Regime names a law: a privacy statute ("gdpr", "pipl", "us_va") or a law
// on electronic marketing ("eprivacy", "uwg", "casl").
type Regime string

// The regimes of BuiltinConfig that code and tests name. US state laws
// other than California's are "us_" and the state's code ("us_va",
// "us_tx"); see BuiltinConfig for the full list.
const (
	GDPR   Regime = "gdpr"    // EU/EEA General Data Protection Regulation
	UKGDPR Regime = "uk_gdpr" // UK GDPR and the Data Protection Act 2018
	PIPL   Regime = "pipl"    // China's Personal Information Protection Law
	CCPA   Regime = "ccpa"    // California Consumer Privacy Act, as amended by the CPRA
	LGPD   Regime = "lgpd"    // Brazil's Lei Geral de Proteção de Dados
	PDPASG Regime = "pdpa_sg" // Singapore's Personal Data Protection Act 2012
	APPI   Regime = "appi"    // Japan's Act on the Protection of Personal Information
	PIPA   Regime = "pipa"    // Korea's Personal Information Protection Act
	PIPEDA Regime = "pipeda"  // Canada's PIPEDA
	FADP   Regime = "fadp"    // Switzerland's Federal Act on Data Protection
	PDPOHK Regime = "pdpo_hk" // Hong Kong's Personal Data (Privacy) Ordinance
	PDPATW Regime = "pdpa_tw" // Taiwan's Personal Data Protection Act
	PDPMO  Regime = "pdp_mo"  // Macao's Personal Data Protection Act (Law 8/2005)
	PDPLVN Regime = "pdpl_vn" // Vietnam's Law on Personal Data Protection (91/2025/QH15)
	DPDPIN Regime = "dpdp_in" // India's Digital Personal Data Protection Act 2023
	PDPATH Regime = "pdpa_th" // Thailand's Personal Data Protection Act B.E. 2562
	PDPID  Regime = "pdp_id"  // Indonesia's Personal Data Protection Law 27/2022
	PDPAMY Regime = "pdpa_my" // Malaysia's Personal Data Protection Act 2010
	DPAPH  Regime = "dpa_ph"  // the Philippines' Data Privacy Act of 2012
	PDPLAE Regime = "pdpl_ae" // the UAE's Federal Decree-Law 45/2021
	PDPLSA Regime = "pdpl_sa" // Saudi Arabia's Personal Data Protection Law

	EPrivacy Regime = "eprivacy" // the ePrivacy Directive 2002/58/EC, Art. 13, as transposed in the EEA
	UWG      Regime = "uwg"      // Germany's Gesetz gegen den unlauteren Wettbewerb, §7
	PECR     Regime = "pecr"     // the UK's Privacy and Electronic Communications Regulations 2003
	CASL     Regime = "casl"     // Canada's Anti-Spam Legislation
	CANSPAM  Regime = "can_spam" // the US CAN-SPAM Act
)

// StatuteKind says what a statute governs.
type StatuteKind string

// The kinds of statute.
const (
	// KindPrivacy: a data protection law (lawful bases, requests,
	// transfers).
	KindPrivacy StatuteKind = "privacy"
	// KindMarketing: a law on electronic marketing messages; it answers
	// only for marketing purposes.
	KindMarketing StatuteKind = "e_marketing"
)

// Purpose is why personal data is processed.
type Purpose string

// The purposes the built-in rules name. Hosts may use others: a statute
// answers for them with its "*" rule, and without one requires consent.
const (
	PurposeService        Purpose = "service"               // performing the contract: orders, delivery, support
	PurposeMarketingEmail Purpose = "marketing_email"       // newsletters, offers by email
	PurposeMarketingCall  Purpose = "marketing_call"        // sales calls and messages
	PurposeProfiling      Purpose = "profiling"             // scoring and segmentation
	PurposeAnalytics      Purpose = "analytics"             // aggregate reporting
	PurposeTransfer       Purpose = "cross_border_transfer" // sending data abroad
	AnyPurpose            Purpose = "*"                     // in a rule: every purpose no earlier rule names
)

// Basis is what processing rests on.
type Basis string

// The bases.
const (
	BasisConsent             Basis = "consent"
	BasisSeparateConsent     Basis = "separate_consent" // PIPL's 单独同意: consent given on its own
	BasisContract            Basis = "contract"
	BasisLegitimateInterests Basis = "legitimate_interests"
	BasisOptOut              Basis = "opt_out"           // allowed until the person objects
	BasisNotice              Basis = "notice"            // within a purpose notified to the person (APPI)
	BasisExistingCustomer    Basis = "existing_customer" // the existing-customer exception to consent
	BasisNone                Basis = "none"              // the statute sets no requirement; in a decision: no basis
)

// Audience says whom a rule covers.
type Audience string

// The audiences. A customer whose Kind is not recorded counts as an
// individual.
const (
	Anyone      Audience = "anyone"
	Individuals Audience = "individuals" // natural persons, and customers of unknown kind
	Businesses  Audience = "businesses"  // enterprises, resellers, partners
)

// Config is the legal reference data Strata decides with: dated, sourced
// and in one place, so that a host can review it and replace or extend it
// at run time (New) when the law changes, without a release. It is
// reference data, not legal advice.
type Config struct {
	// Checked is when the data was last checked as a whole; each statute
	// carries its own date too.
	Checked strata.Date `json:"checked"`
	// EEA lists the European Economic Area: the EU plus Iceland,
	// Liechtenstein and Norway. "EEA" in a transfer area stands for it.
	EEA      []string       `json:"eea"`
	Regimes  []Statute      `json:"regimes"`
	Adequacy []Adequacy     `json:"adequacy"`
	PIPL     PIPLThresholds `json:"pipl"`
	// Practice holds answer periods that are house practice or a
	// recommended standard, not statute, kept apart from the statutes'
	// own periods.
	Practice []Practice `json:"practice,omitempty"`
}

// Statute is one law: where it applies, from when, whom it binds, what each
// purpose needs under it, how fast it wants requests answered and how it
// treats exports.
type Statute struct {
	Regime Regime      `json:"regime"`
	Name   string      `json:"name"`
	Kind   StatuteKind `json:"kind"`
	// Countries and Subdivisions (ISO 3166) where customers are protected.
	Countries    []string `json:"countries,omitempty"`
	Subdivisions []string `json:"subdivisions,omitempty"`
	// InForce is the first day its obligations apply; before it the
	// statute is not applied.
	InForce strata.Date `json:"in_force"`
	// Source cites the text (and amendments) the entry was checked
	// against, URL where it can be read, Checked when.
	Source  string      `json:"source"`
	URL     string      `json:"url,omitempty"`
	Checked strata.Date `json:"checked"`
	// Unverified lists facts in this entry that were not confirmed against
	// the source and need review before they are relied on.
	Unverified []string `json:"unverified,omitempty"`
	// ConsumersOnly: the statute protects individuals only as consumers,
	// not as business contacts (most US state laws).
	ConsumersOnly bool `json:"consumers_only,omitempty"`
	// AppliesTo is the statute's applicability test for the business,
	// where it binds only some businesses. Decisions assume it applies;
	// Engine.Applies checks it.
	AppliesTo *Threshold `json:"applies_to,omitempty"`
	// Rules say what each purpose needs, first match wins; a privacy
	// statute with no rule for a purpose requires consent for it, and the
	// service of the customer's own contract rests on the contract unless
	// a rule says otherwise.
	Rules []PurposeRule `json:"rules"`
	// Requests is the statute's deadline for answering a data subject's
	// request (privacy statutes).
	Requests *Deadline `json:"requests,omitempty"`
	// Transfer is how the statute treats exports of personal data from
	// its countries (privacy statutes).
	Transfer *TransferRule `json:"transfer,omitempty"`
}

// PurposeRule is what one purpose needs under a statute, for one audience.
type PurposeRule struct {
	// Purpose, or "*" for any purpose no earlier rule names.
	Purpose Purpose `json:"purpose"`
	// Who the rule covers: anyone, individuals or businesses.
	Who Audience `json:"who"`
	// Basis the processing needs or rests on.
	Basis Basis `json:"basis"`
	// ExistingCustomer is the exception to consent for marketing to
	// existing customers, where the statute has one.
	ExistingCustomer *SoftOptIn `json:"existing_customer,omitempty"`
	Source           string     `json:"source"`
	// Unverified marks a rule not confirmed against the source.
	Unverified bool `json:"unverified,omitempty"`
}

// SoftOptIn is the existing-customer exception to consent for electronic
// marketing (ePrivacy Directive Art. 13(2), UWG §7(3), PECR reg. 22(3),
// CASL s. 10(10)).
type SoftOptIn struct {
	// WithinMonths of the customer's last purchase (CASL: 24); 0: no limit.
	WithinMonths int `json:"within_months,omitempty"`
	// ImpliedByPurchase: the purchase alone is enough (CASL's implied
	// consent). Otherwise the host must have recorded, as a consent record
	// for the purpose with basis "existing_customer", that the address was
	// collected in a sale with the chance to object offered then.
	ImpliedByPurchase bool `json:"implied_by_purchase,omitempty"`
	// Conditions every message must meet: own similar products only, an
	// opt-out in every message.
	Conditions []string `json:"conditions"`
	Source     string   `json:"source"`
}

// Threshold is a statute's applicability test: it binds a business that
// meets any one of the tests written (all of them with RevenueAndVolume).
type Threshold struct {
	// Text is the test in the statute's words, for people.
	Text string `json:"text"`
	// Consumers: personal data of at least this many consumers a year.
	Consumers int `json:"consumers,omitempty"`
	// ConsumersWithSales and SalesRevenuePercent: data of at least
	// ConsumersWithSales consumers and more than SalesRevenuePercent % of
	// gross revenue from selling personal data (0 %: any revenue or
	// discount from sales).
	ConsumersWithSales  int `json:"consumers_with_sales,omitempty"`
	SalesRevenuePercent int `json:"sales_revenue_percent,omitempty"`
	// AnnualRevenueUSD: gross annual revenue above this.
	AnnualRevenueUSD int64 `json:"annual_revenue_usd,omitempty"`
	// RevenueAndVolume: the revenue test must be met together with one of
	// the volume tests (Utah, Tennessee).
	RevenueAndVolume bool `json:"revenue_and_volume,omitempty"`
	// AnySale: selling any personal data is enough; AnySensitive:
	// processing any sensitive data is enough (Connecticut from 1 July 2026).
	AnySale      bool `json:"any_sale,omitempty"`
	AnySensitive bool `json:"any_sensitive,omitempty"`
	// SmallBusinessExempt: no numeric test, but small businesses as the US
	// SBA defines them are exempt (Texas, Nebraska).
	SmallBusinessExempt bool `json:"small_business_exempt,omitempty"`
}

// Period is a length of time counted in calendar months and days, as
// statutes count deadlines.
type Period struct {
	Months int `json:"months,omitempty"`
	Days   int `json:"days,omitempty"`
}

// IsZero reports whether p is no time at all.
func (p Period) IsZero() bool { return p == Period{} }

// Deadline is how fast a statute wants a data subject's request answered.
// A statute that says only "without delay" has a zero Answer: Strata does
// not invent days the law does not set.
type Deadline struct {
	// Wording is the statute's requirement in words: "without undue delay
	// and in any event within one month".
	Wording string `json:"wording"`
	// Answer is the period to answer, Extension how much longer it may be
	// extended by.
	Answer    Period `json:"answer,omitzero"`
	Extension Period `json:"extension,omitzero"`
	// Notice is a period within which the applicant must be told when the
	// answer will come, where the statute sets one (Singapore: 30 days).
	Notice Period `json:"notice,omitzero"`
	Source string `json:"source"`
}

// Practice is an answer period that is not statute: a recommended national
// standard or the host's own policy.
type Practice struct {
	Regime Regime `json:"regime"`
	Answer Period `json:"answer"`
	Source string `json:"source"`
}

// TransferModel is how a statute treats exports.
type TransferModel string

// The transfer models.
const (
	// TransferFree: no statutory restriction on destinations; the exporter
	// stays accountable (Hong Kong, the Philippines, the US states).
	TransferFree TransferModel = "free"
	// TransferAdequacy: allowed within the area and to destinations with an
	// adequacy decision in force; elsewhere a safeguard is needed.
	TransferAdequacy TransferModel = "adequacy"
	// TransferFiling: allowed once an impact assessment is filed with the
	// authority (Vietnam).
	TransferFiling TransferModel = "filing"
	// TransferRestrictedList: allowed except to destinations the government
	// has restricted (India, s. 16).
	TransferRestrictedList TransferModel = "restricted_list"
	// TransferPIPL: China's rules: separate consent, then the 2024 volumes
	// and exemptions.
	TransferPIPL TransferModel = "pipl"
)

// Safeguard is a measure in place with a recipient abroad.
type Safeguard string

// The safeguards a transfer rule may accept.
const (
	SafeguardSCC           Safeguard = "scc"                // standard contractual clauses for the exporting regime (EU SCCs, UK IDTA or Addendum, ANPD clauses …)
	SafeguardBCR           Safeguard = "bcr"                // binding corporate rules
	SafeguardDPF           Safeguard = "dpf"                // the recipient is certified under the EU-US (and UK, Swiss) Data Privacy Framework
	SafeguardCertification Safeguard = "certification"      // a certification the statute recognises (APEC CBPR …)
	SafeguardFiled         Safeguard = "filed_assessment"   // a transfer impact assessment filed with the authority
	SafeguardPIPLContract  Safeguard = "pipl_contract"      // the PIPL standard contract, signed and filed
	SafeguardPIPLCert      Safeguard = "pipl_certification" // PIPL personal information protection certification
	SafeguardPIPLAssessed  Safeguard = "pipl_assessment"    // a CAC security assessment covers the transfer
)

// TransferRule is how a statute treats exports of personal data.
type TransferRule struct {
	Model TransferModel `json:"model"`
	// Area lists destinations treated as inside the regime; "EEA" stands
	// for Config.EEA.
	Area []string `json:"area,omitempty"`
	// Accepts lists the safeguards that allow an export elsewhere, and
	// Needs says in words what the exporter needs.
	Accepts []Safeguard `json:"accepts,omitempty"`
	Needs   string      `json:"needs,omitempty"`
	// ConsentAllows: the individual's consent to the transfer is enough
	// (APPI Art. 28).
	ConsentAllows bool `json:"consent_allows,omitempty"`
	// Restricted lists destinations exports to which are barred.
	Restricted []string `json:"restricted,omitempty"`
	Source     string   `json:"source"`
	Unverified bool     `json:"unverified,omitempty"`
}

// Coverage says which recipients an adequacy decision covers.
type Coverage string

// The coverages.
const (
	CoverageFull      Coverage = "full"
	CoverageCertified Coverage = "certified" // only recipients certified under a framework (the Data Privacy Framework)
)

// Adequacy is a decision that a destination protects data adequately, so
// data may flow there from the deciding regime without further safeguards.
type Adequacy struct {
	Regime   Regime      `json:"regime"`
	Country  string      `json:"country"`
	Coverage Coverage    `json:"coverage"`
	Since    strata.Date `json:"since"`
	// Until is when the decision expires (exclusive); zero: no expiry.
	Until  strata.Date `json:"until,omitzero"`
	Source string      `json:"source"`
}

// PIPLThresholds are the volumes of the CAC Provisions on Promoting and
// Regulating Cross-Border Data Flows (2024), counted per calendar year
// from 1 January by the exporter.
type PIPLThresholds struct {
	// Below Exempt individuals (non-sensitive) a non-CIIO exporter needs
	// no mechanism (Art. 5(4)).
	Exempt int `json:"exempt"`
	// From Exempt to below Assessment individuals, a standard contract or
	// certification (Art. 8); from Assessment up, a CAC security
	// assessment (Art. 7).
	Assessment int `json:"assessment"`
	// Below SensitiveAssessment individuals' sensitive information, a
	// standard contract or certification; from it up, an assessment.
	SensitiveAssessment int    `json:"sensitive_assessment"`
	Source              string `json:"source"`
}

// ParseConfig reads law data from JSON or YAML (JSON when data starts with
// '{'), strictly: unknown keys, values of the wrong type and missing
// required fields are errors, each a *strata.ConfigError naming its path
// and its line and column, all returned at once. It does not validate the
// data; New does. The JSON Schema of the format is config.schema.json
// beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

//go:embed builtin.yaml
var builtinYAML []byte

// builtin is builtin.yaml, parsed once when the package is initialised; a
// test checks the file, so a failure here cannot reach a release.
var builtin = func() Config {
	c, err := ParseConfig(builtinYAML)
	if err != nil {
		panic(fmt.Sprintf("law: builtin.yaml: %v", err))
	}
	return c
}()

// BuiltinConfig returns the law data Strata maintains (builtin.yaml beside
// this package): the privacy statutes of the EEA, the UK, China, the US
// states with comprehensive laws, Brazil, Canada, Switzerland, Japan,
// Korea, Singapore, Hong Kong, Taiwan, Macao, Vietnam, India, Thailand,
// Indonesia, Malaysia, the Philippines, the UAE and Saudi Arabia; the
// electronic-marketing laws of the EEA, Germany, the UK, Canada and the
// US; EU and UK adequacy decisions; and China's 2024 export volumes. Each
// entry names its source and the date it was checked, and lists what was
// not confirmed (Unverified); Sources summarises them. It is reference
// data, not legal advice: review it with counsel. Each call returns a new
// copy.
func BuiltinConfig() Config { return cloneConfig(builtin) }

// cloneConfig returns a deep copy of c: no slice, map or pointer is shared.
func cloneConfig(c Config) Config {
	c.EEA = slices.Clone(c.EEA)
	c.Adequacy = slices.Clone(c.Adequacy)
	c.Practice = slices.Clone(c.Practice)
	c.Regimes = slices.Clone(c.Regimes)
	for i := range c.Regimes {
		c.Regimes[i] = cloneStatute(c.Regimes[i])
	}
	return c
}

func cloneStatute(s Statute) Statute {
	s.Countries = slices.Clone(s.Countries)
	s.Subdivisions = slices.Clone(s.Subdivisions)
	s.Unverified = slices.Clone(s.Unverified)
	s.AppliesTo = clonePtr(s.AppliesTo)
	s.Requests = clonePtr(s.Requests)
	if s.Transfer != nil {
		t := *s.Transfer
		t.Area, t.Accepts, t.Restricted = slices.Clone(t.Area), slices.Clone(t.Accepts), slices.Clone(t.Restricted)
		s.Transfer = &t
	}
	s.Rules = slices.Clone(s.Rules)
	for j, r := range s.Rules {
		if r.ExistingCustomer != nil {
			o := *r.ExistingCustomer
			o.Conditions = slices.Clone(o.Conditions)
			s.Rules[j].ExistingCustomer = &o
		}
	}
	return s
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Sources lists where the built-in law data comes from: one entry per
// statute (its citation, the date it took effect as its version, the date
// it was checked) and one for the adequacy decisions. A host can log them
// beside its decisions.
func Sources() []strata.DataSource {
	out := make([]strata.DataSource, 0, len(builtin.Regimes)+1)
	for _, s := range builtin.Regimes {
		ds := strata.DataSource{Table: "law: " + s.Name + " (" + string(s.Regime) + ")", Source: s.Source,
			Version: "in force " + s.InForce.String(), URL: s.URL, Checked: s.Checked}
		if len(s.Unverified) > 0 {
			ds.Version += fmt.Sprintf("; %d facts unverified", len(s.Unverified))
		}
		out = append(out, ds)
	}
	var decisions []string
	for _, a := range builtin.Adequacy {
		if !slices.Contains(decisions, a.Source) {
			decisions = append(decisions, a.Source)
		}
	}
	out = append(out, strata.DataSource{Table: "law: adequacy decisions", Source: fmt.Sprintf("%d decisions of the European Commission and UK regulations", len(decisions)),
		Version: "checked " + builtin.Checked.String(), Checked: builtin.Checked})
	return out
}
