package compliance_test

import (
	"context"
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

// A text-handler option that drops the time, so the output is stable.
var noTime = &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}}

func ExampleNew() {
	cfg := compliance.Config{
		Home: "CN",
		Roles: []compliance.Role{{
			Name: "intern", See: compliance.Public, Mask: compliance.Internal,
			Grants: []compliance.Grant{{Tiers: []string{"potential"}, Scope: compliance.ScopeDomestic, Actions: []compliance.Action{compliance.ActionView}}},
		}},
		Tags: []compliance.FieldTag{{Field: "attrs.national_id", PIPLSensitive: true}}, // no sensitivity
	}
	_, err := compliance.New(cfg)
	fmt.Println(err)
	cfg.Tags[0].Sensitivity = compliance.Restricted
	p, err := compliance.New(cfg)
	fmt.Println(p != nil, err)
	// Output:
	// tags[0].sensitivity: required: public, internal, confidential or restricted
	// true <nil>
}

func ExampleParseConfig() {
	_, err := compliance.ParseConfig([]byte(`
home: CN
roles:
  - name: intern
    see: public
    mask: internal
    grants: [{tiers: [potential], scope: domestic, actions: [view, comment]}]
    feilds: {name: hidden}
`))
	fmt.Println(err)
	// Output:
	// 8:5: roles[0].feilds: unknown field (did you mean "fields"?)
}

func ExampleStarterConfig() {
	cfg := compliance.StarterConfig("CN")
	for _, r := range cfg.Roles {
		fmt.Printf("%s sees %s, masks up to %s\n", r.Name, r.See, r.Mask)
	}
	// Output:
	// sales-director sees restricted, masks up to restricted
	// account-manager sees confidential, masks up to restricted
	// sales-rep sees confidential, masks up to restricted
	// support sees confidential, masks up to restricted
	// marketing-specialist sees internal, masks up to confidential
	// international-team sees confidential, masks up to restricted
	// sales-ops sees internal, masks up to confidential
}

func ExamplePolicy_Decide() {
	p := examplePolicy()
	c := exampleCustomer()
	for _, role := range []string{"account-manager", "marketing-specialist", "intern"} {
		d, err := p.Decide(context.Background(), compliance.Viewer{ID: "u-17", Role: role}, &c, compliance.ActionExport)
		fmt.Println(d.Allowed, "—", d.Reason, "—", err)
	}
	// Output:
	// true — account-manager may export key customers (grant 1) — <nil>
	// false — marketing-specialist has no access to key overseas customers — <nil>
	// false — compliance: unknown role "intern" — compliance: unknown role "intern"
}

func ExamplePolicy_Redact() {
	p := examplePolicy()
	c := exampleCustomer()
	for _, role := range []string{"sales-director", "marketing-specialist"} {
		r, err := p.Redact(context.Background(), compliance.Viewer{ID: "u-17", Role: role}, &c)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-21s %s | %s | %s | %s\n", role, r.Name, r.Channels[0].Value, r.Channels[1].Value, r.Revenue)
	}
	// Output:
	// sales-director        Müller Textil GmbH | einkauf@mueller-textil.example.de | +49 89 1234 5678 | 1870000.00 EUR
	// marketing-specialist  M*** T*** G*** | ***@mueller-textil.example.de | +49 89****5678 | 0
}

func ExamplePolicy_Visibility() {
	p := examplePolicy()
	for _, field := range []string{"name", "revenue", "attrs.National_ID", "attrs.kyc.national_id"} {
		v, _ := p.Visibility(compliance.Viewer{Role: "international-team"}, field)
		fmt.Println(field, v)
	}
	// Output:
	// name visible
	// revenue masked
	// attrs.National_ID masked
	// attrs.kyc.national_id masked
}

func ExamplePolicy_Tag() {
	p := examplePolicy()
	t, _ := p.Tag("attrs.kyc.national_id")
	fmt.Println(t.Field, t.Sensitivity, t.PIPLSensitive, t.Personal())
	// Output:
	// attrs.national_id restricted true true
}

