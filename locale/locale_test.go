package locale_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/locale"
)

// parseCatalog reads and builds a catalogue.
func parseCatalog(_ testing.TB, data []byte) (*locale.Catalog, error) {
	cfg, err := locale.ParseCatalogConfig(data)
	if err != nil {
		return nil, err
	}
	return locale.NewCatalog(cfg)
}

var shipped = []string{"zh-Hans", "zh-Hant", "en", "ja", "ko", "de", "fr", "es", "pt", "ar", "ru"}

// customerFieldKeys walks strata.Customer's JSON names, with the nested
// fields of its channel and score structs.
func customerFieldKeys() []string {
	var keys []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			keys = append(keys, "field."+prefix+name)
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[strata.Money]() && ft.PkgPath() == "github.com/strata-go/strata" {
				walk(ft, prefix+name+".")
			}
		}
	}
	walk(reflect.TypeFor[strata.Customer](), "")
	return keys
}

// TestBuiltinCoversEveryField: a new Customer field without labels in every
// shipped language fails here.
func TestBuiltinCoversEveryField(t *testing.T) {
	cat := locale.BuiltinCatalog()
	keys := customerFieldKeys()
	require.Contains(t, keys, "field.scores.grade")
	require.Contains(t, keys, "field.channels.kind")
	var standard []string
	for _, k := range strata.ChannelKinds() {
		standard = append(standard, "channel."+string(k))
	}
	for _, g := range []string{"A", "B", "C", "D"} {
		standard = append(standard, "grade."+g)
	}
	for _, k := range []strata.Kind{strata.KindEnterprise, strata.KindIndividual, strata.KindReseller, strata.KindPartner} {
		standard = append(standard, "kind."+string(k))
	}
	for _, tier := range []string{"vip", "key", "regular", "potential", "basic"} {
		standard = append(standard, "tier."+tier)
	}
	for _, lang := range shipped {
		tag := language.MustParse(lang)
		loc := cat.Match(tag)
		require.Equal(t, tag, loc.Tag, "%s is shipped", lang)
		assert.Empty(t, cat.Missing(tag), "%s lacks translations", lang)
		for _, k := range append(keys, standard...) {
			assert.NotEqual(t, k, loc.Label(k), "%s has no label for %s", lang, k)
		}
	}
}

func TestLabels(t *testing.T) {
	cat := locale.BuiltinCatalog()
	for _, tt := range []struct{ lang, key, want string }{
		{"zh-Hans", "field.name", "客户名称"},
		{"en", "field.name", "Company Name"},
		{"zh-Hans", "field.contact_person", "联系人"},
		{"en", "field.contact_person", "Contact Person"},
		{"zh-Hans", "field.mobile", "手机"},
		{"en", "field.mobile", "Mobile Number"},
		{"en", "field.country", "Country/Region"},
		{"zh-Hant", "tier.key", "重點客戶"},
		{"ja", "segment.east_china", "華東"},
		{"de", "field.revenue", "Jahresumsatz"},
		{"ar", "channel.whatsapp", "واتساب"},
		{"ru", "grade.A", "Категория A"},
	} {
		assert.Equal(t, tt.want, cat.Label(tt.key, language.MustParse(tt.lang)), "%s %s", tt.lang, tt.key)
	}
}

