package strata_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func good() strata.Customer {
	return strata.Customer{
		ID: "C-001", Name: "上海锦纶纺织有限公司", Kind: strata.KindEnterprise,
		Country: "CN", Subdivision: "CN-SH", City: "上海", Industry: "textiles",
		Languages: []string{"zh-Hans-CN", "en"}, TimeZone: "Asia/Shanghai",
		Channels: []strata.Channel{
			{Kind: strata.ChannelMobile, Value: "+86 138 0013 5678", Preferred: true},
			{Kind: strata.ChannelEmail, Value: "buyer@jinlun.example.cn"},
			{Kind: strata.ChannelWeChat, Value: "jinlun_buyer"},
		},
		Source: strata.SourceTradeShow, Products: []string{"nylon-yarn"},
		Revenue:      strata.MoneyOf(decimal.RequireFromString("5600000.00"), "CNY"),
		Profit:       strata.MoneyOf(decimal.RequireFromString("-12000.5"), "CNY"),
		Orders:       26,
		FirstOrderAt: t0.AddDate(-4, 0, 0), LastOrderAt: t0.AddDate(0, 0, -9),
		Scores: strata.Scores{Value: 88.5, Potential: 40, Grade: strata.GradeA, ScoredAt: t0},
		Tier:   "vip", TierSince: t0.AddDate(-1, 0, 0),
		Segments: []string{"domestic-high-value"}, Tags: []string{"VIP", "长期合作"},
		Owner: "rep-sh-01", Attrs: map[string]any{"credit_days": 60.0, "key_account": true},
		CreatedAt: t0.AddDate(-4, 0, 0), UpdatedAt: t0,
	}
}

func TestValidateGood(t *testing.T) {
	c := good()
	require.NoError(t, c.Validate())
	minimal := strata.Customer{ID: "x", Country: "US"}
	require.NoError(t, minimal.Validate())
}

