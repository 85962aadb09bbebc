package compliance

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/strata-go/strata"
)

// Regime is a privacy law.
type Regime string

// The regimes Strata knows.
const (
	GDPR   Regime = "gdpr"    // EU/EEA General Data Protection Regulation
	UKGDPR Regime = "uk_gdpr" // UK GDPR and the Data Protection Act 2018
	PIPL   Regime = "pipl"    // China's Personal Information Protection Law
	CCPA   Regime = "ccpa"    // California Consumer Privacy Act, as amended by the CPRA
	LGPD   Regime = "lgpd"    // Brazil's Lei Geral de Proteção de Dados
	PDPASG Regime = "pdpa_sg" // Singapore's Personal Data Protection Act
	APPI   Regime = "appi"    // Japan's Act on the Protection of Personal Information
	PIPA   Regime = "pipa"    // Korea's Personal Information Protection Act
	PIPEDA Regime = "pipeda"  // Canada's PIPEDA, with CASL for commercial messages
	FADP   Regime = "fadp"    // Switzerland's Federal Act on Data Protection
)

// Day is a civil date, "2026-01-26".
type Day string

func (d Day) time() (time.Time, error) {
	if d == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, string(d))
}

// RegimeScope says where a regime applies: to customers in these countries
// or subdivisions (California for the CCPA).
type RegimeScope struct {
	Regime       Regime   `json:"regime"`
	Countries    []string `json:"countries,omitempty"`
	Subdivisions []string `json:"subdivisions,omitempty"`
	Source       string   `json:"source"`
}

// Adequacy is a decision that a country protects data adequately, so data
// may flow there from the deciding regime without further safeguards.
type Adequacy struct {
	Regime  Regime `json:"regime"` // GDPR or UKGDPR
	Country string `json:"country"`
	// CertifiedOnly limits the decision to recipients certified under a
	// framework (the EU-US Data Privacy Framework and its UK extension).
	CertifiedOnly bool   `json:"certified_only,omitempty"`
	Since         Day    `json:"since"`
	Until         Day    `json:"until,omitempty"` // expiry, exclusive; empty: none
	Source        string `json:"source"`
}

// PIPLThresholds are the 2024 cross-border rules' volumes, counted per
// calendar year (from 1 January) by the exporter.
type PIPLThresholds struct {
	// Below Exempt individuals (non-sensitive), no mechanism is needed.
	Exempt int `json:"exempt"`
	// From Exempt to below Assessment individuals, a standard contract or
	// certification; from Assessment up, a CAC security assessment.
	Assessment int `json:"assessment"`
	// Below SensitiveAssessment individuals' sensitive information, a
	// standard contract or certification; from it up, an assessment.
	SensitiveAssessment int    `json:"sensitive_assessment"`
	Source              string `json:"source"`
}

// LawData is the legal reference data Strata decides with: dated, sourced
// and in one place, so a host can review it and replace it at run time
// (NewLaw) when the law changes, without a release.
type LawData struct {
	// AsOf is the date the data was last checked.
	AsOf     Day            `json:"as_of"`
	EU       []string       `json:"eu"`
	EEA      []string       `json:"eea"` // EU plus Iceland, Liechtenstein, Norway
	Regimes  []RegimeScope  `json:"regimes"`
	Adequacy []Adequacy     `json:"adequacy"`
	PIPL     PIPLThresholds `json:"pipl"`
	// Deadlines for data subject requests per regime.
	Deadlines []Deadline `json:"deadlines"`
}

// Deadline is how long a regime gives to answer a data subject request,
// and how far it may be extended.
type Deadline struct {
	Regime Regime `json:"regime"`
	// Months and Days add up: GDPR gives one month, extendable by two.
	Months          int    `json:"months,omitempty"`
	Days            int    `json:"days,omitempty"`
	ExtensionMonths int    `json:"extension_months,omitempty"`
	ExtensionDays   int    `json:"extension_days,omitempty"`
	Source          string `json:"source"`
}

var eu27 = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
	"LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}