func TestMatching(t *testing.T) {
	cat := locale.BuiltinCatalog()
	for _, tt := range []struct{ in, want string }{
		{"zh-TW", "zh-Hant"}, {"zh-HK", "zh-Hant"}, {"zh-MO", "zh-Hant"}, {"zh-SG", "zh-Hans"}, {"zh-CN", "zh-Hans"}, {"zh", "zh-Hans"},
		{"de-AT", "de"}, {"de-CH", "de"}, {"pt-BR", "pt"}, {"es-MX", "es"}, {"en-GB", "en"}, {"fr-CA", "fr"}, {"ar-EG", "ar"},
		{"sw", "en"}, // no Swahili: the default
	} {
		loc := cat.MatchStrings(tt.in)
		assert.Equal(t, tt.want, loc.Tag.String(), tt.in)
	}
	assert.Equal(t, language.No, cat.Match().Confidence, "no preference at all")
	assert.NotEqual(t, language.No, cat.MatchStrings("zh-TW").Confidence)
	assert.Equal(t, "zh-Hant", cat.MatchStrings("xx-!!", "zh-TW").Tag.String(), "unparseable tags are skipped")
	assert.Equal(t, "en", cat.Match().Tag.String())

	// Legacy codes: with a Hebrew catalogue, iw finds it.
	he, err := parseCatalog(t, []byte(`{"default":"en","languages":{"en":{"field.name":"Company Name"},"he":{"field.name":"שם החברה"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "שם החברה", he.MatchStrings("iw").Label("field.name"))
}

func TestFallback(t *testing.T) {
	host, err := parseCatalog(t, []byte(`{"default":"en","languages":{
		"en":{"field.credit_days":"Credit Days","tier.platinum":"Platinum"},
		"de":{"field.credit_days":"Zahlungsziel"},
		"de-CH":{"tier.platinum":"Platin (CH)"}}}`))
	require.NoError(t, err)
	cat := locale.BuiltinCatalog().Merge(host)
	ch := cat.MatchStrings("de-CH")
	assert.Equal(t, "de-CH", ch.Tag.String())
	assert.Equal(t, "Platin (CH)", ch.Label("tier.platinum"), "its own label")
	assert.Equal(t, "Zahlungsziel", ch.Label("field.credit_days"), "then its base language")
	assert.Equal(t, "Jahresumsatz", ch.Label("field.revenue"), "then the base's built-in labels")
	assert.Equal(t, "Credit Days", cat.MatchStrings("ja").Label("field.credit_days"), "then the default")
	assert.Equal(t, "field.unknown", ch.Label("field.unknown"), "never empty: the key")
	assert.Contains(t, cat.Missing(language.Japanese), "field.credit_days")
	assert.NotContains(t, cat.Missing(language.English), "field.credit_days")
	assert.Equal(t, "客户名称", cat.Label("field.name", language.Chinese), "merging keeps the built-ins")

	var zero locale.Localizer
	assert.Equal(t, "field.name", zero.Label("field.name"))
}

func TestCatalogJSON(t *testing.T) {
	cat := locale.BuiltinCatalog()
	b, err := json.Marshal(cat)
	require.NoError(t, err)
	back, err := parseCatalog(t, b)
	require.NoError(t, err)
	assert.Equal(t, cat.Keys(), back.Keys())
	assert.Equal(t, cat.Languages(), back.Languages())
	for _, bad := range []string{`{`, `{"default":""}`, `{"default":"en","languages":{}}`, `{"default":"en","languages":{"en":{},"!!":{}}}`} {
		_, err := parseCatalog(t, []byte(bad))
		assert.Error(t, err, bad)
	}
}

func money(amount, cur string) strata.Money {
	return strata.MoneyOf(decimal.RequireFromString(amount), cur)
}

func TestFormatMoney(t *testing.T) {
	for _, tt := range []struct {
		lang, amount, cur, want string
	}{
		{"zh", "5000000", "CNY", "¥5,000,000.00"},
		{"zh", "-1234.5", "CNY", "-¥1,234.50"},
		{"zh", "0", "CNY", "¥0.00"},
		{"zh", "1234.5", "USD", "US$1,234.50"},
		{"en", "1234.5", "USD", "$1,234.50"},
		{"en", "-1234.5", "USD", "-$1,234.50"},
		{"en", "1234.5", "CNY", "CN¥1,234.50"},
		{"en", "1500", "JPY", "¥1,500"},
		{"en", "1.2345", "BHD", "BHD\u00a01.235"}, // currency spacing; half away from zero
		{"en", "123456789012.34", "EUR", "€123,456,789,012.34"},
		{"de", "1234.5", "EUR", "1.234,50\u00a0€"},
		{"de", "-1234.5", "EUR", "-1.234,50\u00a0€"},
		{"de", "0", "EUR", "0,00\u00a0€"},
		{"de", "1500.4", "JPY", "1.500\u00a0¥"},
		{"fr", "1234.5", "EUR", "1\u202f234,50\u00a0€"},
		{"ja", "1500", "JPY", "￥1,500"},
		{"hi", "1234567.5", "INR", "₹12,34,567.50"},
		{"ar", "1234.5", "SAR", "\u200f1,234.50\u00a0ر.س.\u200f"},
		{"ko", "1234", "KRW", "₩1,234"},
		{"pt", "1234.5", "BRL", "R$\u00a01.234,50"},
		{"en", "0.125", "USD", "$0.13"}, // half away from zero, as Intl and Money.Round do
		{"en", "0.135", "USD", "$0.14"},
		{"en", "-0.125", "USD", "-$0.13"},
		{"en", "-0.004", "USD", "$0.00"},                                            // rounds to zero: no minus
		{"de", "-0.004", "EUR", "0,00\u00a0€"},                                      // likewise
		{"en", "-98765432109876543210.5", "USD", "-$98,765,432,109,876,543,210.50"}, // beyond int64
		{"hi", "-100000", "INR", "-₹1,00,000.00"},
	} {
		got := locale.NewFormatter(language.MustParse(tt.lang)).Money(money(tt.amount, tt.cur))
		assert.Equal(t, tt.want, got, "%s %s %s", tt.lang, tt.amount, tt.cur)
	}
}

func TestCompactBoundaries(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int64
		want string
	}{
		{"zh", 9999, "9999"},
		{"zh", 10_000, "1万"},
		{"zh", 12_345, "1.2万"},
		{"zh", 123_456, "12万"},
		{"zh", 5_000_000, "500万"},
		{"zh", 99_999_999, "1亿"},
		{"zh", 100_000_000, "1亿"},
		{"zh", 120_000_000, "1.2亿"},
		{"zh", -120_000_000, "-1.2亿"},
		{"zh", 1_000_000_000_000, "1万亿"},
		{"zh-Hant", 5_000_000, "500萬"},
		{"zh-Hant", 120_000_000, "1.2億"},
		{"ja", 5_000_000, "500万"},
		{"ja", 120_000_000, "1.2億"},
		{"ko", 5_000_000, "500만"},
		{"ko", 120_000_000, "1.2억"},
		{"hi", 100_000, "1\u00a0लाख"},
		{"hi", 12_000_000, "1.2\u00a0क॰"},
		{"en-IN", 100_000, "1L"},
		{"en-IN", 10_000_000, "1Cr"},
		{"en", 1_500_000, "1.5M"},
		{"de", 12_345, "12.345"},
		{"zh", 0, "0"},
	} {
		got := locale.NewFormatter(language.MustParse(tt.lang)).Compact(decimal.NewFromInt(tt.n))
		assert.Equal(t, tt.want, got, "%s %d", tt.lang, tt.n)
	}
	f := locale.NewFormatter(language.Chinese)
	assert.Equal(t, "¥500万", f.MoneyCompact(money("5000000", "CNY")))
	assert.Equal(t, "-US$1.2亿", f.MoneyCompact(money("-120000000", "USD")))
	assert.Equal(t, "1,234,567.89", locale.NewFormatter(language.English).Decimal(decimal.RequireFromString("1234567.891"), 2))
	assert.Equal(t, "-1.234.567,89", locale.NewFormatter(language.German).Decimal(decimal.RequireFromString("-1234567.891"), 2))
	assert.Equal(t, "en", locale.NewFormatter(language.MustParse("sw")).Tag().String(), "no data: English")
}

func TestNames(t *testing.T) {
	assert.Equal(t, "德国", locale.CountryName("DE", language.SimplifiedChinese))
	assert.Equal(t, "Allemagne", locale.CountryName("DE", language.French))
	assert.Equal(t, "Germany", locale.CountryName("DE", language.English))
	assert.Equal(t, "??", locale.CountryName("??", language.English))
	assert.Equal(t, "德语", locale.LanguageName("de", language.SimplifiedChinese))
	assert.Equal(t, "Japanese", locale.LanguageName("ja", language.English))

	assert.Equal(t, "王小明", locale.DisplayName("小明", "王", language.Chinese))
	assert.Equal(t, "山田 Taro", locale.DisplayName("Taro", "山田", language.Japanese))
	assert.Equal(t, "Kovács János", locale.DisplayName("János", "Kovács", language.Hungarian))
	assert.Equal(t, "Nguyễn Văn An", locale.DisplayName("Văn An", "Nguyễn", language.Vietnamese))
	assert.Equal(t, "Anna Schmidt", locale.DisplayName("Anna", "Schmidt", language.German))
	assert.Equal(t, "Schmidt", locale.DisplayName("", "Schmidt", language.German))
	for lang, rtl := range map[string]bool{"ar": true, "he": true, "fa": true, "ur": true, "en": false, "zh": false, "ru": false} {
		assert.Equal(t, rtl, locale.IsRTL(language.MustParse(lang)), lang)
	}
}

func TestChannelsAndPreferredLanguage(t *testing.T) {
	p := locale.DefaultChannelPrefs()
	assert.Equal(t, strata.ChannelWeChat, p.For("CN")[0])
	for c, want := range map[string]strata.ChannelKind{"JP": strata.ChannelLINE, "TW": strata.ChannelLINE, "TH": strata.ChannelLINE,
		"KR": strata.ChannelKakaoTalk, "VN": strata.ChannelZalo, "BR": strata.ChannelWhatsApp, "AE": strata.ChannelWhatsApp, "US": strata.ChannelEmail} {
		assert.Equal(t, want, p.For(c)[0], c)
	}
	assert.Equal(t, []strata.ChannelKind{strata.ChannelEmail, strata.ChannelPhone}, p.For("ZZ"))
	p["CN"] = []strata.ChannelKind{strata.ChannelEmail}
	assert.Equal(t, strata.ChannelEmail, p.For("CN")[0], "overridable")
	c := strata.Customer{Country: "VN", Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "a@b.vn"}, {Kind: strata.ChannelZalo, Value: "z"}}}
	best, ok := locale.DefaultChannelPrefs().Best(&c)
	assert.True(t, ok)
	assert.Equal(t, strata.ChannelZalo, best)
	_, ok = p.Best(&strata.Customer{Country: "VN"})
	assert.False(t, ok)
	_, ok = p.Best(nil)
	assert.False(t, ok, "a nil customer has no channel")

	supported := []language.Tag{language.English, language.SimplifiedChinese, language.TraditionalChinese, language.German, language.Portuguese, language.Japanese}
	for _, tt := range []struct {
		c    strata.Customer
		want string
	}{
		{strata.Customer{Country: "TW", Languages: []string{"zh-TW"}}, "zh-Hant"},
		{strata.Customer{Country: "DE", Languages: []string{"fr", "de"}}, "de"},
		{strata.Customer{Country: "BR"}, "pt"},
		{strata.Customer{Country: "JP"}, "ja"},
		{strata.Customer{Country: "AT"}, "de"},
		{strata.Customer{Country: "KE"}, "en"}, // Swahili is not supported: the first supported
	} {
		got, _ := locale.PreferredLanguage(&tt.c, supported)
		assert.Equal(t, tt.want, got.String(), "%+v", tt.c)
	}
	got, conf := locale.PreferredLanguage(&strata.Customer{}, nil)
	assert.Equal(t, language.Und, got)
	assert.Equal(t, language.No, conf)
	got, conf = locale.PreferredLanguage(nil, supported)
	assert.Equal(t, language.English, got)
	assert.Equal(t, language.No, conf)
}

func FuzzLanguageTags(f *testing.F) {
	for _, s := range []string{"zh-TW", "iw", "in", "de-AT", "", "x-klingon", "zh-Hant-HK-u-nu-hanidec", "!!"} {
		f.Add(s, `{"default":"en","languages":{"en":{"k":"v"}}}`)
	}
	f.Add("en", `{"default":"zz","languages":{"zz":{"":""}}}`)
	f.Fuzz(func(t *testing.T, tag, catalog string) {
		cat := locale.BuiltinCatalog()
		if c, err := parseCatalog(t, []byte(catalog)); err == nil {
			cat = cat.Merge(c)
			_, _ = json.Marshal(c)
		}
		loc := cat.MatchStrings(tag)
		if loc.Label("field.name") == "" {
			t.Fatal("an empty label")
		}
		_ = cat.Missing(loc.Tag)
		if tg, err := language.Parse(tag); err == nil {
			_ = locale.NewFormatter(tg).Money(money("-1234.5", "EUR"))
			_ = locale.CountryName("DE", tg)
			_ = locale.IsRTL(tg)
		}
		_, _ = locale.PreferredLanguage(&strata.Customer{Country: "BR", Languages: []string{tag}}, []language.Tag{language.English})
	})
}
