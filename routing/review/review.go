package review

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/par"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

// Option configures New.
type Option func(*options)

type options struct {
	conv     strata.Converter
	observer strata.Observer
	logger   *slog.Logger
}

// WithConverter sets the exchange rates won value in other currencies is
// converted with into Config.Currency. Sums are converted once per group
// and currency, not per record.
func WithConverter(conv strata.Converter) Option { return func(o *options) { o.conv = conv } }

// WithObserver sets the observer Review and Replay report to (strata.Event
// with Package "review", Op "review" or "replay", Detail the *Report or
// *Comparison).
func WithObserver(obs strata.Observer) Option { return func(o *options) { o.observer = obs } }

// WithLogger sets the logger Review and Replay log a summary to; the default
// discards.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Reviewer reviews the decisions of one routing configuration (the team the
// records were routed by). It is immutable and safe for concurrent use.
type Reviewer struct {
	cfg    Config
	team   routing.Config
	opts   options
	shifts map[string]*timezone.Calendar // agent → shift; absent: wall time
	rules  []string                      // configured rules, in order
	pools  []string
	agents []string // configured agents, in order
	active []bool   // agents[i] is not Inactive
	bucket time.Duration
}

// New checks a review configuration and the routing configuration the
// records were decided by, and returns a Reviewer. It reports every
// problem at once: an unknown currency, a negative SLA or bucket, a period
// that ends before it starts, and agents' shifts that are not valid
// calendars (with their paths under team). It does not compile the team's
// rules; Replay does, for the proposed configuration.
func New(cfg Config, team routing.Config, opts ...Option) (*Reviewer, error) {
	o := options{}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if !strata.IsCurrency(cfg.Currency) {
		bad("currency", "%q is not an ISO 4217 currency", cfg.Currency)
	}
	if cfg.SLA < 0 {
		bad("sla", "negative")
	}
	if cfg.Bucket < 0 {
		bad("bucket", "negative")
	}
	if p := cfg.Period; !p.Start.IsZero() || !p.End.IsZero() {
		if !p.End.After(p.Start) {
			bad("period", "the end must come after the start")
		}
	}
	r := &Reviewer{cfg: cfg, team: team, opts: o, shifts: map[string]*timezone.Calendar{}, bucket: cfg.Bucket.Std()}
	if r.bucket == 0 {
		r.bucket = 24 * time.Hour
	}
	for i, a := range team.Agents {
		r.agents = append(r.agents, a.ID)
		r.active = append(r.active, !a.Inactive)
		if a.Shift == nil {
			continue
		}
		cal, err := timezone.NewCalendar(*a.Shift)
		if err != nil {
			errs = append(errs, strata.Prefix(fmt.Sprintf("team.agents[%d].shift", i), err))
			continue
		}
		r.shifts[a.ID] = cal
	}
	for _, ru := range team.Rules {
		r.rules = append(r.rules, ru.Name)
	}
	for _, p := range team.Pools {
		r.pools = append(r.pools, p.Name)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// Config returns the review configuration.
func (r *Reviewer) Config() Config {
	if r == nil {
		return Config{}
	}
	return r.cfg
}

// fact is what one record contributes, worked out on any core.
type fact struct {
	agent, pool, rule string
	at, released      time.Time
	in                bool // decided within the period
	assigned          bool
	overflow          bool
	contacted         bool
	miss              bool
	converted         bool
	first             time.Duration // to first contact, in business time
	cycle             time.Duration // decision to close, for a conversion
	won               strata.Money
	satisfaction      float64
}

// facts works out one record: business times in the rep's shift, the SLA.
func (r *Reviewer) facts(rec *Record, outcomes bool) (fact, error) {
	f := fact{agent: rec.Agent, pool: rec.Pool, rule: rec.Rule, at: rec.At, released: rec.Released,
		assigned: rec.Agent != "", overflow: rec.Agent != "" && rec.Step != 0}
	p := r.cfg.Period
	f.in = p.Start.IsZero() || (!rec.At.Before(p.Start) && rec.At.Before(p.End))
	if !f.in || !f.assigned || !outcomes {
		return f, nil
	}
	if rec.Won.Validate() != nil {
		return f, fmt.Errorf("review: item %q: won: %w", rec.Item, rec.Won.Validate())
	}
	if math.IsNaN(rec.Satisfaction) || math.IsInf(rec.Satisfaction, 0) {
		return f, fmt.Errorf("review: item %q: satisfaction is not a number", rec.Item)
	}
	f.converted, f.won, f.satisfaction = rec.Converted, rec.Won, rec.Satisfaction
	if rec.Converted && !rec.ClosedAt.IsZero() {
		f.cycle = rec.ClosedAt.Sub(rec.At)
	}
	cal := r.shifts[rec.Agent]
	sla := r.cfg.SLA.Std()
	if !rec.FirstContact.IsZero() {
		f.contacted = true
		f.first = rec.FirstContact.Sub(rec.At)
		if cal != nil {
			var err error
			if f.first, err = cal.BusinessBetween(rec.At, rec.FirstContact); err != nil {
				return f, fmt.Errorf("review: item %q: agent %q's shift: %w", rec.Item, rec.Agent, err)
			}
		}
		f.first = max(f.first, 0) // contacted before the decision: at once
		f.miss = sla > 0 && f.first > sla
		return f, nil
	}
	if sla > 0 {
		due := rec.At.Add(sla)
		if cal != nil {
			var err error
			if due, err = cal.AddBusiness(rec.At, sla); err != nil {
				return f, fmt.Errorf("review: item %q: agent %q's shift: %w", rec.Item, rec.Agent, err)
			}
		}
		f.miss = p.End.IsZero() || due.Before(p.End)
	}
	return f, nil
}

// Review goes through the records (on all cores) and reports per rule, pool
// and rep: leads, assignments, overflow use, time to first contact in the
// rep's business time, SLA misses, conversions and their rate, won value,
// sales cycle and satisfaction; the fairness of assignments and of won value
// (Gini); each rep's open leads over time; the rules that never fired and
// the pools never used. A record the rep has not contacted counts as an SLA
// miss when its deadline passed before the end of the period (always,
// without a period). It fails on a record whose rep's shift does not know
// the public holidays of a day it needs (wrapping
// timezone.ErrNoHolidayData), on won value it cannot convert, when the
// sequence panics (ErrPanicked) and when ctx is done.
func (r *Reviewer) Review(ctx context.Context, records iter.Seq[Record]) (rep Report, err error) {
	start := time.Now()
	defer func() { r.report(ctx, "review", start, &rep, err) }()
	return r.review(ctx, records, true)
}

// ErrPanicked is wrapped by the error Review or Replay returns when the
// host's sequence of records panicked.
var ErrPanicked = par.ErrPanicked

func (r *Reviewer) review(ctx context.Context, records iter.Seq[Record], outcomes bool) (Report, error) {
	switch {
	case r == nil:
		return Report{}, errors.New("review: nil Reviewer (build one with New)")
	case ctx == nil:
		return Report{}, errors.New("review: nil context")
	case records == nil:
		return Report{}, errors.New("review: nil records")
	}
	agg := r.newAggregate(outcomes)
	var failed error
	worker := func() par.Func[Record, fact] {
		return func(_ context.Context, rec *Record) (fact, error) { return r.facts(rec, outcomes) }
	}
	err := par.Map(ctx, records, worker, func(f fact, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		agg.add(&f)
		return true
	})
	if err = errors.Join(failed, err); err != nil {
		return Report{}, err
	}
	return agg.report()
}

// report tells the observer and the logger how a review went.
func (r *Reviewer) report(ctx context.Context, op string, start time.Time, detail any, err error) {
	if r == nil || ctx == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	took := time.Since(start)
	r.opts.logger.DebugContext(ctx, "review: "+op, slog.String("outcome", outcome), slog.Duration("took", took))
	if r.opts.observer != nil {
		r.opts.observer(ctx, strata.Event{Package: "review", Op: op, Outcome: outcome, Start: start,
			Duration: took, Err: err, Detail: detail})
	}
}

// ordered returns the configured names first, in configuration order, then
// any other names seen, sorted.
func ordered(configured []string, seen map[string]*acc) []string {
	out := slices.Clone(configured)
	var extra []string
	for name := range seen {
		if !slices.Contains(configured, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}