func TestValidateBad(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*strata.Customer)
		path   string
		msg    string
	}{
		{"missing id", func(c *strata.Customer) { c.ID = " " }, "id", "required"},
		{"unknown kind", func(c *strata.Customer) { c.Kind = "robot" }, "kind", "unknown kind"},
		{"missing country", func(c *strata.Customer) { c.Country = ""; c.Subdivision = "" }, "country", "required"},
		{"lower-case country", func(c *strata.Customer) { c.Country = "cn"; c.Subdivision = "" }, "country", "unknown ISO 3166-1"},
		{"retired country", func(c *strata.Customer) { c.Country = "YU"; c.Subdivision = "" }, "country", "unknown ISO 3166-1"},
		{"unknown subdivision", func(c *strata.Customer) { c.Subdivision = "CN-XX" }, "subdivision", "unknown ISO 3166-2"},
		{"subdivision of another country", func(c *strata.Customer) { c.Subdivision = "US-CA" }, "subdivision", "not in country"},
		{"bad language", func(c *strata.Customer) { c.Languages = []string{"en", "klingon!"} }, "languages[1]", "not a BCP 47"},
		{"unknown language", func(c *strata.Customer) { c.Languages = []string{"qqq"} }, "languages[0]", "not a BCP 47"},
		{"bad zone", func(c *strata.Customer) { c.TimeZone = "Asia/Beijing" }, "time_zone", "unknown IANA"},
		{"bad email", func(c *strata.Customer) { c.Channels[1].Value = "buyer at jinlun" }, "channels[1].value", "not an email address"},
		{"email with name", func(c *strata.Customer) { c.Channels[1].Value = "Li <li@x.cn>" }, "channels[1].value", "not an email address"},
		{"bad phone", func(c *strata.Customer) { c.Channels[0].Value = "138-0013" }, "channels[0].value", "not a valid phone number: not a number of CN (+86)"},
		{"empty wechat", func(c *strata.Customer) { c.Channels[2].Value = "" }, "channels[2].value", "empty"},
		{"unknown channel", func(c *strata.Customer) { c.Channels[2].Kind = "fax" }, "channels[2].kind", "unknown channel kind"},
		{"bad source", func(c *strata.Customer) { c.Source = "Trade Show" }, "source", "lower-case token"},
		{"negative revenue", func(c *strata.Customer) { c.Revenue = strata.MoneyOf(decimal.NewFromInt(-1), "CNY") }, "revenue.amount", "negative"},
		{"unknown currency", func(c *strata.Customer) { c.Revenue.Currency = "HRK" }, "revenue.currency", "unknown ISO 4217"},
		{"amount without currency", func(c *strata.Customer) { c.Profit.Currency = "" }, "profit.currency", "required"},
		{"negative orders", func(c *strata.Customer) { c.Orders = -2 }, "orders", "negative"},
		{"orders out of order", func(c *strata.Customer) { c.LastOrderAt = c.FirstOrderAt.Add(-time.Hour) }, "last_order_at", "before first_order_at"},
		{"half-set order dates", func(c *strata.Customer) { c.FirstOrderAt = time.Time{} }, "first_order_at", "set together"},
		{"score above 100", func(c *strata.Customer) { c.Scores.Value = 101 }, "scores.value", "outside 0–100"},
		{"negative potential", func(c *strata.Customer) { c.Scores.Potential = -1 }, "scores.potential", "outside 0–100"},
		{"bad grade", func(c *strata.Customer) { c.Scores.Grade = "E" }, "scores.grade", "unknown grade"},
		{"tier_since without tier", func(c *strata.Customer) { c.Tier = "" }, "tier_since", "without a tier"},
		{"duplicate tag", func(c *strata.Customer) { c.Tags = []string{"VIP", "VIP"} }, "tags[1]", "duplicate"},
		{"empty segment", func(c *strata.Customer) { c.Segments = []string{""} }, "segments[0]", "empty"},
		{"bad attr", func(c *strata.Customer) { c.Attrs["when"] = time.Now() }, "attrs.when", "unsupported value"},
		{"updated before created", func(c *strata.Customer) { c.UpdatedAt = c.CreatedAt.Add(-time.Second) }, "updated_at", "before created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			c.Channels = append([]strata.Channel(nil), c.Channels...)
			c.Attrs = map[string]any{"credit_days": 60.0}
			tt.mutate(&c)
			err := c.Validate()
			require.Error(t, err)
			var fe *strata.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.path, fe.Path, "error: %v", err)
			assert.Contains(t, fe.Msg, tt.msg)
		})
	}
}

func TestValidateReportsEverything(t *testing.T) {
	c := strata.Customer{Country: "ZZ", Orders: -1, Languages: []string{"!"}, Scores: strata.Scores{Value: -5}}
	err := c.Validate()
	require.Error(t, err)
	var paths []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *strata.FieldError
		require.True(t, errors.As(e, &fe))
		paths = append(paths, fe.Path)
	}
	assert.Equal(t, []string{"id", "country", "languages[0]", "orders", "scores.value"}, paths)
}

func TestCodeTables(t *testing.T) {
	for _, c := range []string{"CN", "US", "DE", "BR", "AE", "XK", "TW", "HK"} {
		assert.True(t, strata.IsCountry(c), c)
	}
	for _, c := range []string{"", "EU", "UK", "ZZ", "cn", "CHN"} {
		assert.False(t, strata.IsCountry(c), c)
	}
	for _, s := range []string{"CN-SH", "CN-GD", "CN-HK", "US-CA", "DE-BY", "GB-ENG", "BR-SP"} {
		assert.True(t, strata.IsSubdivision(s), s)
	}
	assert.False(t, strata.IsSubdivision("CN-XX"))
	for cur, digits := range map[string]int{"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0, "BHD": 3, "VES": 2} {
		d, ok := strata.CurrencyDigits(cur)
		assert.True(t, ok, cur)
		assert.Equal(t, digits, d, cur)
	}
	assert.False(t, strata.IsCurrency("HRK"), "the kuna was replaced by the euro in 2023")
	for _, l := range []string{"zh", "zh-Hans", "zh-Hant-TW", "en-US", "pt-BR", "iw", "in", "yue-HK", "es-419"} {
		assert.True(t, strata.IsLanguage(l), l)
	}
	for _, l := range []string{"", "x", "-en", "en-", "zz-ZZ", "en--US", "en-abcdefghi"} {
		assert.False(t, strata.IsLanguage(l), l)
	}
	assert.True(t, strata.IsTimeZone("America/Sao_Paulo"))
	assert.False(t, strata.IsTimeZone("Local"))
}

