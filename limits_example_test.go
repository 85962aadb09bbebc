package strata_test

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

func ExampleCustomer_ValidateWithin() {
	c := strata.Customer{ID: "C-1", Country: "DE"}
	for i := range 100 {
		c.Tags = append(c.Tags, fmt.Sprint("tag-", i))
	}
	fmt.Println(c.Validate())
	// A host that needs more tags raises the limit, and compiles its
	// engines with the same Limits (tiering.WithLimits …).
	fmt.Println(c.ValidateWithin(strata.Limits{Tags: 200}))
	// Output:
	// tags: 100 items exceeds the limit of 64
	// <nil>
}

func ExampleParseAmount() {
	d, err := strata.ParseAmount("5e6")
	fmt.Println(d, err)
	_, err = strata.ParseAmount(strings.Repeat("9", 1_000_000))
	fmt.Println(err)
	// Output:
	// 5000000 <nil>
	// strata: amount of 1000000 characters: more than 38 digits
}

func ExampleMoney_CmpIn() {
	rates := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1234")}}
	revenue := strata.MoneyOf(decimal.RequireFromString("15000.00"), "USD") // worth exactly 106,851.00 CNY
	line := strata.MoneyOf(decimal.RequireFromString("106851.004"), "CNY")  // 15,000.00 USD once rounded to cents
	c, err := revenue.CmpIn(line, rates)
	fmt.Println(c, err)
	// Output:
	// -1 <nil>
}

func ExampleRates_Convert() {
	rates := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1234")}}
	m, err := rates.Convert(strata.MoneyOf(decimal.RequireFromString("0.0007"), "USD"), "CNY")
	fmt.Println(m, err) // 0.00498638 CNY, under half a fen
	m, err = rates.Convert(strata.MoneyOf(decimal.RequireFromString("0.0008"), "USD"), "CNY")
	fmt.Println(m, err) // 0.00569872 CNY, rounded half away from zero
	// Output:
	// 0.00 CNY <nil>
	// 0.01 CNY <nil>
}
