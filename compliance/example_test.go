package compliance_test

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

func examplePolicy() *compliance.Policy {
	p, err := compliance.New(compliance.StarterConfig("CN"))
	if err != nil {
		panic(err)
	}
	return p
}

func exampleCustomer() strata.Customer {
	return strata.Customer{ID: "C-DE-3", Name: "Müller Textil GmbH", Country: "DE", City: "München", Tier: "key",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "einkauf@mueller-textil.example.de"},
			{Kind: strata.ChannelPhone, Value: "+49 89 1234 5678"}},
		Revenue: strata.MoneyOf(decimal.NewFromInt(1_870_000), "EUR")}
}

func ExamplePolicy_Decide() {
	p := examplePolicy()
	c := exampleCustomer()
	for _, q := range []struct {
		role   string
		action compliance.Action
	}{{"account-manager", compliance.ActionExport}, {"marketing-specialist", compliance.ActionView}, {"international-team", compliance.ActionEmail}} {
		d := p.Decide("someone", q.role, &c, q.action)
		fmt.Println(d.Allowed, "—", d.Reason)
	}
	// Output:
	// true — account-manager may export key customers (grant 1)
	// false — marketing-specialist has no access to key overseas customers
	// true — international-team may email overseas customers (grant 1)
}

func ExamplePolicy_Redact() {
	p := examplePolicy()
	for _, role := range []string{"sales-director", "marketing-specialist"} {
		r := p.Redact(exampleCustomer(), role)
		fmt.Printf("%-21s %s | %s | %s | %v\n", role, r.Name, r.Channels[0].Value, r.Channels[1].Value, r.Revenue)
	}
	// Output:
	// sales-director        Müller Textil GmbH | einkauf@mueller-textil.example.de | +49 89 1234 5678 | 1870000.00 EUR
	// marketing-specialist  M*** T*** G*** | ***@mueller-textil.example.de | +49 89****5678 | 0
}

func ExampleNewRedactingHandler() {
	plain := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	logger := slog.New(compliance.NewRedactingHandler(plain, examplePolicy(), nil))
	logger.Info("callback requested", "customer", "C-CN-9",
		slog.Group("contact", "name", "王小明", "mobile", "+86 138 0013 5678", "email", "wang@example.cn"),
		slog.Group("kyc", "national_id", "110105199003071234"))
	// Output:
	// level=INFO msg="callback requested" customer=C-CN-9 contact.name=王小* contact.mobile="+86 138****5678" contact.email=***@example.cn kyc.national_id=110105********1234
}
