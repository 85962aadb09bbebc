package scoring_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/scoring"
)

func benchEvents() []scoring.Event {
	var events []scoring.Event
	for i := range 50 {
		events = append(events, scoring.Event{Kind: []string{"visit", "email_open", "reply", "message_sent", "inquiry"}[i%5],
			At: now.Add(-time.Duration(i) * 37 * time.Hour), Weight: float64(1 + i%3)})
	}
	return events
}

func benchCustomer() strata.Customer {
	return strata.Customer{ID: "b", Country: "CN", Subdivision: "CN-SH", Orders: 17,
		Revenue: strata.MoneyOf(decimal.RequireFromString("3456789.12"), "CNY"), Profit: strata.MoneyOf(decimal.RequireFromString("512345.67"), "CNY"),
		FirstOrderAt: now.AddDate(-2, 0, 0), LastOrderAt: now.AddDate(0, 0, -12),
		Attrs: map[string]any{"revenue_growth": 0.18, "employees": 350.0, "inquiry_score": 0.7}}
}

// BenchmarkScoreValueCard scores one customer with the standard value card
// and 50 engagement events (the value card reads no events; see the
// potential benchmark for the decay loop).
func BenchmarkScoreValueCard(b *testing.B) {
	benchScore(b, scoring.StarterValueConfig("CN", "CNY"))
}

// BenchmarkScorePotentialCard includes the decay over 50 events and a CEL criterion.
func BenchmarkScorePotentialCard(b *testing.B) {
	benchScore(b, scoring.StarterPotentialConfig("CN", "CNY"))
}

func benchScore(b *testing.B, card scoring.Config) {
	e := compile(b, card)
	c, events := benchCustomer(), benchEvents()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Score(b.Context(), &c, events, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRFM1M ranks 1,000,000 customers (a tenth of them prospects).
func BenchmarkRFM1M(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rep, err := scoring.RFM(b.Context(), population(1_000_000), now)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Scores) != 1_000_000 {
			b.Fatal("short")
		}
	}
}
