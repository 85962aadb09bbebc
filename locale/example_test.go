package locale_test

import (
	"fmt"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/locale"
)

func ExampleCatalog_Match() {
	cat := locale.Builtin()
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
