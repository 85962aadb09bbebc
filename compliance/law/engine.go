package law

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

// Errors the Engine's methods return; match with errors.Is.
var (
	// ErrNoEngine: the Engine is nil or was not built with New.
	ErrNoEngine = errors.New("law: no engine (nil, or not built with New)")
	// ErrCountry: a country or subdivision code is malformed or unknown
	// ("cn", "CN ", "", "XX"): compliance decisions fail closed.
	ErrCountry = errors.New("law: invalid country code")
	// ErrUnknownRegime: a regime not in the law data.
	ErrUnknownRegime = errors.New("law: unknown regime")
	// ErrNoPIPLExport: an export from China was checked without the
	// year's PIPL volumes.
	ErrNoPIPLExport = errors.New("law: an export from China needs the year's PIPL volumes (Transfer.PIPL)")
)

// Engine is compiled law data. It is immutable and safe for concurrent
// use. The zero Engine and a nil *Engine refuse every call with
// ErrNoEngine.
type Engine struct {
	cfg       Config
	statutes  []statute
	byCountry map[string][]int // statute indexes, in configuration order
	bySub     map[string][]int
	eea       map[string]bool
	adequacy  []Adequacy
	practice  map[Regime]Practice
}

type statute struct {
	Statute
	inForce time.Time
	area    map[string]bool
}

// New validates and compiles law data, reporting every problem at once,
// each a *strata.ConfigError naming its path.
func New(cfg Config) (*Engine, error) {
	var errs problems
	cfg = cloneConfig(cfg)
	e := &Engine{cfg: cfg, byCountry: map[string][]int{}, bySub: map[string][]int{}, eea: map[string]bool{},
		practice: map[Regime]Practice{}}
	if cfg.Checked.IsZero() {
		errs.add("checked", "required: the date the data was last checked")
	}
	for i, c := range cfg.EEA {
		if !strata.IsCountry(c) {
			errs.add(fmt.Sprintf("eea[%d]", i), "%q is not an ISO 3166-1 alpha-2 country code", trunc(c))
		}
		e.eea[c] = true
	}
	seen := map[Regime]int{}
	for i, s := range cfg.Regimes {
		path := fmt.Sprintf("regimes[%d]", i)
		if j, dup := seen[s.Regime]; dup && s.Regime != "" {
			errs.add(path+".regime", "%q is already regimes[%d]", trunc(string(s.Regime)), j)
		}
		seen[s.Regime] = i
		st := e.compileStatute(&errs, path, s)
		for _, c := range s.Countries {
			e.byCountry[c] = append(e.byCountry[c], i)
		}
		for _, sub := range s.Subdivisions {
			e.bySub[sub] = append(e.bySub[sub], i)
		}
		e.statutes = append(e.statutes, st)
	}
	e.compileAdequacy(&errs, seen)
	checkPIPL(&errs, cfg.PIPL)
	for i, p := range cfg.Practice {
		path := fmt.Sprintf("practice[%d]", i)
		if _, ok := seen[p.Regime]; !ok {
			errs.add(path+".regime", "%q is not a regime of the data", trunc(string(p.Regime)))
		}
		if p.Answer.IsZero() || p.Answer.Months < 0 || p.Answer.Days < 0 {
			errs.add(path+".answer", "a positive period is required")
		}
		if p.Source == "" {
			errs.add(path+".source", "required: whose practice or which standard")
		}
		e.practice[p.Regime] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// problems collects configuration problems.
type problems []error

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// trunc shortens user text for an error message.
func trunc(s string) string {
	if len(s) <= 64 {
		return s
	}
	return strings.ToValidUTF8(s[:64], "") + "…"
}

func (e *Engine) compileStatute(errs *problems, path string, s Statute) statute {
	st := statute{Statute: s, inForce: s.InForce.In(time.UTC), area: map[string]bool{}}
	required := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			errs.add(path+"."+field, "required")
		}
	}
	required("regime", string(s.Regime))
	required("name", s.Name)
	required("source", s.Source)
	if s.Kind != KindPrivacy && s.Kind != KindMarketing {
		errs.add(path+".kind", "%q: want privacy or e_marketing", trunc(string(s.Kind)))
	}
	if s.InForce.IsZero() {
		errs.add(path+".in_force", "required: the first day the statute's obligations apply")
	}
	if s.Checked.IsZero() {
		errs.add(path+".checked", "required: the date the entry was checked against its source")
	}
	if len(s.Countries)+len(s.Subdivisions) == 0 {
		errs.add(path, "a statute needs countries or subdivisions")
	}
	for j, c := range s.Countries {
		if !strata.IsCountry(c) {
			errs.add(fmt.Sprintf("%s.countries[%d]", path, j), "%q is not an ISO 3166-1 alpha-2 country code", trunc(c))
		}
	}
	for j, sub := range s.Subdivisions {
		if !strata.IsSubdivision(sub) {
			errs.add(fmt.Sprintf("%s.subdivisions[%d]", path, j), "%q is not an ISO 3166-2 subdivision code", trunc(sub))
		}
	}
	for j, r := range s.Rules {
		checkRule(errs, fmt.Sprintf("%s.rules[%d]", path, j), r)
	}
	if s.Requests != nil {
		checkDeadline(errs, path+".requests", *s.Requests)
	}
	if s.Kind == KindMarketing && (s.Requests != nil || s.Transfer != nil) {
		errs.add(path, "an e_marketing statute has no requests or transfer rules")
	}
	if t := s.Transfer; t != nil {
		e.checkTransferRule(errs, path+".transfer", *t, st.area)
	}
	return st
}

