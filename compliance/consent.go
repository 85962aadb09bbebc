package compliance

import (
	"fmt"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// Purpose is why personal data is processed.
type Purpose string

// The purposes CanProcess understands; hosts may use others, which are
// treated like profiling (optional processing beyond the contract).
const (
	PurposeService        Purpose = "service"               // performing the contract: orders, delivery, support
	PurposeMarketingEmail Purpose = "marketing_email"       // newsletters, offers by email
	PurposeMarketingCall  Purpose = "marketing_call"        // sales calls and messages
	PurposeProfiling      Purpose = "profiling"             // scoring and segmentation
	PurposeAnalytics      Purpose = "analytics"             // aggregate reporting
	PurposeTransfer       Purpose = "cross_border_transfer" // sending data abroad
)

// Basis is a lawful basis for processing.
type Basis string

// The bases a decision may rest on.
const (
	BasisConsent             Basis = "consent"
	BasisSeparateConsent     Basis = "separate_consent" // PIPL's 单独同意
	BasisContract            Basis = "contract"
	BasisLegitimateInterests Basis = "legitimate_interests"
	BasisOptOut              Basis = "opt_out" // allowed until the person objects (CCPA, CAN-SPAM style)
	BasisExistingCustomer    Basis = "existing_customer"
	BasisNone                Basis = "none"
)

// RegimeCheck is one regime's answer.
type RegimeCheck struct {
	Regime  Regime `json:"regime"`
	Allowed bool   `json:"allowed"`
	Basis   Basis  `json:"basis"`
	Reason  string `json:"reason"`
}

// ProcessDecision says whether a purpose is lawful for a customer: every
// applicable regime must allow it.
type ProcessDecision struct {
	Allowed bool          `json:"allowed"`
	Purpose Purpose       `json:"purpose"`
	Checks  []RegimeCheck `json:"checks"`
	Reason  string        `json:"reason"`
}

// latestConsent returns the consent record in force for purpose at now:
// the latest one recorded at or before now.
func latestConsent(c *strata.Customer, purpose Purpose, now time.Time) (strata.Consent, bool) {
	var best strata.Consent
	found := false
	for _, cs := range c.Consents {
		if cs.Purpose != string(purpose) || cs.At.After(now) {
			continue
		}
		if !found || !cs.At.Before(best.At) {
			best, found = cs, true
		}
	}
	return best, found
}

// CanProcess decides whether the company may process a customer's data for
// a purpose at now, with the legal reason. The rules, per regime:
//
//   - withdrawn consent (or an objection) for the purpose wins everywhere;
//   - the contract with the customer (PurposeService) is a basis everywhere;
//   - GDPR, UK GDPR, the FADP and LGPD allow profiling and analytics on
//     legitimate interests; marketing email to individuals needs consent
//     under GDPR, UK GDPR (PECR) and the FADP, while business contacts may be
//     emailed on legitimate interests; LGPD allows it on legitimate interests;
//   - PIPL has no legitimate-interests basis: everything beyond the contract
//     needs consent, and a transfer abroad needs separate consent (单独同意);
//   - the CCPA is opt-out: allowed until the consumer objects;
//   - Singapore's PDPA needs consent for marketing to individuals (business
//     contact information is outside it); Japan (特定電子メール法) and Korea
//     need consent for marketing email; Canada's CASL accepts the implied
//     consent of a purchase in the last two years.
//
// A customer no regime covers may be processed: the reason says so.
func (l *Law) CanProcess(c *strata.Customer, purpose Purpose, now time.Time) ProcessDecision {
	d := ProcessDecision{Purpose: purpose, Allowed: true}
	regimes := l.Jurisdictions(c)
	cs, has := latestConsent(c, purpose, now)
	if has && cs.State == strata.ConsentWithdrawn {
		d.Allowed = false
		d.Reason = fmt.Sprintf("consent for %s was withdrawn on %s; withdrawal wins", purpose, cs.At.Format(time.DateOnly))
		for _, r := range regimes {
			d.Checks = append(d.Checks, RegimeCheck{Regime: r, Basis: BasisNone, Reason: "withdrawn"})
		}
		return d
	}
	if len(regimes) == 0 {
		d.Reason = fmt.Sprintf("no privacy regime in the law data covers %s", c.Country)
		return d
	}
	var reasons []string
	for _, r := range regimes {
		chk := l.check(r, c, purpose, cs, has, now)
		d.Checks = append(d.Checks, chk)
		if !chk.Allowed {
			d.Allowed = false
		}
		reasons = append(reasons, string(r)+": "+chk.Reason)
	}
	d.Reason = strings.Join(reasons, "; ")
	return d
}

func (l *Law) check(r Regime, c *strata.Customer, purpose Purpose, cs strata.Consent, has bool, now time.Time) RegimeCheck {
	chk := RegimeCheck{Regime: r}
	granted := has && cs.State == strata.ConsentGranted
	consent := func(separate bool) RegimeCheck {
		switch {
		case granted && (!separate || cs.Separate):
			chk.Allowed = true
			chk.Basis = BasisConsent
			if separate {
				chk.Basis = BasisSeparateConsent
			}
			chk.Reason = fmt.Sprintf("consent granted on %s (%s)", cs.At.Format(time.DateOnly), orUnknown(cs.Source))
		case granted && separate:
			chk.Basis = BasisNone
			chk.Reason = "consent was bundled; separate consent (单独同意) is required"
		case has:
			chk.Basis = BasisNone
			chk.Reason = fmt.Sprintf("consent is %s, not granted", cs.State)
		default:
			chk.Basis = BasisNone
			chk.Reason = "no consent recorded, and consent is required"
		}
		return chk
	}
	allow := func(b Basis, why string) RegimeCheck {
		chk.Allowed, chk.Basis, chk.Reason = true, b, why
		return chk
	}
	individual := c.Kind == strata.KindIndividual
	if purpose == PurposeService {
		return allow(BasisContract, "necessary to perform the contract with the customer")
	}
	switch r {
	case PIPL:
		if purpose == PurposeTransfer {
			return consent(true)
		}
		return consent(false) // no legitimate-interests basis under PIPL
	case GDPR, UKGDPR, FADP:
		if purpose == PurposeMarketingEmail && individual {
			if r == FADP && c.Orders > 0 {
				return allow(BasisExistingCustomer, "an existing customer may be emailed about similar products (UWG Art. 3(1)(o))")
			}
			return consent(false)
		}
		if purpose == PurposeTransfer {
			return allow(BasisLegitimateInterests, "transfers rest on the transfer rules (see CheckTransfer), not consent")
		}
		return allow(BasisLegitimateInterests, "legitimate interests, and the customer has not objected")
	case LGPD:
		return allow(BasisLegitimateInterests, "legitimate interests (LGPD Art. 7, IX), and the customer has not objected")
	case CCPA:
		return allow(BasisOptOut, "allowed until the consumer opts out")
	case PDPASG:
		if (purpose == PurposeMarketingEmail || purpose == PurposeMarketingCall) && individual {
			return consent(false)
		}
		return allow(BasisLegitimateInterests, "business contact information, or a purpose a reasonable person would expect")
	case APPI, PIPA:
		if purpose == PurposeMarketingEmail || purpose == PurposeMarketingCall || (r == PIPA && purpose == PurposeProfiling) {
			return consent(false)
		}
		return allow(BasisLegitimateInterests, "within the purpose of use notified to the person")
	case PIPEDA:
		if purpose == PurposeMarketingEmail {
			if granted {
				return consent(false)
			}
			if c.Orders > 0 && !c.LastOrderAt.IsZero() && now.Sub(c.LastOrderAt) < 2*365*24*time.Hour {
				return allow(BasisExistingCustomer, "implied consent: a purchase within the last two years (CASL s. 10(10))")
			}
			return consent(false)
		}
		return allow(BasisLegitimateInterests, "implied consent for a purpose the person would expect")
	}
	return allow(BasisNone, "no rule for this regime")
}

func orUnknown(s string) string {
	if s == "" {
		return "source not recorded"
	}
	return s
}
