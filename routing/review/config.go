package review

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
	"github.com/strata-go/strata/routing"
)

// Config says how to review a stretch of routing decisions.
type Config struct {
	// Name labels the report.
	Name string `json:"name,omitempty"`
	// Period is the stretch reviewed (a quarter): records decided outside
	// it are left out, and loads are charted over it. Zero: every record,
	// charted from the first decision to the last.
	Period strata.Span `json:"period,omitzero"`
	// SLA is the first-contact deadline, in the assigned rep's business
	// time (its shift; wall time for a rep without one). Zero counts no
	// misses.
	SLA strata.Duration `json:"sla,omitempty"`
	// Currency is the ISO 4217 currency won value is totalled in; values
	// in other currencies need a converter (WithConverter).
	Currency string `json:"currency"`
	// Bucket is the step of the loads-over-time series; default one day.
	Bucket strata.Duration `json:"bucket,omitempty"`
}

// ParseConfig reads a review configuration from JSON or YAML (JSON when
// data starts with '{'), strictly: unknown keys, values of the wrong type and
// missing required fields are errors, each a *strata.ConfigError naming its
// path and its line and column, all returned at once. New checks the
// values. The JSON Schema of the format is config.schema.json beside this
// package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Record is one routing decision as the host recorded it, and what came of
// it: the material of the quarterly review. Customer and Lead are the
// request as it was routed (Replay routes them again), At when it was
// decided. Agent, Pool, Rule and Step are the decision (routing.Decision's
// fields): an empty Agent means nobody took the work. The rest is what
// happened next, as far as the host knows it.
type Record struct {
	Item     string          `json:"item"`
	Customer strata.Customer `json:"customer"`
	Lead     routing.Lead    `json:"lead"`
	// At is when the decision was made: the request's Now.
	At    time.Time `json:"at"`
	Agent string    `json:"agent,omitempty"`
	Pool  string    `json:"pool,omitempty"`
	// Rule is the rule that chose the pool; empty for the default pool.
	Rule string `json:"rule,omitempty"`
	// Step is the overflow step that assigned: 0 the chosen pool, n the
	// n-th overflow step, -1 the default owner.
	Step int `json:"step,omitempty"`
	// FirstContact is when the rep first reached the customer; zero: not
	// yet.
	FirstContact time.Time `json:"first_contact,omitzero"`
	// Released is when the rep let go of the work (closed, handed back);
	// zero: still held.
	Released time.Time `json:"released,omitzero"`
	// Converted says the lead became a sale, worth Won, closed at
	// ClosedAt.
	Converted bool         `json:"converted,omitempty"`
	Won       strata.Money `json:"won,omitzero"`
	ClosedAt  time.Time    `json:"closed_at,omitzero"`
	// Satisfaction is the customer's rating on the host's scale (1–5
	// CSAT); 0 means not rated.
	Satisfaction float64 `json:"satisfaction,omitempty"`
}

// ParseRecord reads one record from JSON or YAML, strictly, like
// ParseConfig: unknown keys and values of the wrong type are errors naming
// their path.
func ParseRecord(data []byte) (Record, error) {
	var r Record
	if err := load.Decode(data, &r); err != nil {
		return Record{}, err
	}
	return r, nil
}

// MaxLine bounds a line ReadRecords reads.
const MaxLine = 1 << 20

// ReadRecords reads records from JSON Lines, one JSON object per line
// (blank lines skipped), each with ParseRecord. It yields each record or
// the error of its line, prefixed with the line number, and stops at the
// first error of the reader itself (a line longer than MaxLine included).
func ReadRecords(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), MaxLine)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			rec, err := ParseRecord(b)
			if err != nil {
				err = fmt.Errorf("line %d: %w", line, err)
			}
			if !yield(rec, err) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(Record{}, fmt.Errorf("review: after line %d: %w", line, err))
		}
	}
}
