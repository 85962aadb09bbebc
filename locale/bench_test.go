package locale_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/strata-go/strata/locale"
)

func BenchmarkLabel(b *testing.B) {
	loc := locale.BuiltinCatalog().MatchStrings("zh-TW")
	b.ReportAllocs()
	for b.Loop() {
		if loc.Label("field.revenue") == "" {
			b.Fatal("empty")
		}
	}
}

// BenchmarkLabelFallback falls through two languages to the default.
func BenchmarkLabelFallback(b *testing.B) {
	host, _ := parseCatalog(b, []byte(`{"default":"en","languages":{"en":{"x":"X"},"de-CH":{"y":"Y"}}}`))
	loc := locale.BuiltinCatalog().Merge(host).MatchStrings("de-CH")
	b.ReportAllocs()
	for b.Loop() {
		_ = loc.Label("x")
	}
}

func BenchmarkFormatMoney(b *testing.B) {
	f := locale.NewFormatter(language.German)
	m := money("-1234567.505", "EUR")
	b.ReportAllocs()
	for b.Loop() {
		_ = f.Money(m)
	}
}

func BenchmarkFormatCompact(b *testing.B) {
	f := locale.NewFormatter(language.Chinese)
	n := decimal.NewFromInt(123_456_789)
	b.ReportAllocs()
	for b.Loop() {
		_ = f.Compact(n)
	}
}
