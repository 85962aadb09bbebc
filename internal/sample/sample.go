// Package sample builds the deterministic book of customers that the
// quickstart, the examples, tests and benchmarks share: a manufacturer's
// domestic customers across Chinese provinces and its overseas customers in
// the US, Europe, South-East Asia, the Middle East and Latin America, shaped
// after the case tables of the seed article on tiering (案例一 and 案例二).
package sample

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// Home is the sample company's home country.
const Home = "CN"

// Rates is a fixed exchange-rate snapshot for the sample book (units per USD).
var Rates = strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{
	"CNY": decimal.RequireFromString("7.10"),
	"EUR": decimal.RequireFromString("0.92"),
	"BRL": decimal.RequireFromString("5.40"),
	"JPY": decimal.RequireFromString("150"),
}}

// cohort is one row of the seeds' case tables.
type cohort struct {
	label     string
	count     int
	places    []place
	currency  string
	minRev    int64 // lower bound of annual revenue, whole units
	maxRev    int64
	orders    [2]int
	industry  []string
	source    []strata.Source
	noOrders  bool // potential customers: leads without orders yet
	tags      []string
	newWithin int // first order within this many days (new customers)
}

type place struct {
	country, sub, city, lang, zone string
}

var (
	domestic = []place{
		{"CN", "CN-SH", "上海", "zh-Hans-CN", ""}, {"CN", "CN-JS", "苏州", "zh-Hans-CN", ""},
		{"CN", "CN-ZJ", "宁波", "zh-Hans-CN", ""}, {"CN", "CN-GD", "深圳", "zh-Hans-CN", ""},
		{"CN", "CN-GD", "东莞", "zh-Hans-CN", ""}, {"CN", "CN-SD", "青岛", "zh-Hans-CN", ""},
		{"CN", "CN-BJ", "北京", "zh-Hans-CN", ""}, {"CN", "CN-SC", "成都", "zh-Hans-CN", ""},
		{"CN", "CN-HB", "武汉", "zh-Hans-CN", ""}, {"CN", "CN-FJ", "厦门", "zh-Hans-CN", ""},
		{"CN", "CN-LN", "大连", "zh-Hans-CN", ""}, {"CN", "CN-SN", "西安", "zh-Hans-CN", ""},
	}
	usa = []place{
		{"US", "US-CA", "Los Angeles", "en-US", "America/Los_Angeles"}, {"US", "US-NY", "New York", "en-US", "America/New_York"},
		{"US", "US-TX", "Houston", "en-US", "America/Chicago"}, {"US", "US-IL", "Chicago", "en-US", "America/Chicago"},
	}
	sea = []place{
		{"VN", "", "Ho Chi Minh City", "vi", ""}, {"TH", "", "Bangkok", "th", ""}, {"MY", "", "Kuala Lumpur", "ms", ""},
		{"ID", "ID-JK", "Jakarta", "id", "Asia/Jakarta"}, {"PH", "", "Manila", "fil", ""}, {"SG", "", "Singapore", "en-SG", ""},
	}
	europe = []place{
		{"DE", "DE-BY", "München", "de-DE", ""}, {"DE", "DE-NW", "Köln", "de-DE", ""}, {"FR", "", "Lyon", "fr-FR", ""},
		{"NL", "", "Rotterdam", "nl", ""}, {"IT", "", "Milano", "it", ""}, {"PL", "", "Poznań", "pl", ""}, {"ES", "", "Valencia", "es-ES", ""},
	}
	middleEast = []place{{"AE", "", "Dubai", "ar", ""}, {"SA", "", "Riyadh", "ar", ""}}
	latam      = []place{
		{"BR", "BR-SP", "São Paulo", "pt-BR", "America/Sao_Paulo"}, {"MX", "MX-NLE", "Monterrey", "es-MX", "America/Monterrey"},
		{"CL", "", "Santiago", "es-CL", ""},
	}
)

