package strata_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

func ExampleCustomer_Validate() {
	c := strata.Customer{
		ID:          "C-104",
		Country:     "DE",
		Subdivision: "FR-IDF", // Île-de-France is not in Germany
		Languages:   []string{"de-DE"},
		Channels:    []strata.Channel{{Kind: strata.ChannelEmail, Value: "einkauf(at)example.de"}},
		Orders:      -1,
	}
	err := c.Validate()
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *strata.FieldError
		if errors.As(e, &fe) {
			fmt.Println(fe.Path, "→", fe.Msg)
		}
	}
	// Output:
	// subdivision → "FR-IDF" is not in country "DE"
	// channels[0].value → not an email address
	// orders → negative count -1
}

func ExampleMoney() {
	revenue, _ := strata.NewMoney("5600000", "CNY")
	vipLine, _ := strata.NewMoney("5000000", "CNY")
	c, _ := revenue.Cmp(vipLine)
	fmt.Println("above the VIP line:", c > 0)

	usd, _ := strata.NewMoney("2000000", "USD")
	if _, err := revenue.Add(usd); errors.Is(err, strata.ErrCurrencyMismatch) {
		fmt.Println("refused:", err)
	}

	rates := strata.Rates{Base: "USD", PerBase: map[string]decimal.Decimal{"CNY": decimal.RequireFromString("7.1")}}
	inCNY, _ := usd.In("CNY", rates)
	total, _ := revenue.Add(inCNY)
	fmt.Println("total:", total)
	// Output:
	// above the VIP line: true
	// refused: strata: currency mismatch: CNY and USD
	// total: 19800000.00 CNY
}
