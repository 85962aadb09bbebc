package compliance

import (
	"fmt"
	"time"

	"github.com/strata-go/strata"
)

// TransferOutcome is what a cross-border transfer needs.
type TransferOutcome string

// The outcomes of CheckTransfer.
const (
	TransferAllowed         TransferOutcome = "allowed"   // no restriction, adequacy, or a safeguard in place
	TransferNeedsSCC        TransferOutcome = "needs_scc" // standard contractual clauses (EU SCCs, UK IDTA/Addendum, ANPD clauses)
	TransferNeedsPIPLFiling TransferOutcome = "needs_pipl_contract_or_certification"
	TransferNeedsAssessment TransferOutcome = "needs_security_assessment" // a CAC security assessment
	TransferExempt          TransferOutcome = "exempt"
	TransferDenied          TransferOutcome = "denied"
)

// Recipient is who receives data abroad: a rep's office, a subsidiary, a
// vendor, and the safeguards already in place with it.
type Recipient struct {
	Name    string `json:"name,omitempty"`
	Country string `json:"country"`
	// DPFCertified: certified under the EU-US Data Privacy Framework (and
	// its UK extension).
	DPFCertified bool `json:"dpf_certified,omitempty"`
	// SCCSigned: standard contractual clauses for the exporting regime are
	// signed (EU SCCs, the UK IDTA or Addendum, Brazil's ANPD clauses).
	SCCSigned bool `json:"scc_signed,omitempty"`
	// PIPLContractFiled: the PIPL standard contract is signed and filed,
	// or PIPLCertified: the transfer is certified.
	PIPLContractFiled bool `json:"pipl_contract_filed,omitempty"`
	PIPLCertified     bool `json:"pipl_certified,omitempty"`
	// PIPLAssessmentPassed: a CAC security assessment covers the transfer.
	PIPLAssessmentPassed bool `json:"pipl_assessment_passed,omitempty"`
}

// PIPLVolume is what an exporter from China counts since 1 January of the
// current year, so the 2024 thresholds can be applied; the host keeps it.
type PIPLVolume struct {
	// Individuals whose (non-sensitive) personal information was exported
	// this year, this customer included.
	Individuals int `json:"individuals"`
	// SensitiveIndividuals whose sensitive personal information was exported.
	SensitiveIndividuals int `json:"sensitive_individuals"`
	// CIIO: the exporter is a critical information infrastructure operator.
	CIIO bool `json:"ciio,omitempty"`
	// ImportantData: the export includes data identified as important.
	ImportantData bool `json:"important_data,omitempty"`
	// ContractNecessity: the transfer is necessary to conclude or perform
	// a contract the individual is party to (cross-border sales, delivery,
	// payment), which the 2024 rules exempt.
	ContractNecessity bool `json:"contract_necessity,omitempty"`
}

// TransferDecision is the answer of CheckTransfer.
type TransferDecision struct {
	Outcome   TransferOutcome `json:"outcome"`
	Regime    Regime          `json:"regime,omitempty"`
	From      string          `json:"from"`
	To        string          `json:"to"`
	Mechanism string          `json:"mechanism,omitempty"` // "adequacy", "SCCs", "PIPL standard contract" …
	Reason    string          `json:"reason"`
}

// Permitted reports whether the data may go now: allowed or exempt.
func (d TransferDecision) Permitted() bool {
	return d.Outcome == TransferAllowed || d.Outcome == TransferExempt
}

// CheckTransfer decides whether a customer's data may go from one country
// to a recipient in another at now, under the rules in force then:
//
//   - from the EEA (GDPR) and the UK (UK GDPR): within the area, or to a
//     country with an adequacy decision in force (the UK until 27 December
//     2031, Brazil from 26 January 2026, the US only for DPF-certified
//     recipients), it is allowed; elsewhere it needs SCCs (allowed once
//     signed);
//   - from China (PIPL): it needs the customer's separate consent unless
//     the transfer is necessary for a contract with the customer; then, by
//     this year's volumes, it is exempt (under 100,000 individuals, no
//     sensitive data, not a CIIO, or necessary for a contract), needs the
//     standard contract or certification (100,000 to under 1,000,000
//     individuals, or sensitive data of under 10,000), or needs a CAC
//     security assessment (1,000,000 or more, sensitive data of 10,000 or
//     more, a CIIO, or important data); a safeguard in place allows it;
//   - from Brazil (LGPD): to the EEA allowed (reciprocal adequacy), else
//     the ANPD standard clauses;
//   - a withdrawn consent to cross-border transfer denies it everywhere.
func (l *Law) CheckTransfer(c *strata.Customer, from string, to Recipient, now time.Time, vol PIPLVolume) TransferDecision {
	d := TransferDecision{From: from, To: to.Country}
	if cs, ok := latestConsent(c, PurposeTransfer, now); ok && cs.State == strata.ConsentWithdrawn {
		d.Outcome = TransferDenied
		d.Reason = fmt.Sprintf("the customer withdrew consent to cross-border transfer on %s", cs.At.Format(time.DateOnly))
		return d
	}
	if from == to.Country {
		d.Outcome, d.Reason = TransferAllowed, "not a cross-border transfer"
		return d
	}
	switch {
	case l.eea[from]:
		return l.gdprTransfer(GDPR, d, to, now, l.eea[to.Country], "within the EEA")
	case from == "GB":
		return l.gdprTransfer(UKGDPR, d, to, now, l.eea[to.Country], "to the EEA, which UK adequacy regulations cover")
	case from == "CN":
		return l.piplTransfer(c, d, to, now, vol)
	case from == "BR":
		d.Regime = LGPD
		if l.eea[to.Country] {
			d.Outcome, d.Mechanism = TransferAllowed, "adequacy"
			d.Reason = "LGPD Art. 33, I: the EEA, under the reciprocal EU–Brazil adequacy"
			return d
		}
		return needSCC(d, to, "ANPD standard contractual clauses (Resolution CD/ANPD 19/2024)")
	}
	d.Outcome = TransferAllowed
	d.Reason = fmt.Sprintf("no transfer rules in the law data for exports from %s", from)
	return d
}

