package law

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// RegimeCheck is one statute's answer about a purpose.
type RegimeCheck struct {
	Regime  Regime `json:"regime"`
	Allowed bool   `json:"allowed"`
	// Basis is what the processing rests on (none when it is refused).
	Basis  Basis  `json:"basis"`
	Reason string `json:"reason"`
	// Conditions the processing must meet to stay lawful (the
	// existing-customer exception's: own similar products, an opt-out in
	// every message).
	Conditions []string `json:"conditions,omitempty"`
	// Source is the provision the answer rests on; Unverified marks a
	// rule not confirmed against it.
	Source     string `json:"source,omitempty"`
	Unverified bool   `json:"unverified,omitempty"`
}

// ProcessDecision says whether a purpose is lawful for a customer: every
// statute that answers for the purpose must allow it.
type ProcessDecision struct {
	Allowed bool          `json:"allowed"`
	Purpose Purpose       `json:"purpose"`
	Checks  []RegimeCheck `json:"checks"`
	Reason  string        `json:"reason"`
}

// latestConsent returns the consent record in force for purpose at now:
// the latest one recorded at or before now (the later of two at the same
// instant).
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

// isConsent reports whether a consent record records consent: its basis is
// empty, "consent" or "separate_consent". A record of another basis
// ("legitimate_interests", "existing_customer") is not consent, whatever
// its state.
func isConsent(cs strata.Consent) bool {
	switch Basis(cs.Basis) {
	case "", BasisConsent, BasisSeparateConsent:
		return true
	}
	return false
}

// audience is whom a customer counts as: an individual unless it is
// recorded as a business.
func audience(c *strata.Customer) Audience {
	switch c.Kind {
	case strata.KindEnterprise, strata.KindReseller, strata.KindPartner:
		return Businesses
	}
	return Individuals
}

// CanProcess decides whether the company may process a customer's data for
// a purpose at now, with the legal reason, by the statutes in force then
// where the customer is:
//
//   - withdrawn consent (an objection) for the purpose wins everywhere;
//   - each statute answers by its first rule for the purpose and the
//     customer's audience (a customer of unknown kind counts as an
//     individual); a privacy statute without one requires consent, except
//     for the customer's own contract (PurposeService);
//   - a consent record counts as consent only when its basis is empty,
//     "consent" or "separate_consent" and its state is granted; PIPL's
//     transfers need it given separately;
//   - the existing-customer exception to consent for electronic marketing
//     (ePrivacy Art. 13(2), UWG §7(3), PECR reg. 22(3), CASL s. 10(10))
//     applies to a customer with orders, within the statute's months of
//     the last order, and, unless the purchase alone implies consent,
//     with a record of basis "existing_customer" saying the address was
//     collected in a sale with an opt-out offered; the decision lists the
//     conditions every message must then meet;
//   - a statute that protects consumers only (most US state laws) does
//     not answer for a business customer.
//
// A valid country no statute covers may be processed: the reason says so.
// A nil customer, an invalid country code and an empty purpose are errors.
func (e *Engine) CanProcess(c *strata.Customer, purpose Purpose, now time.Time) (ProcessDecision, error) {
	d := ProcessDecision{Purpose: purpose}
	if err := e.ready(); err != nil {
		return d, err
	}
	if err := where(c); err != nil {
		return d, err
	}
	if purpose == "" || purpose == AnyPurpose {
		return d, errors.New(`law: a purpose is required ("*" names no purpose)`)
	}
	statutes := e.statutesFor(c, now)
	cs, has := latestConsent(c, purpose, now)
	if has && cs.State == strata.ConsentWithdrawn {
		d.Reason = fmt.Sprintf("consent for %s was withdrawn on %s; withdrawal wins", purpose, cs.At.Format(time.DateOnly))
		for _, s := range statutes {
			d.Checks = append(d.Checks, RegimeCheck{Regime: s.Regime, Basis: BasisNone, Reason: "withdrawn"})
		}
		return d, nil
	}
	d.Allowed = true
	var reasons []string
	q := question{c: c, purpose: purpose, cs: cs, has: has, now: now}
	for _, s := range statutes {
		chk, applies := s.check(q)
		if !applies {
			continue
		}
		d.Checks = append(d.Checks, chk)
		d.Allowed = d.Allowed && chk.Allowed
		reasons = append(reasons, string(chk.Regime)+": "+chk.Reason)
	}
	if len(d.Checks) == 0 {
		d.Reason = "no statute in the law data answers for " + string(purpose) + " in " + place(c)
		return d, nil
	}
	d.Reason = strings.Join(reasons, "; ")
	return d, nil
}

func place(c *strata.Customer) string {
	if c.Subdivision != "" {
		return c.Subdivision
	}
	return c.Country
}

