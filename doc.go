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
// # This package
//
// Package strata holds what every other package shares: the record types
// (Customer, Channel, Consent, Scores), Money (an exact decimal amount in an
// ISO 4217 currency whose arithmetic refuses to mix currencies unless a
// Converter, the host's exchange rates, converts them), the calendar types
// Date and Span, Duration for configurations, and the error types every
// package reports with. Customer.Validate checks a record against the ISO
// 3166, ISO 4217, BCP 47 and IANA code tables (generated from Unicode CLDR 48
// and the IANA tz database) and against the size limits of Limits (list
// lengths, string bytes, custom-field shape), and reports every problem at
// once, each naming its field path. The rule engines estimate every rule's
// worst-case cost for records within the same Limits, so a record that
// passes validation cannot make a rule run long.
//
// It does not score, tier, route, format or store anything; the packages
// below it do.
//
// # Conventions
//
// Every package follows the same conventions, so that knowing one is knowing
// all of them.
//
// Configuration is data. What a package needs to be told (a tier ladder, a
// scorecard, a team of reps, a working calendar, a label catalogue, an
// access policy, privacy-law data) is a plain exported struct named Config,
// or XxxConfig where a package builds more than one kind of thing
// (timezone.CalendarConfig, locale.CatalogConfig). Its JSON tags are
// snake_case; a field whose tag has neither omitempty nor omitzero is
// required. Durations are Duration ("90d", "4h"), dates are Date
// ("2026-02-14"), intervals of time are Span, money is Money.
//
// Reading configuration. ParseXxx(data []byte) (Xxx, error) reads a
// configuration from JSON or YAML (JSON when the text starts with '{' or
// '['), strictly: a misspelt key, a value of the wrong type, a number that
// does not fit or a required field left out is an error naming its path and
// its line and column in the file ("4:5: ladders[0].tiers[2].folow_up:
// unknown field (did you mean "follow_up"?)"), and every problem comes at
// once. A configuration marshalled with encoding/json parses back to an
// equal value. Each configuration type ships a JSON Schema (2020-12) beside
// its package (tiering/config.schema.json …), generated from the Go types,
// for editors to validate and complete with.
//
// Building. New(cfg, ...Option) validates a configuration, reports every
// problem at once, and returns the package's compiled value: tiering.Engine,
// scoring.Engine, routing.Router (New(cfg, store, ...Option)),
// compliance.Policy. Where a package builds several kinds of thing the verb
// is NewXxx (timezone.NewCalendar, locale.NewCatalog). Options are WithXxx
// functions; required things are arguments. The compiled value's Config
// method returns a copy of the configuration it was built from.
//
// Starter and built-in data. StarterXxx returns an example configuration,
// taken from the case tables of the source articles, for a host to edit
// (tiering.StarterConfig, scoring.StarterValueConfig). BuiltinXxx returns
// reference data Strata maintains and dates (the law tables, the label
// catalogue, public holidays); hosts may replace or extend it.
//
// Passing records. A function that reads one record takes *Customer; it
// never modifies the record or keeps the pointer after it returns, and a nil
// record is an error, never a panic. Batches take iter.Seq[Customer] and
// return iter.Seq2 of results and errors, in input order, with a context.
// Apply is the one verb that writes: result.Apply(c *Customer) stores a
// result (a tier, scores, a redaction) into the record c points to.
//
// Time and context. Time is always an argument (now), never read from the
// clock. Anything that can block, waits on a store, runs a batch or
// evaluates rules written by users takes a context.Context first and stops
// when it is done; pure computations on one record take none.
//
// Errors. Configuration problems are *ConfigError (a path, and a position
// when read from a file); rule problems *RuleError (rule name, path, line and
// column of the offending identifier, a caret snippet); record problems
// *FieldError; evaluation failures *EvalError, unwrapping to the cause.
// Functions that find several problems join them with errors.Join, and
// Problems lists them. Conditions a caller acts on are sentinel errors named
// for the condition (routing.ErrOverCapacity, ErrCurrencyMismatch), matched
// with errors.Is. No error text, log line or %v of a record shows personal
// data.
//
// Determinism. The same inputs give the same outputs, byte for byte: no map
// order reaches a result, trace, reason, error text or JSON output, and
// lists come back in configuration order or sorted. Randomness, where there
// is any, is seeded by the caller.
//
// Concurrency. Compiled values (engines, routers, policies, calendars,
// catalogues) are immutable and safe for concurrent use; a new configuration
// means a new value, swapped by the host. Mutable state lives only behind
// interfaces (routing.Store) with conformance suites.
//
// # The rule language
//
// Every rule, in tiering, scoring or routing, is a CEL expression
// (https://cel.dev) over the same variables:
//
//	customer   the Customer, by its snake_case JSON names (customer.revenue,
//	           customer.time_zone); its name and contact values are hidden
//	now        the time of the decision (a timestamp)
//	home       the company's home country (ISO 3166-1 alpha-2)
//	lead       in routing rules: the work being routed (lead.product, lead.value)
//	agent      in routing pool selectors: a rep (agent.seniority, agent.languages)
//
// Rules may use the CEL standard library, its string extension, and these
// functions:
//
//	money(amount string, currency string) Money
//	    An exact amount: money("5000000", "CNY"). Literal arguments are
//	    checked when the rule is compiled.
//	Money < <= > >= == != Money, Money + Money, Money - Money
//	    Compare or combine amounts; different currencies are converted
//	    exactly through the host's Converter, and fail without one:
//	    customer.revenue >= money("5000000", "CNY").
//	amount(m Money) double, amount(m Money, currency string) double
//	    An amount as a number, for scales: amount(customer.profit, "USD") > 1e5.
//	in_group(code string, group string) bool
//	in_group(customer, group string) bool
//	    Whether a country or subdivision code (or the customer's subdivision,
//	    else its country) belongs to a region group: EU, EEA, Eurozone,
//	    DACH, Nordics, ASEAN, MiddleEast, NorthAmerica, LatinAmerica,
//	    Europe, Americas, APAC, Asia, Africa, Oceania, the seven Chinese
//	    macro-regions (华东, 华南, 华北, 华中, 西南, 西北, 东北), 欧美, and the
//	    host's own groups: in_group(customer, "华东"). A territory with
//	    its own country code is in the same groups whichever way it is
//	    recorded (HK or CN-HK is in 华南, GP or FR-971 in the EU).
//	has_tag(customer, tag string) bool
//	has_segment(customer, segment string) bool
//	has_channel(customer, kind string) bool
//	has_product(customer, product string) bool
//	    Whether the customer carries the tag, is in the segment, can be
//	    reached on the channel kind, or is interested in the product line:
//	    has_channel(customer, "wechat").
//	speaks(customer, language string) bool
//	    Whether one of the customer's languages has the same base language:
//	    speaks(customer, "de") holds for "de-AT".
//	days_since(t timestamp) int
//	    Whole days from t to now: days_since(customer.last_order_at) > 90.
//	days_between(a timestamp, b timestamp) int
//	    Whole days from a to b, rounded down.
//	attr(customer, key string, default) string|int|double|bool
//	    A custom field from customer.attrs when it has the type of the
//	    default, else the default: attr(customer, "credit_days", 30) <= 60.
//
// A rule is compiled once, when its configuration is built; a typo, an
// unknown field, group or currency, or a rule whose worst-case cost (over
// records within Limits) exceeds the limit is a RuleError then, never a
// surprise in production. Rules run under the caller's context, so a
// deadline stops them.
package strata
