// Package scoring scores how valuable and how promising a customer is, grades
// it A to D, and says why.
//
// A Scorecard is plain data (JSON round-trips): named criteria with weights,
// each a CEL condition worth its weight when true, a CEL number scaled into a
// band, or a built-in measure (revenue in the card's currency, orders,
// recency, profit margin, tenure, engagement with time decay, response rate,
// revenue growth, company size) scaled linearly, logarithmically or by steps;
// caps on groups of criteria; and grade thresholds. Compile checks
// everything and reports every problem at once. Two standard cards ship:
// ValueCard (amount, frequency, recency, profit, tenure) and PotentialCard
// (growth, engagement, company size, inquiry quality, responsiveness).
//
// Engine.Score returns a 0–100 score, its grade and the breakdown of every
// criterion's points, which sum to the score, so a rep can see why a customer
// is a B and not an A; Apply writes the results onto the record's Scores,
// where tiering and routing rules read them. Money is exact (decimal)
// wherever it is added or compared and goes through the host's converter;
// it becomes a float only to be placed on a scale.
//
// RFM ranks a population into recency, frequency and monetary quintiles and
// the usual segments (champions, loyal, at risk, hibernating, lost, new), and
// PurchaseStage gives the seeds' first-time / repeat / churned stage.
//
// An Engine is immutable and safe for concurrent use. Time is always an
// argument: the same inputs give the same score.
package scoring
