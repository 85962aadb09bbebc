package law

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// TransferOutcome is what a cross-border transfer needs.
type TransferOutcome string

// The outcomes of CheckTransfer.
const (
	TransferAllowed         TransferOutcome = "allowed"   // no restriction, within the area, adequacy, or a safeguard in place
	TransferNeedsSCC        TransferOutcome = "needs_scc" // standard contractual clauses or another safeguard the statute accepts
	TransferNeedsFiling     TransferOutcome = "needs_filing"
	TransferNeedsPIPLFiling TransferOutcome = "needs_pipl_contract_or_certification"
	TransferNeedsAssessment TransferOutcome = "needs_security_assessment" // a CAC security assessment
	TransferExempt          TransferOutcome = "exempt"
	TransferDenied          TransferOutcome = "denied"
)

// Recipient is who receives data abroad (a rep's office, a subsidiary, a
// vendor) and the safeguards in place with it. No safeguards is the zero
// value.
type Recipient struct {
	Name       string      `json:"name,omitempty"`
	Country    string      `json:"country"`
	Safeguards []Safeguard `json:"safeguards,omitempty"`
}

// PIPLExport is what an exporter from China counts since 1 January of the
// current year, and the facts of this transfer, so that the 2024 Provisions
// can be applied; the host keeps it.
type PIPLExport struct {
	// Individuals whose (non-sensitive) personal information was exported
	// this year, this customer included.
	Individuals int `json:"individuals"`
	// SensitiveIndividuals whose sensitive personal information was exported.
	SensitiveIndividuals int `json:"sensitive_individuals"`
	// CIIO: the exporter is a critical information infrastructure operator.
	CIIO bool `json:"ciio"`
	// ImportantData: the export includes data identified as important.
	ImportantData bool `json:"important_data"`
	// The exemptions of Art. 5(1)–(3), whatever the volume: the transfer is
	// necessary to conclude or perform a contract the individual is party
	// to (cross-border sales, delivery, payment), for cross-border human
	// resources management, or to protect life, health or property in an
	// emergency.
	ContractNecessity bool `json:"contract_necessity,omitempty"`
	HRManagement      bool `json:"hr_management,omitempty"`
	Emergency         bool `json:"emergency,omitempty"`
}

// Transfer is one export to check: from the country where the data is, to
// a recipient, with China's volumes when it leaves China.
type Transfer struct {
	From string      `json:"from"`
	To   Recipient   `json:"to"`
	PIPL *PIPLExport `json:"pipl,omitempty"`
}