func checkRule(errs *problems, path string, r PurposeRule) {
	if r.Purpose == "" {
		errs.add(path+".purpose", `required: a purpose, or "*"`)
	}
	switch r.Who {
	case Anyone, Individuals, Businesses:
	default:
		errs.add(path+".who", "%q: want anyone, individuals or businesses", trunc(string(r.Who)))
	}
	switch r.Basis {
	case BasisConsent, BasisSeparateConsent, BasisContract, BasisLegitimateInterests, BasisOptOut, BasisNotice, BasisNone:
	default:
		errs.add(path+".basis", "%q: want consent, separate_consent, contract, legitimate_interests, opt_out, notice or none", trunc(string(r.Basis)))
	}
	if r.Source == "" {
		errs.add(path+".source", "required")
	}
	if o := r.ExistingCustomer; o != nil {
		if r.Basis != BasisConsent {
			errs.add(path+".existing_customer", "an exception to consent needs basis consent")
		}
		if len(o.Conditions) == 0 || o.Source == "" || o.WithinMonths < 0 {
			errs.add(path+".existing_customer", "needs its conditions, its source and a non-negative within_months")
		}
	}
}

func checkDeadline(errs *problems, path string, d Deadline) {
	if d.Wording == "" {
		errs.add(path+".wording", "required: the statute's words")
	}
	if d.Source == "" {
		errs.add(path+".source", "required")
	}
	for _, p := range []struct {
		name string
		p    Period
	}{{"answer", d.Answer}, {"extension", d.Extension}, {"notice", d.Notice}} {
		if p.p.Months < 0 || p.p.Days < 0 || p.p.Months > 120 || p.p.Days > 3650 {
			errs.add(path+"."+p.name, "out of range")
		}
	}
}

func (e *Engine) checkTransferRule(errs *problems, path string, t TransferRule, area map[string]bool) {
	switch t.Model {
	case TransferFree, TransferAdequacy, TransferFiling, TransferRestrictedList, TransferPIPL:
	default:
		errs.add(path+".model", "%q: want free, adequacy, filing, restricted_list or pipl", trunc(string(t.Model)))
	}
	if t.Source == "" {
		errs.add(path+".source", "required")
	}
	for j, c := range t.Area {
		switch {
		case c == "EEA":
			for k := range e.eea {
				area[k] = true
			}
		case strata.IsCountry(c):
			area[c] = true
		default:
			errs.add(fmt.Sprintf("%s.area[%d]", path, j), `%q is neither "EEA" nor a country code`, trunc(c))
		}
	}
	for j, c := range t.Restricted {
		if !strata.IsCountry(c) {
			errs.add(fmt.Sprintf("%s.restricted[%d]", path, j), "%q is not a country code", trunc(c))
		}
	}
	if (t.Model == TransferAdequacy || t.Model == TransferFiling) && t.Needs == "" {
		errs.add(path+".needs", "required: what an export outside the area needs")
	}
}

func (e *Engine) compileAdequacy(errs *problems, regimes map[Regime]int) {
	for i, a := range e.cfg.Adequacy {
		path := fmt.Sprintf("adequacy[%d]", i)
		if a.Since.IsZero() {
			errs.add(path+".since", "required")
		}
		if !a.Until.IsZero() && !a.Until.After(a.Since) {
			errs.add(path+".until", "must be after since")
		}
		if a.Country != "EEA" && !strata.IsCountry(a.Country) {
			errs.add(path+".country", `%q is neither "EEA" nor an ISO 3166-1 alpha-2 country code`, trunc(a.Country))
		}
		if j, ok := regimes[a.Regime]; !ok || e.cfg.Regimes[j].Transfer == nil || e.cfg.Regimes[j].Transfer.Model != TransferAdequacy {
			errs.add(path+".regime", "%q: adequacy decisions belong to a regime whose transfer model is adequacy", trunc(string(a.Regime)))
		}
		if a.Coverage != CoverageFull && a.Coverage != CoverageCertified {
			errs.add(path+".coverage", "%q: want full or certified", trunc(string(a.Coverage)))
		}
		if a.Source == "" {
			errs.add(path+".source", "required")
		}
		if a.Country != "EEA" {
			e.adequacy = append(e.adequacy, a)
			continue
		}
		for _, c := range e.cfg.EEA {
			each := a
			each.Country = c
			e.adequacy = append(e.adequacy, each)
		}
	}
}

