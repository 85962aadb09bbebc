// Package strata is an embeddable SDK for customer tiering and routing, for
// companies that sell at home and abroad.
//
// A host application (a CRM, a lead-intake service, a test harness) keeps its
// own storage. It maps each of its rows into one shared record, Customer, and
// calls Strata's pure packages to decide:
//
//   - scoring: how valuable (amount, frequency, recency, profit) and how
//     promising (growth, engagement) a customer is, with an A–D grade;
//   - tiering: which tier (VIP / key / regular …) and which segments
//     ("overseas-potential", "East China") it belongs to, and what a rule
//     change would do to the whole book before it ships;
//   - routing: which sales rep should own it, by region, product line, tier,
//     language and seniority, balancing workload and capacity across shifts;
//   - timezone: the customer's local time, working calendars with China's
//     make-up workdays, and deadlines in business time;
//   - locale: every field's label in the viewer's language, and money and
//     numbers formatted the local way (including 万 and 亿);
//   - compliance: who may see which personal data, masking, consent and
//     cross-border transfer checks under GDPR, PIPL and CCPA.
//
// Data flows one way, and each stage returns a value; the host decides what to
// store:
//
//	host record → strata.Customer → scoring → tiering → routing → Assignment
//
// Every rule, in tiering, scoring or routing, is a CEL expression over the same
// variables (customer, now, home), so a condition that works in one place works
// in all, and a typo is reported at compile time with the rule's name, line
// and column.
//
// # This package
//
// Package strata holds the record types every other package shares: Customer,
// Channel, Scores, and Money, an exact decimal amount in an ISO 4217 currency
// whose arithmetic refuses to mix currencies unless a Converter (the host's
// exchange rates) converts them. Customer.Validate checks a record against the
// ISO 3166, ISO 4217, BCP 47 and IANA code tables (generated from Unicode CLDR)
// and reports every problem at once, each naming its field path.
//
// It does not score, tier, route, format or store anything; the packages
// below do.
//
// # Concurrency
//
// The types here are plain values. A Customer may be read from many goroutines
// at once; Strata never modifies a record it is given.
//
// # Example
//
//	c := strata.Customer{ID: "C-1", Country: "DE", Subdivision: "DE-BY",
//		Revenue: strata.MoneyOf(decimal.NewFromInt(2_400_000), "USD")}
//	if err := c.Validate(); err != nil {
//		// every problem at once: "subdivision: …", "channels[1].value: …"
//	}
package strata