// TransferDecision is the answer of CheckTransfer.
type TransferDecision struct {
	Outcome   TransferOutcome `json:"outcome"`
	Regime    Regime          `json:"regime,omitempty"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Mechanism string          `json:"mechanism,omitempty"` // "adequacy", "scc", "PIPL standard contract" …
	Reason    string          `json:"reason"`
}

// Permitted reports whether the data may go now: allowed or exempt.
func (d TransferDecision) Permitted() bool {
	return d.Outcome == TransferAllowed || d.Outcome == TransferExempt
}

// CheckTransfer decides whether a customer's data may go from one country
// to a recipient in another at now, by the transfer rule of the exporting
// country's privacy statute in force then:
//
//   - a withdrawn consent to cross-border transfer denies it everywhere;
//   - adequacy (GDPR, UK GDPR, LGPD, FADP, APPI …): within the area (the
//     EEA for GDPR; for UK GDPR also Gibraltar, and Guernsey, Jersey and
//     the Isle of Man by adequacy regulations), or to a destination with an
//     adequacy decision in force (the US only for DPF-certified
//     recipients) it is allowed; elsewhere it needs a safeguard the
//     statute accepts (allowed once in place), or the individual's consent
//     where the statute allows that;
//   - PIPL: an important-data export needs a CAC security assessment; a
//     transfer necessary for a contract with the individual, for
//     cross-border HR management or in an emergency is exempt whatever the
//     volume; otherwise it needs the individual's separate consent, and
//     then a CIIO needs an assessment, and others by this year's volumes
//     are exempt (under 100,000 individuals, no sensitive data), need the
//     standard contract or certification (100,000 to under 1,000,000, or
//     sensitive data of under 10,000) or an assessment (more);
//   - filing (Vietnam): allowed once the impact assessment is filed;
//   - restricted_list (India): allowed except to barred destinations;
//   - free: allowed, the exporter staying accountable.
//
// A valid exporting country without a privacy statute in the data allows
// it, and the reason says so. Malformed or unknown country codes ("cn",
// "CN ", ""), a nil customer, and an export from China without PIPL
// volumes are errors.
func (e *Engine) CheckTransfer(c *strata.Customer, t Transfer, now time.Time) (TransferDecision, error) {
	d := TransferDecision{From: t.From, To: t.To.Country}
	if err := e.ready(); err != nil {
		return d, err
	}
	if err := where(c); err != nil {
		return d, err
	}
	if err := checkCountry("from", t.From); err != nil {
		return d, err
	}
	if err := checkCountry("to", t.To.Country); err != nil {
		return d, err
	}
	if cs, ok := latestConsent(c, PurposeTransfer, now); ok && cs.State == strata.ConsentWithdrawn {
		d.Outcome = TransferDenied
		d.Reason = fmt.Sprintf("the customer withdrew consent to cross-border transfer on %s", cs.At.Format(time.DateOnly))
		return d, nil
	}
	if t.From == t.To.Country {
		d.Outcome, d.Reason = TransferAllowed, "not a cross-border transfer"
		return d, nil
	}
	s := e.exporter(t.From, now)
	if s == nil {
		d.Outcome = TransferAllowed
		d.Reason = fmt.Sprintf("no transfer rules in the law data for exports from %s", t.From)
		return d, nil
	}
	d.Regime = s.Regime
	rule := *s.Transfer
	switch rule.Model {
	case TransferPIPL:
		if t.PIPL == nil {
			return d, ErrNoPIPLExport
		}
		return e.piplTransfer(c, d, t.To, now, *t.PIPL), nil
	case TransferAdequacy:
		return e.adequacyTransfer(s, c, d, t.To, now), nil
	case TransferFiling:
		if accepts(rule, t.To) {
			d.Outcome, d.Mechanism, d.Reason = TransferAllowed, string(SafeguardFiled), "the impact assessment is filed ("+rule.Source+")"
			return d, nil
		}
		d.Outcome, d.Reason = TransferNeedsFiling, "needs "+rule.Needs+" ("+rule.Source+")"
		return d, nil
	case TransferRestrictedList:
		if slices.Contains(rule.Restricted, t.To.Country) {
			d.Outcome, d.Reason = TransferDenied, t.To.Country+" is a restricted destination ("+rule.Source+")"
			return d, nil
		}
		d.Outcome, d.Reason = TransferAllowed, t.To.Country+" is not a restricted destination ("+rule.Source+")"
		return d, nil
	}
	d.Outcome, d.Reason = TransferAllowed, "no statutory restriction on destinations; the exporter stays accountable ("+rule.Source+")"
	return d, nil
}

// exporter returns the privacy statute of the exporting country in force
// at now that has transfer rules.
func (e *Engine) exporter(from string, now time.Time) *statute {
	for _, i := range e.byCountry[from] {
		s := &e.statutes[i]
		if s.Kind == KindPrivacy && s.Transfer != nil && !now.Before(s.inForce) {
			return s
		}
	}
	return nil
}

// accepts reports whether a safeguard in place with the recipient is one
// the rule accepts.
func accepts(rule TransferRule, to Recipient) bool {
	for _, g := range to.Safeguards {
		if slices.Contains(rule.Accepts, g) {
			return true
		}
	}
	return false
}

func (e *Engine) adequacyTransfer(s *statute, c *strata.Customer, d TransferDecision, to Recipient, now time.Time) TransferDecision {
	rule := *s.Transfer
	if s.area[to.Country] {
		d.Outcome, d.Mechanism = TransferAllowed, "area"
		d.Reason = fmt.Sprintf("%s is within the area %s treats as its own (%s)", to.Country, s.Regime, rule.Source)
		return d
	}
	certifiedOnly := false
	if a, ok := e.adequate(s.Regime, to.Country, now); ok {
		if a.Coverage == CoverageFull || slices.Contains(to.Safeguards, SafeguardDPF) {
			d.Outcome, d.Mechanism = TransferAllowed, "adequacy"
			d.Reason = fmt.Sprintf("adequacy decision for %s in force since %s (%s)", to.Country, a.Since, a.Source)
			if !a.Until.IsZero() {
				d.Reason += ", until " + a.Until.String()
			}
			return d
		}
		certifiedOnly = true
	}
	if accepts(rule, to) {
		d.Outcome, d.Mechanism = TransferAllowed, string(firstAccepted(rule, to))
		d.Reason = "safeguarded by " + d.Mechanism + " with the recipient (" + rule.Source + ")"
		return d
	}
	if rule.ConsentAllows {
		if cs, ok := latestConsent(c, PurposeTransfer, now); ok && cs.State == strata.ConsentGranted && isConsent(cs) {
			d.Outcome, d.Mechanism = TransferAllowed, "consent"
			d.Reason = "the individual consented to the transfer on " + cs.At.Format(time.DateOnly) + " (" + rule.Source + ")"
			return d
		}
	}
	d.Outcome = TransferNeedsSCC
	d.Reason = "no adequacy decision for " + to.Country
	if certifiedOnly {
		d.Reason = "the adequacy decision for " + to.Country + " covers only DPF-certified recipients"
	}
	d.Reason += "; needs " + rule.Needs + " (" + rule.Source + ")"
	return d
}

func firstAccepted(rule TransferRule, to Recipient) Safeguard {
	for _, g := range to.Safeguards {
		if slices.Contains(rule.Accepts, g) {
			return g
		}
	}
	return ""
}

// adequate returns the adequacy decision of regime for country in force at now.
func (e *Engine) adequate(regime Regime, country string, now time.Time) (Adequacy, bool) {
	for _, a := range e.adequacy {
		if a.Regime != regime || a.Country != country || now.Before(a.Since.In(time.UTC)) {
			continue
		}
		if a.Until.IsZero() || now.Before(a.Until.In(time.UTC)) {
			return a, true
		}
	}
	return Adequacy{}, false
}

// piplTransfer applies the CAC Provisions on Promoting and Regulating
// Cross-Border Data Flows (2024) in their order: important data first, then
// the exemptions of Art. 5(1)–(3) whatever the volume, then separate
// consent, then a CIIO, then the volumes.
func (e *Engine) piplTransfer(c *strata.Customer, d TransferDecision, to Recipient, now time.Time, v PIPLExport) TransferDecision {
	t := e.cfg.PIPL
	src := " (" + t.Source + ")"
	if v.ImportantData {
		return piplNeeds(d, to, TransferNeedsAssessment, "the export includes important data (Art. 7)"+src)
	}
	switch {
	case v.ContractNecessity:
		d.Outcome, d.Reason = TransferExempt, "exempt whatever the volume: necessary to conclude or perform a contract the individual is party to (Art. 5(1))"+src
		return d
	case v.HRManagement:
		d.Outcome, d.Reason = TransferExempt, "exempt whatever the volume: necessary for cross-border human resources management (Art. 5(2))"+src
		return d
	case v.Emergency:
		d.Outcome, d.Reason = TransferExempt, "exempt whatever the volume: necessary to protect life, health or property in an emergency (Art. 5(3))"+src
		return d
	}
	if cs, ok := latestConsent(c, PurposeTransfer, now); !ok || cs.State != strata.ConsentGranted || !cs.Separate || !isConsent(cs) {
		d.Outcome = TransferDenied
		d.Reason = "PIPL Art. 39: transfer abroad needs the individual's separate consent (单独同意), and none is recorded"
		return d
	}
	var need TransferOutcome
	var why string
	switch {
	case v.CIIO:
		need, why = TransferNeedsAssessment, "the exporter is a CIIO, which has no volume exemption (Art. 7(1))"
	case v.Individuals >= t.Assessment:
		need, why = TransferNeedsAssessment, fmt.Sprintf("%d individuals this year (≥ %d, Art. 7(2))", v.Individuals, t.Assessment)
	case v.SensitiveIndividuals >= t.SensitiveAssessment:
		need, why = TransferNeedsAssessment, fmt.Sprintf("sensitive data of %d individuals this year (≥ %d, Art. 7(2))", v.SensitiveIndividuals, t.SensitiveAssessment)
	case v.Individuals >= t.Exempt:
		need, why = TransferNeedsPIPLFiling, fmt.Sprintf("%d individuals this year (%d to under %d, Art. 8)", v.Individuals, t.Exempt, t.Assessment)
	case v.SensitiveIndividuals > 0:
		need, why = TransferNeedsPIPLFiling, fmt.Sprintf("sensitive data of %d individuals this year (under %d, Art. 8)", v.SensitiveIndividuals, t.SensitiveAssessment)
	default:
		d.Outcome = TransferExempt
		d.Reason = fmt.Sprintf("exempt: %d individuals this year, under %d, no sensitive data, not a CIIO (Art. 5(4))", v.Individuals, t.Exempt) + src
		return d
	}
	return piplNeeds(d, to, need, why+src)
}

// piplNeeds allows a transfer whose mechanism is in place, else says what
// it needs.
func piplNeeds(d TransferDecision, to Recipient, need TransferOutcome, why string) TransferDecision {
	has := func(g ...Safeguard) bool {
		for _, x := range g {
			if slices.Contains(to.Safeguards, x) {
				return true
			}
		}
		return false
	}
	switch {
	case need == TransferNeedsAssessment && has(SafeguardPIPLAssessed):
		d.Mechanism = "CAC security assessment"
	case need == TransferNeedsPIPLFiling && has(SafeguardPIPLContract, SafeguardPIPLCert, SafeguardPIPLAssessed):
		d.Mechanism = "PIPL standard contract or certification"
	default:
		d.Outcome, d.Reason = need, why
		return d
	}
	d.Outcome = TransferAllowed
	d.Reason = strings.TrimSpace(why) + "; covered by the " + d.Mechanism
	return d
}