func needSCC(d TransferDecision, to Recipient, which string) TransferDecision {
	if to.SCCSigned {
		d.Outcome, d.Mechanism = TransferAllowed, "SCCs"
		d.Reason = "safeguarded by " + which + ", signed with the recipient"
		return d
	}
	d.Outcome = TransferNeedsSCC
	d.Reason = "no adequacy decision for " + to.Country + "; needs " + which
	return d
}

func (l *Law) gdprTransfer(r Regime, d TransferDecision, to Recipient, now time.Time, inArea bool, areaReason string) TransferDecision {
	d.Regime = r
	if inArea {
		d.Outcome, d.Reason = TransferAllowed, areaReason
		return d
	}
	if a, ok := l.adequate(r, to.Country, now); ok {
		if a.CertifiedOnly && !to.DPFCertified {
			return needSCC(d, to, "SCCs (the adequacy decision covers only DPF-certified recipients)")
		}
		d.Outcome, d.Mechanism = TransferAllowed, "adequacy"
		d.Reason = fmt.Sprintf("adequacy decision for %s in force since %s (%s)", to.Country, a.Since, a.Source)
		if a.Until != "" {
			d.Reason += ", until " + string(a.Until)
		}
		return d
	}
	if r == UKGDPR {
		return needSCC(d, to, "the UK IDTA or the Addendum to the EU SCCs")
	}
	return needSCC(d, to, "EU standard contractual clauses (Decision (EU) 2021/914)")
}

func (l *Law) piplTransfer(c *strata.Customer, d TransferDecision, to Recipient, now time.Time, vol PIPLVolume) TransferDecision {
	d.Regime = PIPL
	t := l.data.PIPL
	if !vol.ContractNecessity {
		if cs, ok := latestConsent(c, PurposeTransfer, now); !ok || cs.State != strata.ConsentGranted || !cs.Separate {
			d.Outcome = TransferDenied
			d.Reason = "PIPL Art. 39: transfer abroad needs the individual's separate consent (单独同意), and none is recorded"
			return d
		}
	}
	need := TransferExempt
	why := ""
	switch {
	case vol.CIIO:
		need, why = TransferNeedsAssessment, "the exporter is a CIIO"
	case vol.ImportantData:
		need, why = TransferNeedsAssessment, "the export includes important data"
	case vol.Individuals >= t.Assessment:
		need, why = TransferNeedsAssessment, fmt.Sprintf("%d individuals this year (≥ %d)", vol.Individuals, t.Assessment)
	case vol.SensitiveIndividuals >= t.SensitiveAssessment:
		need, why = TransferNeedsAssessment, fmt.Sprintf("sensitive data of %d individuals this year (≥ %d)", vol.SensitiveIndividuals, t.SensitiveAssessment)
	case vol.ContractNecessity:
		need, why = TransferExempt, "necessary to conclude or perform a contract the individual is party to"
	case vol.Individuals >= t.Exempt:
		need, why = TransferNeedsPIPLFiling, fmt.Sprintf("%d individuals this year (%d to under %d)", vol.Individuals, t.Exempt, t.Assessment)
	case vol.SensitiveIndividuals > 0:
		need, why = TransferNeedsPIPLFiling, fmt.Sprintf("sensitive data of %d individuals this year (under %d)", vol.SensitiveIndividuals, t.SensitiveAssessment)
	default:
		need, why = TransferExempt, fmt.Sprintf("%d individuals this year, under %d, no sensitive data", vol.Individuals, t.Exempt)
	}
	switch {
	case need == TransferExempt:
		d.Outcome, d.Reason = TransferExempt, "exempt: "+why+" ("+t.Source+")"
	case need == TransferNeedsAssessment && to.PIPLAssessmentPassed,
		need == TransferNeedsPIPLFiling && (to.PIPLContractFiled || to.PIPLCertified || to.PIPLAssessmentPassed):
		d.Outcome = TransferAllowed
		d.Mechanism = map[TransferOutcome]string{TransferNeedsAssessment: "CAC security assessment", TransferNeedsPIPLFiling: "PIPL standard contract or certification"}[need]
		d.Reason = why + "; covered by the " + d.Mechanism
	default:
		d.Outcome, d.Reason = need, why+" ("+t.Source+")"
	}
	return d
}
