package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/timezone"
)

var sources = []strata.Source{strata.SourceWebsite, strata.SourceTradeShow, strata.SourceB2BPlatform, strata.SourceReferral, strata.SourceSocial}

// generate makes the leads: markets by weight, arrivals mostly in each
// market's working hours, products, sources, tiers, grades and urgency by
// the config's mixes. Everything comes from rng, so a seed fixes it all.
func generate(rng *rand.Rand, cfg *Config) ([]simLead, error) {
	locs := make([]*time.Location, len(cfg.Markets))
	for i, m := range cfg.Markets {
		loc, err := timezone.Location(m.Zone)
		if err != nil {
			return nil, err
		}
		locs[i] = loc
	}
	tiers := newMix(cfg.TierMix)
	grades := map[string]float64{}
	for g, w := range cfg.GradeMix {
		grades[string(g)] = w
	}
	gradeMix := newMix(grades)
	n := cfg.Days * cfg.LeadsPerDay
	leads := make([]simLead, 0, n)
	for i := range n {
		mi := pickMarket(rng, cfg.Markets)
		m := cfg.Markets[mi]
		at := arrival(rng, cfg, i, locs[mi])
		id := fmt.Sprintf("sim-%06d", i)
		tier := tiers.pick(rng)
		c := strata.Customer{ID: "c-" + id, Country: m.Country, Subdivision: m.Subdivision, Languages: m.Languages, Tier: tier,
			Scores: strata.Scores{Grade: strata.Grade(gradeMix.pick(rng))}}
		urgency := routing.UrgencyNormal
		if rng.Float64() < cfg.UrgentShare {
			urgency = routing.UrgencyUrgent
		}
		product := ""
		if len(cfg.Products) > 0 {
			product = cfg.Products[rng.IntN(len(cfg.Products))]
		}
		lead := routing.Lead{ID: id, Source: sources[rng.IntN(len(sources))], Product: product, Urgency: urgency, Kind: tier,
			Value: strata.MoneyOf(decimal.NewFromInt(int64(1000*(1+rng.IntN(300)))), "USD"), ReceivedAt: at}
		leads = append(leads, simLead{req: routing.Request{Item: id, Customer: c, Lead: lead, Quiet: true}})
	}
	slices.SortStableFunc(leads, func(a, b simLead) int { return a.req.Lead.ReceivedAt.Compare(b.req.Lead.ReceivedAt) })
	return leads, nil
}

// pickMarket draws a market by weight.
func pickMarket(rng *rand.Rand, markets []Market) int {
	var sum float64
	for _, m := range markets {
		sum += m.Weight
	}
	x := rng.Float64() * sum
	mi := 0
	for mi < len(markets)-1 {
		if x -= markets[mi].Weight; x < 0 {
			break
		}
		mi++
	}
	return mi
}

// arrival draws lead i's arrival on its day, in the market's zone: 70% in
// working hours, never before the start.
func arrival(rng *rand.Rand, cfg *Config, i int, loc *time.Location) time.Time {
	day := cfg.Start.AddDate(0, 0, i/cfg.LeadsPerDay).In(loc)
	hour := rng.IntN(24)
	if rng.Float64() < 0.7 {
		hour = 9 + rng.IntN(9)
	}
	at := time.Date(day.Year(), day.Month(), day.Day(), hour, rng.IntN(60), rng.IntN(60), 0, loc).UTC()
	if at.Before(cfg.Start) {
		at = cfg.Start.Add(time.Duration(rng.IntN(3600)) * time.Second)
	}
	return at
}

// mix draws keys by weight, in sorted key order so map order never matters.
type mix struct {
	keys    []string
	weights []float64
	sum     float64
}

func newMix(weights map[string]float64) mix {
	var m mix
	for k := range weights {
		m.keys = append(m.keys, k)
	}
	slices.Sort(m.keys)
	for _, k := range m.keys {
		m.weights = append(m.weights, weights[k])
		m.sum += weights[k]
	}
	return m
}

func (m mix) pick(rng *rand.Rand) string {
	x := rng.Float64() * m.sum
	for i, k := range m.keys {
		if x -= m.weights[i]; x < 0 {
			return k
		}
	}
	if len(m.keys) > 0 {
		return m.keys[len(m.keys)-1]
	}
	return ""
}
