package automation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/tiering/automation"
)

// The nightly run's scheduled time: a retried run passes the same one, so
// its tasks have the same keys.
var nightly = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

func ExampleNew() {
	tiers, _ := tiering.New(tiering.StarterConfig("CN"))
	_, err := automation.New(automation.Config{Rules: []automation.Rule{{
		Name: "platinum-welcome",
		When: `transition.ladder == "value" && transition.to == "platinum"`,
		Actions: []automation.Action{
			{Kind: "send_template", Params: map[string]string{"template": "welcome-platinum"}},
			{Kind: "send_sms", Params: map[string]string{"text": "hi"}},
		},
	}}}, tiers)
	for _, p := range strata.Problems(err) {
		fmt.Println(p)
	}
	// Output:
	// rules[0].when: rule "automation platinum-welcome" 1:50: comparison can never hold: transition.to is never "platinum", which is not among the tiers of ladder "value" (vip, key, regular, potential, basic)
	//     | transition.ladder == "value" && transition.to == "platinum"
	//     |                                                  ^
	// rules[0].actions[1].kind: unknown action kind "send_sms" (known: [add_tag assign_role create_document notify remove_tag schedule send_template]; declare the host's own under kinds)
}

func ExampleParseConfig() {
	cfg, err := automation.ParseConfig([]byte(`
kinds:
  - name: open_ticket
    params: [queue]
rules:
  - name: vip-onboarding
    when: transition.ladder == "value" && transition.to == "vip" && transition.change == "up"
    actions:
      - kind: open_ticket
        params: {queue: key-accounts}
      - kind: notify
        params: {role: sales-director}
`))
	fmt.Println(cfg.Rules[0].Name, len(cfg.Rules[0].Actions), err)
	_, err = automation.ParseConfig([]byte(`{"rules": [{"name": "x", "when": "true", "action": []}]}`))
	fmt.Println(err)
	// Output:
	// vip-onboarding 2 <nil>
	// 1:42: rules[0].action: unknown field (did you mean "actions"?)
	// 1:12: rules[0].actions: required field missing
}

func ExampleStarterConfig() {
	for _, r := range automation.StarterConfig().Rules {
		fmt.Printf("%-20s %s\n", r.Name, r.Label)
	}
	// Output:
	// domestic-high-value  国内高价值客户 → 高级销售经理，定期回访
	// new-overseas         海外新客户 → 欢迎邮件、产品介绍
	// potential            潜力客户 → 定期推送活动、优惠信息
	// channel-partner      代理商/合作伙伴 → 自动生成合同、定期沟通计划
}

func ExampleBuiltin() {
	for _, k := range automation.Builtin() {
		fmt.Println(k.Name, k.Params, k.Optional)
	}
	// Output:
	// assign_role [role] []
	// send_template [template] [channel]
	// schedule [plan] [every]
	// create_document [template] []
	// add_tag [tag] []
	// remove_tag [tag] []
	// notify [role] [template]
}

// A domestic customer grows past 1M CNY: it moves up to key and enters
// 国内高价值客户, and the starter rules ask for a senior sales manager and
// regular visits.
func ExampleEngine_Eval() {
	ctx := context.Background()
	tiers, _ := tiering.New(tiering.StarterConfig("CN"))
	rules, _ := automation.New(automation.StarterConfig(), tiers)

	c := strata.Customer{ID: "c-1001", Country: "CN", Subdivision: "CN-GD", Orders: 14,
		Revenue:      strata.MoneyOf(decimal.NewFromInt(2_400_000), "CNY"),
		FirstOrderAt: nightly.AddDate(-3, 0, 0), LastOrderAt: nightly.AddDate(0, 0, -6)}
	prev := tiering.State{Tiers: map[string]string{"value": "regular"}, Segments: []string{"south-china"}}

	p, _ := tiers.Classify(ctx, &c, nightly)
	ts, _ := tiers.Transitions(p, prev, nightly, tiering.Track)
	res, _ := rules.Eval(ctx, &c, ts, nightly)
	for _, t := range ts {
		fmt.Println(t)
	}
	fmt.Println(res.Why())
	fmt.Println(res.Tasks[0].Key)
	// Output:
	// value: regular → key (up, matched)
	// segment domestic-high-value: entered
	// assign_role role=senior-sales-manager (rule domestic-high-value on segment domestic-high-value: entered)
	// schedule plan=regular-visit (rule domestic-high-value on segment domestic-high-value: entered)
	// 31472f95ea6371fc54760f8a9778bc6c
}

// The first run over an imported book records every customer's state and
// emits nothing; the next night reports the customer that changed.
func ExampleEngine_Run() {
	ctx := context.Background()
	tiers, _ := tiering.New(tiering.StarterConfig("CN"))
	rules, _ := automation.New(automation.StarterConfig(), tiers)
	book := []automation.Entry{
		{Customer: strata.Customer{ID: "c-1", Country: "CN"}},
		{Customer: strata.Customer{ID: "c-2", Country: "DE", Kind: strata.KindReseller}},
	}
	for o := range rules.Run(ctx, slices.Values(book), nightly, tiering.Baseline) {
		book[slices.IndexFunc(book, func(e automation.Entry) bool { return e.Customer.ID == o.CustomerID })].State = o.State
		fmt.Println(o.CustomerID, o.State.Tiers, o.State.Segments, len(o.Tasks))
	}
	book[0].Customer.Orders, book[0].Customer.Revenue = 3, strata.MoneyOf(decimal.NewFromInt(450_000), "CNY")
	book[0].Customer.FirstOrderAt, book[0].Customer.LastOrderAt = nightly.AddDate(0, -2, 0), nightly.AddDate(0, 0, -1)
	for o := range rules.Run(ctx, slices.Values(book), nightly.AddDate(0, 0, 1), tiering.Track) {
		fmt.Println(o.CustomerID, o.Transitions, len(o.Tasks))
	}
	// Output:
	// c-1 map[value:potential] [] 0
	// c-2 map[value:potential] [overseas-potential europe-america channel-partner] 0
	// c-1 [value: potential → regular (up, matched) segment new-customer: entered] 0
	// c-2 [] 0
}

func ExampleParams() {
	var task automation.Task
	_ = json.Unmarshal([]byte(`{"kind": "send_template", "params": {"template": "welcome-overseas", "channel": "email"}}`), &task)
	fmt.Println(task.Params)
	fmt.Println(task.Params.Get("template"), task.Params.Get("missing") == "")
	fmt.Println(task.Params.Map()["channel"])
	b, _ := json.Marshal(task.Params)
	fmt.Println(string(b))
	// Output:
	// [{channel email} {template welcome-overseas}]
	// welcome-overseas true
	// email
	// {"channel":"email","template":"welcome-overseas"}
}
