// Command quickstart runs Strata's main job on a built-in sample book: a
// Chinese manufacturer's domestic and overseas customers. It validates the
// records and evaluates a few rules, and prints a readable summary.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/strata-go/strata/internal/rules"
	"github.com/strata-go/strata/internal/sample"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run() error {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	book := sample.Book(now)
	for _, c := range book {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("customer %s: %w", c.ID, err)
		}
	}
	fmt.Printf("Sample book: %d customers, all valid.\n\n", len(book))

	env, err := rules.New(rules.WithConverter(sample.Rates))
	if err != nil {
		return err
	}
	checks := []struct{ name, src string }{
		{"domestic", `customer.country == home`},
		{"East China (华东)", `in_group(customer, "华东")`},
		{"EU", `in_group(customer, "EU")`},
		{"revenue ≥ 5M CNY", `customer.revenue >= money("5000000", "CNY")`},
		{"ordered in the last 30 days", `customer.orders > 0 && days_since(customer.last_order_at) <= 30`},
	}
	act := env.NewActivation(sample.Home, now)
	fmt.Printf("%-30s %s\n", "rule", "customers")
	for _, ch := range checks {
		p, err := env.Compile(ch.name, ch.src, rules.Bool)
		if err != nil {
			return err
		}
		n := 0
		for i := range book {
			act.SetCustomer(&book[i])
			ok, err := p.EvalBool(act)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		fmt.Printf("%-30s %d\n", ch.name, n)
	}

	_, err = env.Compile("typo", `customer.revnue >= money("5000000", "CNY")`, rules.Bool)
	fmt.Printf("\nA typo is caught at compile time:\n%v\n", err)
	return nil
}