var cohorts = []cohort{
	// 案例一: domestic manufacturing customers (annual revenue in CNY).
	{"domestic-vip", 30, domestic, "CNY", 5_000_000, 18_000_000, [2]int{24, 60}, []string{"manufacturing", "electronics", "machinery"}, []strata.Source{strata.SourceTradeShow, strata.SourceReferral}, false, []string{"VIP", "长期合作"}, 0},
	{"domestic-key", 80, domestic, "CNY", 1_000_000, 4_900_000, [2]int{10, 30}, []string{"manufacturing", "retail", "textiles", "chemicals"}, []strata.Source{strata.SourceTradeShow, strata.SourceB2BPlatform, strata.SourceWebsite}, false, []string{"重点"}, 0},
	{"domestic-regular", 300, domestic, "CNY", 300_000, 990_000, [2]int{2, 12}, []string{"retail", "services", "textiles", "furniture", "manufacturing"}, []strata.Source{strata.SourceB2BPlatform, strata.SourceWebsite, strata.SourceOutbound}, false, nil, 0},
	// 案例二: cross-border customers (annual revenue in USD, EUR for Europe).
	{"us-vip", 10, usa, "USD", 2_000_000, 6_000_000, [2]int{12, 40}, []string{"retail", "electronics"}, []strata.Source{strata.SourceTradeShow, strata.SourceReferral}, false, []string{"VIP"}, 0},
	{"sea-new", 50, sea, "USD", 500_000, 1_900_000, [2]int{1, 4}, []string{"manufacturing", "textiles", "retail"}, []strata.Source{strata.SourceB2BPlatform, strata.SourceSocial}, false, []string{"新客户"}, 150},
	{"eu-regular", 120, europe, "EUR", 90_000, 450_000, [2]int{2, 10}, []string{"retail", "textiles", "furniture"}, []strata.Source{strata.SourceWebsite, strata.SourceTradeShow}, false, nil, 0},
	{"middle-east", 12, middleEast, "USD", 200_000, 2_500_000, [2]int{2, 12}, []string{"construction", "retail"}, []strata.Source{strata.SourceTradeShow}, false, nil, 0},
	{"latam", 18, latam, "USD", 100_000, 900_000, [2]int{1, 8}, []string{"textiles", "machinery"}, []strata.Source{strata.SourceB2BPlatform, strata.SourceWebsite}, false, nil, 0},
	// Potential customers: inquiries without orders yet, at home and abroad.
	{"potential-domestic", 40, domestic, "CNY", 0, 0, [2]int{0, 0}, []string{"manufacturing", "retail"}, []strata.Source{strata.SourceWebsite, strata.SourceSocial}, true, []string{"潜力"}, 0},
	{"potential-overseas", 40, append(append(append([]place{}, usa...), europe...), sea...), "USD", 0, 0, [2]int{0, 0}, []string{"textiles", "retail", "electronics"}, []strata.Source{strata.SourceWebsite, strata.SourceB2BPlatform, strata.SourceTradeShow}, true, []string{"潜力"}, 0},
}

var (
	cnPrefix = []string{"锦纶", "华信", "永盛", "恒通", "东方", "宏达", "金桥", "新源", "瑞丰", "联合", "海川", "中盛"}
	cnSuffix = []string{"纺织有限公司", "电子科技有限公司", "机械制造有限公司", "贸易有限公司", "家居有限公司", "化工有限公司"}
	enPrefix = []string{"Northwind", "Blue Harbor", "Sunrise", "Atlas", "Meridian", "Pioneer", "Evergreen", "Summit", "Crescent", "Vertex"}
	enSuffix = []string{"Trading", "Textiles", "Industries", "Retail Group", "Imports", "Supply Co."}
)

// Book returns the sample customers as of now: 700 records, the same for the
// same now, all valid.
func Book(now time.Time) []strata.Customer {
	r := rand.New(rand.NewPCG(2026, 11))
	var out []strata.Customer
	for _, co := range cohorts {
		for i := range co.count {
			out = append(out, customer(r, co, i, now))
		}
	}
	return out
}

