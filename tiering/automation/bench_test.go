package automation_test

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/par"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/tiering/automation"
)

var benchCountries = []struct{ country, sub, cur string }{
	{"CN", "CN-ZJ", "CNY"}, {"CN", "CN-GD", "CNY"}, {"CN", "CN-BJ", "CNY"}, {"US", "US-NY", "USD"},
	{"DE", "DE-BY", "USD"}, {"VN", "", "USD"}, {"AE", "", "USD"}, {"BR", "BR-SP", "USD"},
}

// benchEntry is customer i of a book, with the state of the previous
// night: one in ten customers has grown since (so moves up a tier or into
// a segment), as in a nightly run; with fresh, every customer is new.
func benchEntry(tiers *tiering.Engine, i int, fresh bool) automation.Entry {
	m := benchCountries[i%len(benchCountries)]
	c := strata.Customer{ID: fmt.Sprint("c", i), Country: m.country, Subdivision: m.sub,
		Revenue: money(int64((i*7919)%6_000_000), m.cur), Orders: i % 30}
	if i%11 == 0 {
		c.Kind = strata.KindReseller
	}
	if c.Orders > 0 {
		c.FirstOrderAt, c.LastOrderAt = now.AddDate(0, -i%40, 0), now.AddDate(0, 0, -i%120)
	}
	e := automation.Entry{Customer: c}
	if fresh {
		return e
	}
	prev := c
	if i%10 == 0 {
		prev.Revenue = money(int64((i*7919)%6_000_000)/3, m.cur)
	}
	p, err := tiers.Classify(context.Background(), &prev, now.Add(-24*time.Hour))
	if err != nil {
		panic(err)
	}
	e.State = p.State()
	return e
}

// book yields n entries, cycling through a precomputed set so that building
// the input costs nothing measurable.
func book(entries []automation.Entry, n int) iter.Seq[automation.Entry] {
	return func(yield func(automation.Entry) bool) {
		for i := range n {
			if !yield(entries[i%len(entries)]) {
				return
			}
		}
	}
}

const million = 1_000_000

// BenchmarkRunMillion is the nightly job over a million customers: classify
// with the starter ladder and segments, compare with the stored state,
// evaluate the starter automation rules, on all cores.
func BenchmarkRunMillion(b *testing.B) {
	for _, fresh := range []bool{false, true} {
		name := "nightly"
		if fresh {
			name = "all-new"
		}
		b.Run(name, func(b *testing.B) {
			tiers, a := starter(b)
			entries := make([]automation.Entry, 10_000)
			for i := range entries {
				entries[i] = benchEntry(tiers, i, fresh)
			}
			b.ReportAllocs()
			var transitions, tasks int
			cpu := cpuTime()
			for b.Loop() {
				transitions, tasks = 0, 0
				for o, err := range a.Run(b.Context(), book(entries, million), now, tiering.Track) {
					require.NoError(b, err)
					transitions += len(o.Transitions)
					tasks += len(o.Tasks)
				}
			}
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(transitions), "transitions")
			b.ReportMetric(float64(tasks), "tasks")
		})
	}
}

// BenchmarkTransitionsAndAutomationMillion is what the run adds to
// classification: transitions and rule evaluation for a million customers
// whose placements are known, on all cores; nightly (one in ten changed)
// and all-new (every customer new: every ladder and segment a transition).
func BenchmarkTransitionsAndAutomationMillion(b *testing.B) {
	for _, fresh := range []bool{false, true} {
		name := "nightly"
		if fresh {
			name = "all-new"
		}
		b.Run(name, func(b *testing.B) { benchTransitionsAndAutomation(b, fresh) })
	}
}

func benchTransitionsAndAutomation(b *testing.B, fresh bool) {
	tiers, a := starter(b)
	type in struct {
		c     strata.Customer
		p     tiering.Placement
		state tiering.State
	}
	ins := make([]in, 10_000)
	for i := range ins {
		e := benchEntry(tiers, i, fresh)
		p, err := tiers.Classify(context.Background(), &e.Customer, now)
		require.NoError(b, err)
		ins[i] = in{e.Customer, p, e.State}
	}
	seq := func(yield func(int) bool) {
		for i := range million {
			if !yield(i % len(ins)) {
				return
			}
		}
	}
	worker := func() par.Func[int, [2]int] {
		return func(ctx context.Context, i *int) ([2]int, error) {
			x := &ins[*i]
			ts, err := tiers.Transitions(x.p, x.state, now, tiering.Track)
			if err != nil {
				return [2]int{}, err
			}
			res, err := a.Eval(ctx, &x.c, ts, now)
			return [2]int{len(ts), len(res.Tasks)}, err
		}
	}
	b.ReportAllocs()
	var transitions, tasks int
	cpu := cpuTime()
	for b.Loop() {
		transitions, tasks = 0, 0
		err := par.Map(b.Context(), seq, worker, func(n [2]int, err error) bool {
			require.NoError(b, err)
			transitions += n[0]
			tasks += n[1]
			return true
		})
		require.NoError(b, err)
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(transitions), "transitions")
	b.ReportMetric(float64(tasks), "tasks")
}

// BenchmarkEval is one customer's transitions through the starter rules.
func BenchmarkEval(b *testing.B) {
	tiers, a := starter(b)
	c := strata.Customer{ID: "d1", Country: "CN", Revenue: money(2_000_000, "CNY"), Orders: 12,
		FirstOrderAt: now.AddDate(-2, 0, 0), LastOrderAt: now.AddDate(0, 0, -3)}
	p, err := tiers.Classify(b.Context(), &c, now)
	require.NoError(b, err)
	prev := tiering.State{Tiers: map[string]string{"value": "regular"}}
	b.ReportAllocs()
	for b.Loop() {
		ts, err := tiers.Transitions(p, prev, now, tiering.Track)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Eval(b.Context(), &c, ts, now); err != nil {
			b.Fatal(err)
		}
	}
}