func ExampleWithObserver() {
	audit := func(_ context.Context, e strata.Event) {
		a := e.Detail.(compliance.AuditEvent)
		fmt.Println(e.Op, e.Outcome, a.Viewer.ID, a.Customer, a.Masked, a.Hidden)
	}
	p, _ := compliance.New(compliance.StarterConfig("CN"), compliance.WithObserver(audit))
	c := exampleCustomer()
	viewer := compliance.Viewer{ID: "li.wei", Role: "marketing-specialist"}
	_, _ = p.Decide(context.Background(), viewer, &c, compliance.ActionView)
	_, _ = p.Redact(context.Background(), viewer, &c)
	// Output:
	// decide denied li.wei C-DE-3 [] []
	// redact redacted li.wei C-DE-3 [name city channels.value] [revenue]
}

func ExampleNewRedactingHandler() {
	h, err := compliance.NewRedactingHandler(slog.NewTextHandler(os.Stdout, noTime), examplePolicy(),
		compliance.LogKey{Pattern: "vat", Mask: compliance.MaskKindText})
	if err != nil {
		panic(err)
	}
	logger := slog.New(h)
	c := exampleCustomer()
	logger.Info("callback requested", "customer_phone", "+86 138 0013 5678", "email_address", "wang@example.cn",
		slog.Group("kyc", "National_ID", "110105199003071234", "vat_number", "DE123456789"))
	logger.Info("batch", "customers", []strata.Customer{c}, "channels", c.Channels)
	// Output:
	// level=INFO msg="callback requested" customer_phone="+86 138****5678" email_address=***@example.cn kyc.National_ID=110105********1234 kyc.vat_number=D***
	// level=INFO msg=batch customers="[map[channels:[email phone] country:DE id:C-DE-3 tier:key]]" channels="[map[kind:email preferred:false] map[kind:phone preferred:false]]"
}

func ExampleBuiltinLogKeys() {
	for _, k := range compliance.BuiltinLogKeys()[:3] {
		fmt.Println(k.Pattern, k.Mask, k.Whole)
	}
	// Output:
	// email email false
	// e_mail email false
	// phone phone false
}

func ExampleBuiltinTags() {
	for _, t := range compliance.BuiltinTags()[:3] {
		fmt.Println(t.Field, t.Sensitivity, t.Personal(), t.Categories)
	}
	// Output:
	// id internal false [user.unique_id]
	// name confidential true [user.name user.professional_information.workplace]
	// kind internal false [system.operations]
}

func ExampleSources() {
	for _, s := range compliance.Sources() {
		fmt.Println(s.Table, "—", s.Source, s.Version)
	}
	// Output:
	// data categories (Category, BuiltinTags) — Ethyca fideslang default taxonomy, data_categories 3.2.0
	// country calling code lengths (MaskPhone) — ITU-T Recommendation E.164, list of assigned country codes (one-digit 1 and 7; the two-digit codes) Complement to ITU-T Rec. E.164 (11/2010), as amended
}

func ExampleMaskPhone() {
	fmt.Println(compliance.MaskPhone("+86 138 0013 5678"))
	fmt.Println(compliance.MaskEmail("buyer@jinlun.example.cn"))
	fmt.Println(compliance.MaskName("上海锦纶纺织有限公司"))
	fmt.Println(compliance.MaskPRCID("110105199003071234"))
	fmt.Println(compliance.MaskHandle("wx_buyer_01"))
	fmt.Println(compliance.MaskText("Shenzhen"))
	fmt.Println(compliance.MaskMoney(strata.MoneyOf(decimal.NewFromInt(5_600_000), "CNY")))
	// Output:
	// +86 138****5678
	// ***@jinlun.example.cn
	// 上海********
	// 110105********1234
	// wx***
	// S***
	// 5000000.00 CNY
}

func ExampleDecision_Why() {
	p := examplePolicy()
	c := exampleCustomer()
	for _, role := range []string{"account-manager", "marketing-specialist"} {
		d, err := p.Decide(context.Background(), compliance.Viewer{ID: "u-17", Role: role}, &c, compliance.ActionExport)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(d.Why())
	}
	// Output:
	// allowed: account-manager may export key customers (grant 1)
	// denied: marketing-specialist has no access to key overseas customers
}
