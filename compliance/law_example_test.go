package compliance_test

import (
	"fmt"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

func ExampleLaw_CanProcess() {
	l, _ := compliance.NewLaw(compliance.DefaultLaw())
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	anna := strata.Customer{ID: "P-1", Kind: strata.KindIndividual, Country: "FR"}
	li := strata.Customer{ID: "P-2", Kind: strata.KindEnterprise, Country: "CN"}
	for _, q := range []struct {
		c       *strata.Customer
		purpose compliance.Purpose
	}{{&anna, compliance.PurposeMarketingEmail}, {&anna, compliance.PurposeProfiling}, {&li, compliance.PurposeProfiling}} {
		d := l.CanProcess(q.c, q.purpose, now)
		fmt.Printf("%s %s: %v — %s\n", q.c.Country, q.purpose, d.Allowed, d.Reason)
	}
	// Output:
	// FR marketing_email: false — gdpr: no consent recorded, and consent is required
	// FR profiling: true — gdpr: legitimate interests, and the customer has not objected
	// CN profiling: false — pipl: no consent recorded, and consent is required
}

func ExampleLaw_CheckTransfer() {
	l, _ := compliance.NewLaw(compliance.DefaultLaw())
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{ID: "C-DE-3", Country: "DE"}
	for _, to := range []compliance.Recipient{{Country: "FR"}, {Country: "GB"}, {Country: "US"}, {Country: "CN"}, {Country: "CN", SCCSigned: true}} {
		d := l.CheckTransfer(&c, "DE", to, now, compliance.PIPLVolume{})
		fmt.Printf("DE → %s (scc %v): %s\n", to.Country, to.SCCSigned, d.Outcome)
	}
	// Output:
	// DE → FR (scc false): allowed
	// DE → GB (scc false): allowed
	// DE → US (scc false): needs_scc
	// DE → CN (scc false): needs_scc
	// DE → CN (scc true): allowed
}

func ExamplePolicy_PlanErasure() {
	l, _ := compliance.NewLaw(compliance.DefaultLaw())
	p, _ := compliance.New(compliance.StarterConfig("CN"))
	received := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := strata.Customer{ID: "C-FR-8", Name: "Atelier Dubois", Country: "FR", Orders: 4,
		LastOrderAt: time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)}
	plan := p.PlanErasure(l, &c, compliance.DefaultHolds(&c, received), received)
	fmt.Println("due:", plan.Due.Due.Format(time.DateOnly), "extendable to", plan.Due.Extended.Format(time.DateOnly), "—", plan.Due.Source)
	for _, f := range plan.Pseudonymize {
		fmt.Println("pseudonymize:", f.Field)
	}
	for _, f := range plan.Keep[:3] {
		fmt.Println("keep:", f.Field)
	}
	fmt.Println("erase:", len(plan.Erase), "fields, such as", plan.Erase[0].Field)
	// Output:
	// due: 2026-12-23 extendable to 2027-02-23 — GDPR Art. 12(3)
	// pseudonymize: name
	// keep: country
	// keep: first_order_at
	// keep: id
	// erase: 9 fields, such as attrs.national_id
}
