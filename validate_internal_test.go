package strata

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tightLimits are limits small enough that generated records cross them.
var tightLimits = Limits{Tags: 2, Segments: 2, Products: 2, Channels: 2, Languages: 2, Consents: 2,
	AttrEntries: 2, AttrDepth: 2, AttrValues: 4, StringBytes: 12}

// errText is err's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sameAsReference fails t unless ValidateWithin and the reference
// implementation give the same problems for c under default and tight
// limits.
func sameAsReference(t *testing.T, c *Customer) {
	t.Helper()
	for _, l := range []Limits{{}, tightLimits} {
		got, want := errText(c.ValidateWithin(l)), errText(refValidate(c, l))
		if got != want {
			data, _ := json.Marshal(c)
			t.Fatalf("limits %+v, record %s:\ngot  %q\nwant %q", l, data, got, want)
		}
	}
}

// gen picks a record's fields: each is valid, or with probability 1/odds
// invalid or at a limit (never, for odds 0).
type gen struct {
	r    *rand.Rand
	odds int
}

// pick returns one of good, or of bad.
func pick[T any](g gen, good, bad []T) T {
	if g.odds > 0 && len(bad) > 0 && g.r.IntN(g.odds) == 0 {
		return bad[g.r.IntN(len(bad))]
	}
	return good[g.r.IntN(len(good))]
}

// picks returns 0 to 3 picks (repeats possible).
func picks[T any](g gen, good, bad []T) []T {
	n := g.r.IntN(4)
	if n == 0 {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = pick(g, good, bad)
	}
	return out
}

func l[T any](v ...T) []T { return v }

// randomRecord builds a record by g.
func randomRecord(g gen) Customer {
	t0 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	str, badStr := l("ok", "长期合作", "VIP", "a b"), l("", " ", "\xff", strings.Repeat("x", 13))
	money := l(Money{}, MoneyOf(decimal.RequireFromString("5600000.00"), "CNY"), MoneyOf(decimal.RequireFromString("-2.5"), "USD"))
	badMoney := l(MoneyOf(decimal.NewFromInt(3), ""), MoneyOf(decimal.NewFromInt(3), "HRK"),
		MoneyOf(decimal.NewFromInt(3), "\xff"), MoneyOf(decimal.New(1, 50), "USD"))
	attr := l[any](nil, true, 1.5, "s", []string{"a", "b"}, []any{1.0, []any{2.0}}, map[string]any{"k": "v"},
		map[string]any{"a": map[string]any{"b": 1.0}})
	badAttr := l[any]("\xff", map[string]any{"": 1.0, "\xff": 2.0}, time.Time{}, []string{"\xff"}, []any{1, "a", nil})
	c := Customer{
		ID: pick(g, str, badStr), Name: pick(g, str, badStr), Kind: pick(g, l[Kind]("", KindEnterprise), l[Kind]("robot")),
		Country:     pick(g, l("CN"), l("", "cn", "ZZ", "\xff")),
		Subdivision: pick(g, l("", "CN-SH"), l("US-CA", "CN-XX", "CNX")),
		Languages:   picks(g, l("zh", "en-US", "zh-Hans-CN", "EN", "\u212Ao", "es-419"), l("klingon!", "", "en--US", "\xff")),
		TimeZone:    pick(g, l("", "Asia/Shanghai"), l("Asia/Beijing", "Local")),
		Channels: picks(g, l(Channel{Kind: ChannelEmail, Value: "a@b.cn"}, Channel{Kind: ChannelMobile, Value: "+86 138 0013 5678"},
			Channel{Kind: ChannelWeChat, Value: "wx_1"}), l(Channel{Kind: ChannelEmail, Value: "a at b"},
			Channel{Kind: ChannelWeChat, Value: ""}, Channel{Kind: "fax", Value: "1"}, Channel{Kind: ChannelWeChat, Value: "\xff"})),
		Source: pick(g, l[Source]("", SourceTradeShow), l[Source]("Trade Show")), Products: picks(g, str, badStr),
		Revenue: pick(g, money[:2], badMoney), Profit: pick(g, money, badMoney), Orders: pick(g, l(0, 3), l(-1)),
		Scores: Scores{Value: pick(g, l(0, 88.5), l(101.0)), Potential: pick(g, l(40.0), l(-1.0)),
			Grade: pick(g, l[Grade]("", GradeA), l[Grade]("E"))},
		Segments: picks(g, str, badStr), Tags: picks(g, str, badStr),
		Consents: picks(g, l(Consent{Purpose: "marketing", State: ConsentGranted, At: t0}),
			l(Consent{Purpose: "Marketing", State: ConsentGranted, At: t0}, Consent{Purpose: "marketing", State: "maybe", At: t0},
				Consent{Purpose: "marketing", State: ConsentGranted}, Consent{Purpose: "marketing", Basis: "\xff", State: ConsentPending, At: t0})),
	}
	if g.r.IntN(2) == 0 {
		c.Tier, c.TierSince = "vip", t0
	}
	if g.r.IntN(3) == 0 {
		c.FirstOrderAt, c.LastOrderAt = t0.AddDate(-1, 0, 0), pick(g, l(t0), l(t0.AddDate(-2, 0, 0), time.Time{}))
	}
	if g.r.IntN(2) == 0 {
		c.Attrs = map[string]any{}
		for range g.r.IntN(4) {
			c.Attrs[pick(g, l("a", "b", "c"), l("", " ", "\xff"))] = pick(g, attr, badAttr)
		}
	}
	return c
}

