// Package scoring scores how valuable and how promising a customer is, grades
// it A to D, and says why.
//
// A scorecard (Config) is plain data; ParseConfig reads one from JSON or
// YAML, strictly, and config.schema.json beside this package is its JSON
// Schema. It has named criteria with weights, each a CEL condition worth its
// weight when true, a CEL number scaled into a band, or a built-in measure
// (revenue in the card's currency, orders, recency, profit margin, tenure,
// engagement with time decay, response rate, revenue growth, company size)
// scaled linearly, logarithmically or by steps; caps on groups of criteria;
// and grade thresholds. New checks everything and reports every problem at
// once. Two starter cards ship as files beside the package: value.yaml
// (amount, frequency, recency, profit, tenure; StarterValueConfig) and
// potential.yaml (growth, engagement, company size, inquiry quality,
// responsiveness; StarterPotentialConfig).
//
// Engine.Score returns a 0–100 score, its grade and the breakdown of every
// criterion's points, which sum to the score, so a rep can see why a customer
// is a B and not an A; Result.Apply writes a result onto the record's Scores,
// where tiering and routing rules read them. Scores are whole nano-points
// and grades are decided on exactly that number, so a score that adds up to
// a threshold gets the threshold's grade whatever the weights. Money is exact
// (decimal) wherever it is added or compared and goes through the host's
// converter; it becomes a float only to be placed on a scale.
//
// RFM ranks a population into recency, frequency and monetary quintiles and
// the usual segments (champions, loyal, at risk, hibernating, lost, new),
// and PurchaseStage gives the first-time / repeat / churned stage of the
// guide 《国外客户怎么归类管理的》. RFM reports to a strata.Observer
// (WithObserver) and a *slog.Logger (WithLogger), and recovers a panic of
// the host's customer sequence into an error wrapping ErrPanicked.
//
// Rules run under Score's context, and their worst-case cost is estimated
// for records within strata.Limits (WithLimits), as in package tiering.
//
// # Zero values
//
// A field whose zero value would silently switch something off is required
// or refused instead:
//
//   - Config.Name, Target, Home, Currency, Criteria and Grades are
//     required; the last grade band must start at 0, so every score has a
//     grade.
//   - Criterion.Weight must be positive (a zero weight would make a
//     criterion count for nothing without a word); exactly one of When,
//     Value and Measure is set, and Value and Measure need a Scale.
//   - Config.HalfLife is required when a criterion measures engagement: a
//     zero half-life would mean no decay at all. Elsewhere it is unused.
//   - Caps are optional (no cap); a cap of zero or less is refused.
//   - Scale.From and Scale.To may be zero, but not equal.
//   - RFM options (WithNewWithin, WithChurnAfter) and WithCostLimit keep
//     their defaults when given zero; zero Limits fields keep theirs.
//   - The zero Engine and a nil *Engine score nothing: Score returns an
//     error.
//
// # What it does not do
//
// Scoring does not tier, route or store: the host applies the results it
// wants with Result.Apply and stores the record.
//
// # Concurrency
//
// An Engine is immutable and safe for concurrent use. Time is always an
// argument: the same inputs give the same score. Score reads the record it
// is given and neither keeps nor modifies it.
package scoring
