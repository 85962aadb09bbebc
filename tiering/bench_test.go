package tiering_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
)

// bigLadder is a 20-tier ladder on revenue and order count, and segments
// the size of a real CRM's: region groups, industries, dates and tags.
func bigLadder(segments int) tiering.Config {
	cfg := tiering.Config{Home: "CN"}
	var tiers []tiering.Tier
	for i := range 19 {
		tiers = append(tiers, tiering.Tier{
			Name: fmt.Sprintf("t%02d", i), FollowUp: tiering.CadenceNone,
			When: fmt.Sprintf(`customer.revenue >= money("%d", "CNY") && customer.orders >= %d`, (19-i)*1_000_000, 19-i),
		})
	}
	tiers = append(tiers, tiering.Tier{Name: "t19", FollowUp: tiering.CadenceNone})
	cfg.Ladders = []tiering.Ladder{{Name: "value", Tiers: tiers}}
	kinds := []string{
		`in_group(customer, "华东")`, `in_group(customer, "EU")`, `customer.industry == "textiles"`,
		`days_since(customer.last_order_at) > 90`, `has_tag(customer, "VIP")`, `customer.country != home`,
	}
	for i := range segments {
		cfg.Segments = append(cfg.Segments, tiering.Segment{
			Name: fmt.Sprintf("s%02d", i),
			When: fmt.Sprintf(`%s && customer.orders >= %d`, kinds[i%len(kinds)], i%5),
		})
	}
	return cfg
}

var (
	subs       = []string{"CN-SH", "CN-GD", "CN-BJ", "CN-ZJ", "CN-SC"}
	industries = []string{"textiles", "retail", "manufacturing"}
)

func genCustomer(i int) strata.Customer {
	c := strata.Customer{
		ID: "g", Country: "CN", Subdivision: subs[i%len(subs)], Industry: industries[i%len(industries)],
		Revenue:      strata.MoneyOf(decimal.NewFromInt(int64(i*7919)%20_000_000), "CNY"),
		Orders:       i % 25,
		FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, 0, -(i % 200)),
	}
	if i%10 == 0 {
		c.Tags = []string{"VIP"}
	}
	return c
}

func generated(n int) iter.Seq[strata.Customer] {
	return func(yield func(strata.Customer) bool) {
		for i := range n {
			if !yield(genCustomer(i)) {
				return
			}
		}
	}
}

func benchClassify(b *testing.B, segments int) {
	e := compile(b, bigLadder(segments))
	book := make([]strata.Customer, 1024)
	for i := range book {
		book[i] = genCustomer(i)
	}
	ctx := b.Context()
	b.ReportAllocs()
	i := 0
	c0 := cpuTime()
	for b.Loop() {
		if _, err := e.Classify(ctx, &book[i%len(book)], now); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkClassify20Tiers: the 20-tier ladder alone.
func BenchmarkClassify20Tiers(b *testing.B) { benchClassify(b, 0) }

// BenchmarkClassify20Tiers30Segments: the configuration.
func BenchmarkClassify20Tiers30Segments(b *testing.B) { benchClassify(b, 30) }

// BenchmarkHandWritten20Tiers is the same ladder written in Go, for the ratio.
func BenchmarkHandWritten20Tiers(b *testing.B) {
	book := make([]strata.Customer, 1024)
	for i := range book {
		book[i] = genCustomer(i)
	}
	lines := make([]decimal.Decimal, 19)
	for i := range lines {
		lines[i] = decimal.NewFromInt(int64(19-i) * 1_000_000)
	}
	b.ReportAllocs()
	i, sink := 0, 0
	c0 := cpuTime()
	defer func() { b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/op") }()
	for b.Loop() {
		c := &book[i%len(book)]
		tier := 19
		for t := range 19 {
			if c.Revenue.Currency == "CNY" && c.Revenue.Amount.Cmp(lines[t]) >= 0 && c.Orders >= 19-t {
				tier = t
				break
			}
		}
		sink += tier
		i++
	}
	_ = sink
}

// BenchmarkClassifyAll1M classifies 1,000,000 generated customers on all
// cores; see customers/s. The customers are generated as they are read, so
// the figure includes making them.
func BenchmarkClassifyAll1M(b *testing.B) {
	for _, segments := range []int{0, 30} {
		b.Run(fmt.Sprintf("20tiers+%dsegments", segments), func(b *testing.B) {
			e := compile(b, bigLadder(segments))
			const n = 1_000_000
			b.ReportAllocs()
			for b.Loop() {
				count := 0
				for _, err := range e.ClassifyAll(b.Context(), generated(n), now) {
					if err != nil {
						b.Fatal(err)
					}
					count++
				}
				if count != n {
					b.Fatalf("classified %d", count)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

// BenchmarkNewLarge builds an engine of a 1,000-tier ladder, and one of
// 10,000 segments, lint included. The goal: under 2 s each.
func BenchmarkNewLarge(b *testing.B) {
	ladder := tiering.Config{Home: "CN", Ladders: []tiering.Ladder{{Name: "value"}}}
	for i := range 1000 {
		ladder.Ladders[0].Tiers = append(ladder.Ladders[0].Tiers, tiering.Tier{Name: fmt.Sprint("t", i), FollowUp: tiering.CadenceNone,
			When: fmt.Sprintf(`customer.revenue >= money("%d", "CNY") && customer.orders >= %d`, (1000-i)*1000, i%50)})
	}
	ladder.Ladders[0].Tiers = append(ladder.Ladders[0].Tiers, tiering.Tier{Name: "rest", FollowUp: tiering.CadenceNone})
	segments := bigLadder(0)
	for i := range 10_000 {
		segments.Segments = append(segments.Segments, tiering.Segment{Name: fmt.Sprint("s", i),
			When: fmt.Sprintf(`in_group(customer, "EU") && customer.orders >= %d && customer.industry != "i%d"`, i%50, i)})
	}
	for name, cfg := range map[string]tiering.Config{"1000tiers": ladder, "10000segments": segments} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := tiering.New(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkClassifyAllCancel measures how long a cancelled ClassifyAll
// takes to return (see ms-to-return), over records past the limits that a
// quadratic segment rule loops over. The goal: within 100 ms.
func BenchmarkClassifyAllCancel(b *testing.B) {
	cfg := bigLadder(6)
	cfg.Segments = append(cfg.Segments, tiering.Segment{Name: "quadratic", When: `customer.tags.filter(a, a in customer.tags).size() == 0`})
	e := compile(b, cfg)
	huge := genCustomer(1)
	huge.Tags = make([]string, 100_000)
	for i := range huge.Tags {
		huge.Tags[i] = fmt.Sprint("t", i)
	}
	endless := func(yield func(strata.Customer) bool) {
		for yield(huge) {
		}
	}
	var worst time.Duration
	for b.Loop() {
		ctx, cancel := context.WithCancel(b.Context())
		var cancelled time.Time
		go func() {
			time.Sleep(20 * time.Millisecond)
			cancelled = time.Now()
			cancel()
		}()
		for _, err := range e.ClassifyAll(ctx, endless, now) {
			if err != nil && errors.Is(err, context.Canceled) {
				break
			}
		}
		worst = max(worst, time.Since(cancelled))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-to-return")
}