// TestValidateMatchesReference: Validate, which tests the valid case first
// and allocates nothing for it, reports exactly the problems the reference
// implementation does, for valid records and generated ones with every
// kind of problem, under default and tight limits.
func TestValidateMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	valid := 0
	for i := range 4000 {
		c := randomRecord(gen{r: r, odds: i % 40})
		if c.Validate() == nil {
			valid++
		}
		sameAsReference(t, &c)
	}
	lead := Customer{ID: "c-1", Kind: KindEnterprise, Country: "CN", Subdivision: "CN-SH", Languages: []string{"zh"}}
	sameAsReference(t, &lead)
	require.NoError(t, lead.Validate())
	t.Logf("%d of 4000 generated records valid", valid)
	assert.Greater(t, valid, 400, "too few generated records were valid: the fast paths went untested")
}

// FuzzValidateMatchesReference is the differential test over any record
// JSON decodes.
func FuzzValidateMatchesReference(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		c := randomRecord(gen{r: r, odds: i % 10})
		if data, err := json.Marshal(c); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":"x","country":"US","attrs":{"a":[[[1]]],"b":{"c":{"d":1}}},"tags":["a","a"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Customer
		if json.Unmarshal(data, &c) != nil {
			return
		}
		sameAsReference(t, &c)
	})
}

// TestIsLanguageMatchesReference: the allocation-free IsLanguage agrees
// with the reference on tags of every shape.
func TestIsLanguageMatchesReference(t *testing.T) {
	for _, tag := range []string{"", "zh", "zh-Hans-CN", "en_US", "EN", "Zh-hANS", "\u212Ao", "\u212A", "-en", "en-", "en--US",
		"en-_US", "en-abcdefghi", "en-abcdefgh", "es-419", "x", "zz-ZZ", "iw", "in", "yue-HK", "en-U!", "\xff", "en-\xff",
		strings.Repeat("a", 17), strings.Repeat("a", 64), strings.Repeat("a", 65), "en-" + strings.Repeat("a-", 30) + "b"} {
		assert.Equal(t, refIsLanguage(tag), IsLanguage(tag), "%q", tag)
	}
}

// FuzzIsLanguageMatchesReference is the differential test over any input.
func FuzzIsLanguageMatchesReference(f *testing.F) {
	for _, s := range []string{"zh-Hans-CN", "en_US", "\u212Ao", "en--US", "es-419"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		if got, want := IsLanguage(tag), refIsLanguage(tag); got != want {
			t.Fatalf("IsLanguage(%q) = %v, reference %v", tag, got, want)
		}
	})
}
