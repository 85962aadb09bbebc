package peerbench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// Now is the moment every engine classifies at.
var Now = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

// Rates is the converter Strata compares money with: CNYPerUSD yuan to
// the dollar.
var Rates = strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.NewFromFloat(CNYPerUSD)}}

var (
	// Provinces weighted towards the exporting coast (Zhejiang, Jiangsu,
	// Guangdong, Shanghai, Fujian, Shandong).
	provinces = []string{"CN-ZJ", "CN-ZJ", "CN-ZJ", "CN-JS", "CN-JS", "CN-GD", "CN-GD", "CN-GD", "CN-SH", "CN-SH",
		"CN-FJ", "CN-SD", "CN-BJ", "CN-TJ", "CN-SC", "CN-CQ", "CN-HB", "CN-HN", "CN-HA", "CN-LN", "CN-GX", "CN-AH", "CN-JX", ""}
	// Markets weighted as a mid-sized exporter's book: the EU and the US
	// first, then South-East Asia, the Gulf, Latin America and the rest.
	markets = []string{"DE", "DE", "FR", "IT", "ES", "NL", "PL", "SE", "BE", "CZ", "GB", "GB", "CH", "NO",
		"US", "US", "US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "VN", "TH", "MY", "ID", "PH", "SG",
		"AE", "SA", "IL", "EG", "QA", "TR", "JP", "KR", "IN", "AU", "NZ", "NG", "KE", "ZA", "RU"}
	sideTags = []string{"canton-fair", "alibaba", "trade-show", "referral", "sample-sent"}
)

// Customers returns n customers of the exporter's book, the same ones for
// the same seed: 40% domestic (revenue in CNY), 60% abroad (mostly in USD),
// revenue log-uniform from 5,000 to 40 million yuan in whole units, last
// orders up to 1,000 days back at whole minutes, and the tags the ladder
// reads on a few percent of them.
func Customers(n int, seed uint64) []strata.Customer {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]strata.Customer, n)
	for i := range out {
		c := strata.Customer{ID: fmt.Sprintf("C%05d", i), Kind: strata.KindEnterprise, Industry: "textiles"}
		cny := math.Exp(math.Log(5_000) + r.Float64()*(math.Log(40_000_000)-math.Log(5_000)))
		if r.IntN(10) < 4 {
			c.Country, c.Subdivision = Home, provinces[r.IntN(len(provinces))]
			c.Revenue = strata.MoneyOf(decimal.NewFromInt(int64(cny)), "CNY")
		} else {
			c.Country = markets[r.IntN(len(markets))]
			if r.IntN(100) < 85 {
				c.Revenue = strata.MoneyOf(decimal.NewFromInt(int64(cny/CNYPerUSD)), "USD")
			} else {
				c.Revenue = strata.MoneyOf(decimal.NewFromInt(int64(cny)), "CNY")
			}
		}
		c.Orders = int(r.ExpFloat64() * 6)
		c.LastOrderAt = Now.Add(-time.Duration(r.IntN(1000*24*60)) * time.Minute)
		c.FirstOrderAt = c.LastOrderAt.Add(-time.Duration(r.IntN(2000*24*60)) * time.Minute)
		c.Tags = tags(r, c.Country != Home)
		out[i] = c
	}
	return out
}

func tags(r *rand.Rand, abroad bool) []string {
	var t []string
	if r.IntN(100) < 2 {
		t = append(t, "blacklist")
	}
	if abroad && r.IntN(100) < 12 {
		t = append(t, "distributor")
	}
	if r.IntN(100) < 6 {
		t = append(t, "oem")
	}
	for range r.IntN(3) {
		t = append(t, sideTags[r.IntN(len(sideTags))])
	}
	return t
}

// revenueCNY is a customer's revenue in yuan as the float engines read it.
// The book's amounts are whole units in CNY or USD, which IntPart reads
// without allocating and the rate converts exactly.
func revenueCNY(c *strata.Customer) float64 {
	f := float64(c.Revenue.Amount.IntPart())
	if c.Revenue.Currency == "USD" {
		f *= CNYPerUSD
	}
	return f
}