func customer(r *rand.Rand, co cohort, i int, now time.Time) strata.Customer {
	p := co.places[r.IntN(len(co.places))]
	id := fmt.Sprintf("%s-%03d", co.label, i+1)
	c := strata.Customer{
		ID: id, Kind: strata.KindEnterprise, Country: p.country, Subdivision: p.sub, City: p.city,
		Industry: co.industry[r.IntN(len(co.industry))], Languages: []string{p.lang}, TimeZone: p.zone,
		Source:    co.source[r.IntN(len(co.source))],
		Products:  []string{[]string{"nylon-yarn", "polyester-fabric", "dyes", "sewing-machines", "led-modules"}[r.IntN(5)]},
		CreatedAt: now.AddDate(0, 0, -30-r.IntN(1500)),
		Tags:      append([]string(nil), co.tags...),
	}
	if co.label == "domestic-regular" && i%12 == 0 {
		c.Kind = strata.KindReseller // 代理商: a channel partner's book
	}
	if c.Country == Home {
		c.Name = cnPrefix[r.IntN(len(cnPrefix))] + cnSuffix[r.IntN(len(cnSuffix))]
		c.Channels = []strata.Channel{
			{Kind: strata.ChannelMobile, Value: fmt.Sprintf("+86 13%d %04d %04d", r.IntN(10), r.IntN(10000), r.IntN(10000)), Preferred: true},
			{Kind: strata.ChannelWeChat, Value: fmt.Sprintf("wx_%s", id)},
			{Kind: strata.ChannelEmail, Value: fmt.Sprintf("purchasing%d@example.cn", i+1)},
		}
	} else {
		c.Name = enPrefix[r.IntN(len(enPrefix))] + " " + enSuffix[r.IntN(len(enSuffix))]
		if p.lang != "en-US" && p.lang != "en-SG" {
			c.Languages = append(c.Languages, "en")
		}
		c.Channels = []strata.Channel{{Kind: strata.ChannelEmail, Value: fmt.Sprintf("buyer%d@example.com", i+1), Preferred: true}}
		switch p.country {
		case "US", "DE", "FR", "NL", "IT", "PL", "ES":
			c.Channels = append(c.Channels, strata.Channel{Kind: strata.ChannelLinkedIn, Value: "linkedin.com/company/" + id})
		default:
			m := mobilePlan[p.country]
			digits := fmt.Sprintf("%09d", r.IntN(1_000_000_000))
			c.Channels = append(c.Channels, strata.Channel{Kind: strata.ChannelWhatsApp, Value: m.prefix + digits[9-m.digits:]})
		}
	}
	if co.noOrders {
		inquiries := 1 + r.IntN(6)
		c.Attrs = map[string]any{"inquiries": float64(inquiries), "employees": float64(20 + r.IntN(2000)),
			"inquiry_score": float64(inquiries) / 6}
		c.UpdatedAt = now.AddDate(0, 0, -r.IntN(20))
		if c.CreatedAt.After(c.UpdatedAt) {
			c.CreatedAt = c.UpdatedAt.AddDate(0, 0, -5)
		}
		return c
	}
	units := co.minRev + r.Int64N(co.maxRev-co.minRev+1)
	c.Revenue = strata.MoneyOf(decimal.New(units*100+int64(r.IntN(100)), -2), co.currency)
	margin := decimal.New(int64(8+r.IntN(22)), -2) // 8%–29%
	c.Profit = strata.MoneyOf(c.Revenue.Amount.Mul(margin).Round(2), co.currency)
	c.Orders = co.orders[0] + r.IntN(co.orders[1]-co.orders[0]+1)
	first := 30 + r.IntN(1400)
	if co.newWithin > 0 {
		first = 10 + r.IntN(co.newWithin)
	}
	c.FirstOrderAt = now.AddDate(0, 0, -first)
	c.LastOrderAt = now.AddDate(0, 0, -r.IntN(min(first, 200)))
	if c.CreatedAt.After(c.FirstOrderAt) {
		c.CreatedAt = c.FirstOrderAt.AddDate(0, 0, -7)
	}
	c.UpdatedAt = c.LastOrderAt
	c.Attrs = map[string]any{"credit_days": float64([]int{0, 30, 45, 60, 90}[r.IntN(5)]),
		"revenue_growth": float64(r.IntN(81)-20) / 100} // -20% to +60% on the year before
	return c
}

// mobilePlan gives, per country, a mobile range (calling code and leading
// digits) and how many random digits complete a valid number in it.
var mobilePlan = map[string]struct {
	prefix string
	digits int
}{
	"VN": {"+84 91", 7}, "TH": {"+66 81", 7}, "MY": {"+60 12", 7}, "ID": {"+62 812", 8},
	"PH": {"+63 917", 7}, "SG": {"+65 81", 6}, "AE": {"+971 50", 7}, "SA": {"+966 50", 7},
	"BR": {"+55 11 99", 7}, "MX": {"+52 55", 8}, "CL": {"+56 9 61", 6},
}

// Touch is one engagement event in the sample: a kind, how many days
// before now, and a weight. Package scoring's Event has the same shape.
type Touch struct {
	Kind    string
	DaysAgo int
	Weight  float64
}

// Touches returns a customer's engagement in the sample, derived from its
// record so it is the same on every run: an inquiry per recorded inquiry,
// site visits, and messages sent with the replies they got.
func Touches(c strata.Customer) []Touch {
	h := uint64(0)
	for _, b := range []byte(c.ID) {
		h = h*131 + uint64(b)
	}
	r := rand.New(rand.NewPCG(h, 7))
	var out []Touch
	if n, ok := c.Attrs["inquiries"].(float64); ok {
		for i := range int(n) {
			out = append(out, Touch{"inquiry", 3 + i*9, 5})
		}
	}
	for i := range r.IntN(12) {
		out = append(out, Touch{"visit", r.IntN(120) + i, 1})
	}
	for range 1 + r.IntN(4) {
		sent := r.IntN(60)
		out = append(out, Touch{"message_sent", sent, 0})
		if r.IntN(3) > 0 {
			out = append(out, Touch{"reply", max(sent-1-r.IntN(3), 0), 3})
		}
	}
	return out
}