func TestJSONRoundTrip(t *testing.T) {
	c := good()
	first, err := json.Marshal(c)
	require.NoError(t, err)
	var back strata.Customer
	require.NoError(t, json.Unmarshal(first, &back))
	second, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(first), string(second))
	assert.Equal(t, string(first), string(second), "byte for byte")
	assert.Contains(t, string(first), `"revenue":{"amount":"5600000","currency":"CNY"}`)
	assert.Contains(t, string(first), `"time_zone":"Asia/Shanghai"`)
	assert.True(t, back.Revenue.Amount.Equal(c.Revenue.Amount))
	assert.True(t, back.LastOrderAt.Equal(c.LastOrderAt))

	empty, err := json.Marshal(strata.Customer{ID: "x", Country: "US"})
	require.NoError(t, err)
	assert.Equal(t, `{"id":"x","country":"US"}`, string(empty), "unset fields are omitted")
}

func TestLogValueHidesContactDetails(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	c := good()
	logger.Info("classified", "customer", c)
	out := buf.String()
	assert.Contains(t, out, `"id":"C-001"`)
	assert.Contains(t, out, `"channels":["mobile","email","wechat"]`)
	for _, secret := range []string{c.Name, c.Channels[0].Value, c.Channels[1].Value, c.Channels[2].Value, "credit_days"} {
		assert.NotContains(t, out, secret)
	}
}

func TestCustomerHelpers(t *testing.T) {
	c := good()
	assert.True(t, c.Domestic("CN"))
	assert.False(t, c.Domestic("US"))
	assert.True(t, c.HasTag("VIP"))
	assert.False(t, c.HasTag("vip"))
	assert.True(t, c.HasSegment("domestic-high-value"))
	assert.True(t, c.HasChannel(strata.ChannelWeChat))
	assert.False(t, c.HasChannel(strata.ChannelLINE))
}

func FuzzCustomerJSON(f *testing.F) {
	seed, _ := json.Marshal(good())
	f.Add(seed)
	f.Add([]byte(`{"id":"x","country":"US","revenue":{"amount":"1e400","currency":"USD"}}`))
	f.Add([]byte(`{"id":"","languages":["","--"],"channels":[{"kind":"email","value":"@"}],"scores":{"value":1e309}}`))
	f.Add([]byte(`{"attrs":{"a":[{"b":null}]},"first_order_at":"2026-01-01T00:00:00Z"}`))
	// hostile: a huge amount, an exponent, invalid UTF-8, deep custom fields, long lists
	f.Add([]byte(`{"id":"x","country":"CN","revenue":{"amount":"` + strings.Repeat("9", 10_000) + `","currency":"CNY"}}`))
	f.Add([]byte(`{"id":"x","country":"CN","profit":{"amount":"1e999999999","currency":"CNY","extra":1}}`))
	f.Add([]byte("{\"id\":\"\xff\",\"country\":\"CN\",\"tags\":[\"a\",\"\xfe\"]}"))
	f.Add([]byte(`{"id":"x","country":"CN","attrs":{"a":[[[[[[1]]]]]]},"tags":["` + strings.Repeat(`a","`, 500) + `b"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c strata.Customer
		if json.Unmarshal(data, &c) != nil {
			return
		}
		err := c.Validate() // must not panic
		_ = c.LogValue()
		if err == nil {
			// A valid record survives a round trip and stays valid, and the
			// round trip is stable: marshal → unmarshal → marshal gives the
			// same bytes.
			out, merr := json.Marshal(c)
			require.NoError(t, merr)
			var back strata.Customer
			require.NoError(t, json.Unmarshal(out, &back))
			require.NoError(t, back.Validate())
			again, merr := json.Marshal(back)
			require.NoError(t, merr)
			require.Equal(t, string(out), string(again), "marshal → unmarshal → marshal is not byte-identical")
		}
	})
}