// rule returns a statute's first rule for the purpose and audience.
func (s *statute) rule(purpose Purpose, who Audience) (PurposeRule, bool) {
	for _, want := range []Purpose{purpose, AnyPurpose} {
		for _, r := range s.Rules {
			if r.Purpose == want && (r.Who == Anyone || r.Who == who) {
				return r, true
			}
		}
	}
	return PurposeRule{}, false
}

// question is what CanProcess asks each statute: the customer, the
// purpose, the consent record in force (has says whether there is one) and
// the time.
type question struct {
	c       *strata.Customer
	purpose Purpose
	cs      strata.Consent
	has     bool
	now     time.Time
}

// check is one statute's answer; applies is false when the statute does
// not answer for this purpose or customer.
func (s *statute) check(q question) (RegimeCheck, bool) {
	chk := RegimeCheck{Regime: s.Regime}
	who := audience(q.c)
	purpose := q.purpose
	if s.ConsumersOnly && who == Businesses {
		return chk, false
	}
	r, ok := s.rule(purpose, who)
	switch {
	case ok:
	case s.Kind == KindMarketing:
		return chk, false
	case purpose == PurposeService:
		r = PurposeRule{Basis: BasisContract, Source: s.Source}
	default:
		r = PurposeRule{Basis: BasisConsent, Source: s.Source}
	}
	chk.Source, chk.Unverified = r.Source, r.Unverified
	switch r.Basis {
	case BasisConsent, BasisSeparateConsent:
		return consentCheck(chk, r, q), true
	}
	chk.Allowed, chk.Basis = true, r.Basis
	chk.Reason = map[Basis]string{
		BasisContract:            "necessary to perform the contract with the customer",
		BasisLegitimateInterests: "legitimate interests, and the customer has not objected",
		BasisOptOut:              "allowed until the person opts out",
		BasisNotice:              "within the purpose of use notified to the person",
		BasisNone:                "the statute sets no requirement for this purpose",
	}[r.Basis] + " (" + r.Source + ")"
	return chk, true
}

// consentCheck answers a rule that needs consent, trying the
// existing-customer exception when consent is missing.
func consentCheck(chk RegimeCheck, r PurposeRule, q question) RegimeCheck {
	cs, has := q.cs, q.has
	separate := r.Basis == BasisSeparateConsent
	granted := has && cs.State == strata.ConsentGranted
	switch {
	case granted && isConsent(cs) && (!separate || cs.Separate):
		chk.Allowed, chk.Basis = true, r.Basis
		chk.Reason = fmt.Sprintf("consent granted on %s", cs.At.Format(time.DateOnly))
		return chk
	case granted && isConsent(cs):
		chk.Reason = "consent was bundled; separate consent (单独同意) is required"
	case has && !isConsent(cs) && Basis(cs.Basis) != BasisExistingCustomer:
		chk.Reason = fmt.Sprintf("the record rests on %s, which is not consent; consent is required", trunc(cs.Basis))
	case has && isConsent(cs):
		chk.Reason = fmt.Sprintf("consent is %s, not granted", trunc(string(cs.State)))
	default:
		chk.Reason = "no consent recorded, and consent is required"
	}
	chk.Basis = BasisNone
	if o := r.ExistingCustomer; o != nil {
		ok, why := softOptIn(o, q)
		if ok {
			chk.Allowed, chk.Basis, chk.Reason = true, BasisExistingCustomer, why+" ("+o.Source+")"
			chk.Conditions = append([]string(nil), o.Conditions...)
			chk.Source = o.Source
			return chk
		}
		chk.Reason += "; the existing-customer exception does not apply: " + why
	}
	chk.Reason += " (" + chk.Source + ")"
	return chk
}

// softOptIn reports whether the existing-customer exception applies, and why.
func softOptIn(o *SoftOptIn, q question) (bool, string) {
	c, cs, has, now := q.c, q.cs, q.has, q.now
	if c.Orders <= 0 {
		return false, "the customer has not bought"
	}
	if o.WithinMonths > 0 {
		if c.LastOrderAt.IsZero() || !now.Before(addMonths(c.LastOrderAt, o.WithinMonths)) {
			return false, fmt.Sprintf("no purchase within the last %d months", o.WithinMonths)
		}
	}
	if o.ImpliedByPurchase {
		return true, "implied consent: an existing customer"
	}
	if !has || Basis(cs.Basis) != BasisExistingCustomer || cs.State != strata.ConsentGranted {
		return false, `no record (basis "existing_customer") that the address was collected in a sale with an opt-out offered`
	}
	return true, fmt.Sprintf("an existing customer whose address was collected in a sale with an opt-out offered (recorded %s)", cs.At.Format(time.DateOnly))
}