func checkPIPL(errs *problems, p PIPLThresholds) {
	if p.Exempt <= 0 || p.Assessment <= p.Exempt || p.SensitiveAssessment <= 0 {
		errs.add("pipl", "thresholds must be positive and exempt below assessment")
	}
	if p.Source == "" {
		errs.add("pipl.source", "required")
	}
}

// Config returns a copy of the law data the engine was built from.
func (e *Engine) Config() Config {
	if e == nil {
		return Config{}
	}
	return cloneConfig(e.cfg)
}

func (e *Engine) ready() error {
	if e == nil || e.byCountry == nil {
		return ErrNoEngine
	}
	return nil
}

// where validates a customer's location: an ISO 3166-1 country code in
// upper case, and a subdivision of that country if one is given.
func where(c *strata.Customer) error {
	if c == nil {
		return compliance.ErrNilCustomer
	}
	if err := checkCountry("country", c.Country); err != nil {
		return err
	}
	if c.Subdivision != "" && (!strata.IsSubdivision(c.Subdivision) || !strings.HasPrefix(c.Subdivision, c.Country+"-")) {
		return fmt.Errorf("%w: subdivision %q is not an ISO 3166-2 subdivision of %s", ErrCountry, trunc(c.Subdivision), c.Country)
	}
	return nil
}

func checkCountry(what, code string) error {
	if !strata.IsCountry(code) {
		return fmt.Errorf("%w: %s %q is not an ISO 3166-1 alpha-2 code", ErrCountry, what, trunc(code))
	}
	return nil
}

// statutesFor returns the statutes in force at now that protect a customer
// at c's location, in configuration order.
func (e *Engine) statutesFor(c *strata.Customer, now time.Time) []*statute {
	idx := slices.Clone(e.byCountry[c.Country])
	if c.Subdivision != "" {
		idx = append(idx, e.bySub[c.Subdivision]...)
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	out := make([]*statute, 0, len(idx))
	for _, i := range idx {
		if s := &e.statutes[i]; !now.Before(s.inForce) {
			out = append(out, s)
		}
	}
	return out
}

// Jurisdictions returns the regimes that protect a customer at now, by
// where it is, in configuration order: privacy statutes and
// electronic-marketing laws (GDPR and the ePrivacy rules for the EEA, UK
// GDPR and PECR, PIPL for mainland China, the CCPA for California, PDPO for
// Hong Kong …). A statute not yet in force at now is left out. A nil
// customer, a malformed or unknown country code, or a subdivision not of
// that country is an error.
func (e *Engine) Jurisdictions(c *strata.Customer, now time.Time) ([]Regime, error) {
	if err := e.ready(); err != nil {
		return nil, err
	}
	if err := where(c); err != nil {
		return nil, err
	}
	var out []Regime
	for _, s := range e.statutesFor(c, now) {
		out = append(out, s.Regime)
	}
	return out, nil
}

// Statute returns the data of one regime.
func (e *Engine) Statute(r Regime) (Statute, error) {
	if err := e.ready(); err != nil {
		return Statute{}, err
	}
	for _, s := range e.cfg.Regimes {
		if s.Regime == r {
			return s, nil
		}
	}
	return Statute{}, fmt.Errorf("%w %q", ErrUnknownRegime, trunc(string(r)))
}

// InEEA reports whether a country is in the European Economic Area.
func (e *Engine) InEEA(country string) bool { return e != nil && e.eea[country] }

// Business is what a statute's applicability test asks about the company.
type Business struct {
	// Consumers whose personal data it controls or processes in a year in
	// the statute's state (excluding data processed only to complete a
	// payment, where the statute excludes it).
	Consumers int
	// SalesRevenuePercent of gross revenue from selling personal data, and
	// whether it sells any.
	SalesRevenuePercent float64
	SellsData           bool
	// ProcessesSensitiveData of any consumer.
	ProcessesSensitiveData bool
	// AnnualRevenueUSD is gross annual revenue.
	AnnualRevenueUSD int64
	// SmallBusiness as the US Small Business Administration defines it.
	SmallBusiness bool
}

// Applies reports whether regime r binds a business, by the statute's
// applicability test, and why. A statute without a test binds everyone it
// reaches.
func (e *Engine) Applies(r Regime, b Business) (bool, string, error) {
	s, err := e.Statute(r)
	if err != nil {
		return false, "", err
	}
	t := s.AppliesTo
	if t == nil {
		return true, "the statute has no applicability threshold", nil
	}
	volume := t.Consumers > 0 && b.Consumers >= t.Consumers ||
		t.ConsumersWithSales > 0 && b.Consumers >= t.ConsumersWithSales && b.SellsData && b.SalesRevenuePercent > float64(t.SalesRevenuePercent) ||
		t.AnySale && b.SellsData || t.AnySensitive && b.ProcessesSensitiveData
	revenue := t.AnnualRevenueUSD > 0 && b.AnnualRevenueUSD > t.AnnualRevenueUSD
	var applies bool
	switch {
	case t.SmallBusinessExempt:
		applies = !b.SmallBusiness
	case t.RevenueAndVolume:
		applies = revenue && volume
	default:
		applies = revenue || volume
	}
	return applies, t.Text, nil
}
