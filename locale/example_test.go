package locale_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/locale"
)

func ExampleCatalog_Match() {
	cat := locale.BuiltinCatalog()
	for _, viewer := range []string{"zh-Hans", "en", "zh-TW"} {
		l := cat.MatchStrings(viewer)
		fmt.Printf("%-7s → %-7s %s | %s | %s | %s\n", viewer, l.Tag, l.Label("field.name"), l.Label("field.contact_person"),
			l.Label("field.mobile"), l.Label("field.country"))
	}
	// Output:
	// zh-Hans → zh-Hans 客户名称 | 联系人 | 手机 | 国家/地区
	// en      → en      Company Name | Contact Person | Mobile Number | Country/Region
	// zh-TW   → zh-Hant 客戶名稱 | 聯絡人 | 手機 | 國家/地區
}

func ExampleFormatter_Money() {
	m := strata.MoneyOf(decimal.RequireFromString("1234.5"), "EUR")
	fmt.Println(locale.NewFormatter(language.German).Money(m))
	fmt.Println(locale.NewFormatter(language.English).Money(m))
	cny := strata.MoneyOf(decimal.NewFromInt(5_000_000), "CNY")
	fmt.Println(locale.NewFormatter(language.Chinese).Money(cny))
	// Output:
	// 1.234,50 €
	// €1,234.50
	// ¥5,000,000.00
}

func ExampleFormatter_Compact() {
	for _, tag := range []string{"zh", "zh-Hant", "ja", "ko", "en-IN"} {
		f := locale.NewFormatter(language.MustParse(tag))
		fmt.Printf("%-7s %s  %s\n", tag, f.Compact(decimal.NewFromInt(5_000_000)), f.Compact(decimal.NewFromInt(120_000_000)))
	}
	fmt.Println(locale.NewFormatter(language.Chinese).MoneyCompact(strata.MoneyOf(decimal.NewFromInt(5_000_000), "CNY")))
	// Output:
	// zh      500万  1.2亿
	// zh-Hant 500萬  1.2億
	// ja      500万  1.2億
	// ko      500만  1.2억
	// en-IN   50L  12Cr
	// ¥500万
}

// A host's labels for its own fields, read from YAML and laid over the
// built-in catalogue.
func ExampleParseCatalogConfig() {
	cfg, err := locale.ParseCatalogConfig([]byte(`
default: en
languages:
  en: {field.credit_days: Credit Days}
  zh-Hans: {field.credit_days: 账期}
`))
	if err != nil {
		panic(err)
	}
	host, err := locale.NewCatalog(cfg)
	if err != nil {
		panic(err)
	}
	cat := locale.BuiltinCatalog().Merge(host)
	fmt.Println(cat.MatchStrings("zh-CN").Label("field.credit_days"), cat.MatchStrings("zh-CN").Label("field.revenue"))
	// Output:
	// 账期 年销售额
}

// Every problem at once, each with its path.
func ExampleNewCatalog() {
	_, err := locale.NewCatalog(locale.CatalogConfig{Default: "en", Languages: map[string]map[string]string{
		"de": {"field.name": "Firmenname"}, "DE": {"field.name": "Firma"}}})
	fmt.Println(err)
	// Output:
	// languages.de: the same language as DE
	// languages: no labels for the default language en
}

// British, Swiss, Portuguese and Saudi customers each see their own formats
// (quoted here to show the no-break spaces and the right-to-left mark).
func ExampleNewFormatter() {
	m := strata.MoneyOf(decimal.RequireFromString("1234567.125"), "EUR")
	for _, tag := range []string{"en-GB", "en-IN", "de-CH", "pt-PT", "ar-SA"} {
		f := locale.NewFormatter(language.MustParse(tag))
		fmt.Printf("%-5s %+q  %+q\n", tag, f.Money(m), f.Compact(m.Amount))
	}
	// Output:
	// en-GB "\u20ac1,234,567.13"  "1.2m"
	// en-IN "\u20ac12,34,567.13"  "12L"
	// de-CH "EUR\u00a01'234'567.13"  "1.2\u00a0Mio."
	// pt-PT "1\u00a0234\u00a0567,13\u00a0\u20ac"  "1,2\u00a0M"
	// ar-SA "\u200f\u0661\u066c\u0662\u0663\u0664\u066c\u0665\u0666\u0667\u066b\u0661\u0663\u00a0\u20ac"  "\u0661\u066b\u0662\u00a0\u0645\u0644\u064a\u0648\u0646"
}

func ExampleSources() {
	fmt.Println(locale.Sources()[0].Source, locale.Sources()[0].Version)
	// Output:
	// Unicode CLDR (npm cldr-numbers-full and cldr-core) 48.2.0
}

func ExampleNumberLocales() {
	tags := locale.NumberLocales()
	fmt.Println(len(tags) >= 40, tags[0], locale.NewFormatter(language.MustParse("en-NZ")).Tag())
	// Output:
	// true en en-NZ
}

// A catalogue's configuration is the file a translator edits.
func ExampleCatalog_Config() {
	cfg := locale.BuiltinCatalog().Config()
	fmt.Println(cfg.Default, len(cfg.Languages), cfg.Languages["zh-Hant"]["tier.vip"])
	// Output:
	// en 11 VIP客戶
}

func ExamplePreferredLanguage() {
	supported := []language.Tag{language.English, language.SimplifiedChinese, language.German}
	tag, _ := locale.PreferredLanguage(&strata.Customer{Country: "AT"}, supported)
	fmt.Println(tag)
	// Output:
	// de
}