// DefaultLaw returns the data Strata ships, checked as of November 2026.
// It is reference data, not legal advice: review it with counsel.
func DefaultLaw() LawData {
	eea := append(slices.Clone(eu27), "IS", "LI", "NO")
	gdprAdequacy := func(country, since, until, source string, certified bool) Adequacy {
		return Adequacy{Regime: GDPR, Country: country, Since: Day(since), Until: Day(until), Source: source, CertifiedOnly: certified}
	}
	ukAdequacy := func(country, since, source string, certified bool) Adequacy {
		return Adequacy{Regime: UKGDPR, Country: country, Since: Day(since), Source: source, CertifiedOnly: certified}
	}
	d := LawData{
		AsOf: "2026-11-01",
		EU:   slices.Clone(eu27),
		EEA:  eea,
		Regimes: []RegimeScope{
			{Regime: GDPR, Countries: eea, Source: "Regulation (EU) 2016/679, Art. 3; EEA Agreement Annex XI"},
			{Regime: UKGDPR, Countries: []string{"GB"}, Source: "UK GDPR; Data Protection Act 2018; Data (Use and Access) Act 2025"},
			{Regime: PIPL, Countries: []string{"CN"}, Source: "中华人民共和国个人信息保护法 (2021), Art. 3"},
			{Regime: CCPA, Subdivisions: []string{"US-CA"}, Source: "Cal. Civ. Code §1798.100 et seq., as amended by the CPRA"},
			{Regime: LGPD, Countries: []string{"BR"}, Source: "Lei nº 13.709/2018"},
			{Regime: PDPASG, Countries: []string{"SG"}, Source: "Personal Data Protection Act 2012"},
			{Regime: APPI, Countries: []string{"JP"}, Source: "個人情報の保護に関する法律; 特定電子メール法"},
			{Regime: PIPA, Countries: []string{"KR"}, Source: "개인정보 보호법"},
			{Regime: PIPEDA, Countries: []string{"CA"}, Source: "PIPEDA; Canada's Anti-Spam Legislation (CASL)"},
			{Regime: FADP, Countries: []string{"CH"}, Source: "Federal Act on Data Protection (revFADP, 2023)"},
		},
		Adequacy: []Adequacy{
			gdprAdequacy("AD", "2010-10-19", "", "Decision 2010/625/EU", false),
			gdprAdequacy("AR", "2003-06-30", "", "Decision 2003/490/EC", false),
			gdprAdequacy("CA", "2001-12-20", "", "Decision 2002/2/EC (organisations under PIPEDA)", false),
			gdprAdequacy("FO", "2010-03-05", "", "Decision 2010/146/EU", false),
			gdprAdequacy("GG", "2003-11-21", "", "Decision 2003/821/EC", false),
			gdprAdequacy("IL", "2011-01-31", "", "Decision 2011/61/EU", false),
			gdprAdequacy("IM", "2004-04-28", "", "Decision 2004/411/EC", false),
			gdprAdequacy("JP", "2019-01-23", "", "Decision (EU) 2019/419", false),
			gdprAdequacy("JE", "2008-05-08", "", "Decision 2008/393/EC", false),
			gdprAdequacy("NZ", "2012-12-19", "", "Decision 2013/65/EU", false),
			gdprAdequacy("KR", "2021-12-17", "", "Decision (EU) 2022/254", false),
			gdprAdequacy("CH", "2000-07-26", "", "Decision 2000/518/EC", false),
			gdprAdequacy("GB", "2021-06-28", "2031-12-27", "Decision (EU) 2021/1772, renewed in 2025 to 27 December 2031", false),
			gdprAdequacy("US", "2023-07-10", "", "Decision (EU) 2023/1795, EU-US Data Privacy Framework: certified organisations only", true),
			gdprAdequacy("UY", "2012-08-21", "", "Decision 2012/484/EU", false),
			gdprAdequacy("BR", "2026-01-26", "", "Commission adequacy decision for Brazil, in force 26 January 2026", false),
			ukAdequacy("CH", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("JP", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("NZ", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("CA", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("IL", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("AR", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("UY", "2021-01-01", "UK adequacy regulations (retained)", false),
			ukAdequacy("KR", "2022-12-19", "The Data Protection (Adequacy) (Republic of Korea) Regulations 2022", false),
			ukAdequacy("US", "2023-10-12", "UK Extension to the EU-US Data Privacy Framework: certified organisations only", true),
		},
		PIPL: PIPLThresholds{Exempt: 100_000, Assessment: 1_000_000, SensitiveAssessment: 10_000,
			Source: "促进和规范数据跨境流动规定 (CAC, in force 22 March 2024), Arts. 5, 7, 8"},
		Deadlines: []Deadline{
			{Regime: GDPR, Months: 1, ExtensionMonths: 2, Source: "GDPR Art. 12(3)"},
			{Regime: UKGDPR, Months: 1, ExtensionMonths: 2, Source: "UK GDPR Art. 12(3)"},
			{Regime: CCPA, Days: 45, ExtensionDays: 45, Source: "Cal. Civ. Code §1798.130(a)(2)"},
			{Regime: PIPL, Days: 30, Source: "GB/T 35273-2020 §8.7 (PIPL Art. 50 requires a timely answer)"},
			{Regime: LGPD, Days: 15, Source: "LGPD Art. 19, II"},
			{Regime: PDPASG, Days: 30, Source: "PDPA Regulations 2021, reg. 4"},
			{Regime: APPI, Days: 14, Source: "APPI Art. 33 (without delay); two weeks by practice"},
			{Regime: PIPA, Days: 10, Source: "PIPA Enforcement Decree Art. 41"},
			{Regime: PIPEDA, Days: 30, ExtensionDays: 30, Source: "PIPEDA s. 8(3)-(4)"},
			{Regime: FADP, Days: 30, Source: "Data Protection Ordinance Art. 18"},
		},
	}
	return d
}

// Law is compiled LawData. It is immutable and safe for concurrent use.
type Law struct {
	data      LawData
	byCountry map[string][]Regime
	bySub     map[string][]Regime
	eea       map[string]bool
	adequacy  []adequacy
	deadlines map[Regime]Deadline
}

type adequacy struct {
	Adequacy
	since, until time.Time
}

// NewLaw validates and compiles law data, reporting every problem at once.
func NewLaw(d LawData) (*Law, error) {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	l := &Law{data: d, byCountry: map[string][]Regime{}, bySub: map[string][]Regime{}, eea: map[string]bool{}, deadlines: map[Regime]Deadline{}}
	for i, c := range d.EEA {
		if !strata.IsCountry(c) {
			bad(fmt.Sprintf("eea[%d]", i), "%q is not a country code", c)
		}
		l.eea[c] = true
	}
	for i, r := range d.Regimes {
		for j, c := range r.Countries {
			if !strata.IsCountry(c) {
				bad(fmt.Sprintf("regimes[%d].countries[%d]", i, j), "%q is not a country code", c)
			}
			l.byCountry[c] = append(l.byCountry[c], r.Regime)
		}
		for j, s := range r.Subdivisions {
			if !strata.IsSubdivision(s) {
				bad(fmt.Sprintf("regimes[%d].subdivisions[%d]", i, j), "%q is not a subdivision code", s)
			}
			l.bySub[s] = append(l.bySub[s], r.Regime)
		}
	}
	for i, a := range d.Adequacy {
		path := fmt.Sprintf("adequacy[%d]", i)
		since, err := a.Since.time()
		if err != nil || a.Since == "" {
			bad(path+".since", "%q is not a date (YYYY-MM-DD)", a.Since)
		}
		until, err := a.Until.time()
		if err != nil {
			bad(path+".until", "%q is not a date (YYYY-MM-DD)", a.Until)
		}
		if !strata.IsCountry(a.Country) {
			bad(path+".country", "%q is not a country code", a.Country)
		}
		if a.Regime != GDPR && a.Regime != UKGDPR {
			bad(path+".regime", "%q: adequacy decisions are GDPR's or UK GDPR's", a.Regime)
		}
		l.adequacy = append(l.adequacy, adequacy{Adequacy: a, since: since, until: until})
	}
	if p := d.PIPL; p.Exempt <= 0 || p.Assessment <= p.Exempt || p.SensitiveAssessment <= 0 {
		bad("pipl", "thresholds must be positive and exempt < assessment")
	}
	for _, dl := range d.Deadlines {
		l.deadlines[dl.Regime] = dl
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return l, nil
}

// Data returns the law data.
func (l *Law) Data() LawData { return l.data }

// Jurisdictions returns the regimes that protect a customer, by where it
// is: GDPR for the EU and EEA, UK GDPR, PIPL for mainland China, the CCPA for
// California, and so on. Empty when the law data lists none.
func (l *Law) Jurisdictions(c *strata.Customer) []Regime {
	var out []Regime
	out = append(out, l.byCountry[c.Country]...)
	if c.Subdivision != "" {
		out = append(out, l.bySub[c.Subdivision]...)
	}
	return out
}

// InEEA reports whether a country is in the European Economic Area.
func (l *Law) InEEA(country string) bool { return l.eea[country] }

// adequate returns the adequacy decision of regime for country in force at now.
func (l *Law) adequate(regime Regime, country string, now time.Time) (adequacy, bool) {
	for _, a := range l.adequacy {
		if a.Regime == regime && a.Country == country && !now.Before(a.since) && (a.until.IsZero() || now.Before(a.until)) {
			return a, true
		}
	}
	return adequacy{}, false
}
