package automation_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/tiering"
	"github.com/strata-go/strata/tiering/automation"
)

var now = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

// nilCtx is a nil context, which every entry point must refuse.
var nilCtx context.Context

func money(units int64, cur string) strata.Money {
	return strata.MoneyOf(decimal.NewFromInt(units), cur)
}

func starterTiers(t testing.TB) *tiering.Engine {
	t.Helper()
	e, err := tiering.New(tiering.StarterConfig("CN"))
	require.NoError(t, err)
	return e
}

func starter(t testing.TB) (*tiering.Engine, *automation.Engine) {
	t.Helper()
	tiers := starterTiers(t)
	a, err := automation.New(automation.StarterConfig(), tiers)
	require.NoError(t, err)
	return tiers, a
}

// step classifies c, compares with prev and evaluates the rules.
func step(t testing.TB, tiers *tiering.Engine, a *automation.Engine, c strata.Customer, prev tiering.State) automation.Result {
	t.Helper()
	ctx := context.Background()
	p, err := tiers.Classify(ctx, &c, now)
	require.NoError(t, err)
	ts, err := tiers.Transitions(p, prev, now, tiering.Track)
	require.NoError(t, err)
	res, err := a.Eval(ctx, &c, ts, now)
	require.NoError(t, err)
	return res
}

func ordered(c strata.Customer, orders int, first time.Time) strata.Customer {
	c.Orders, c.FirstOrderAt, c.LastOrderAt = orders, first, now.AddDate(0, 0, -10)
	return c
}

// The starter file reproduces the four rows of the guide's automation
// table (自动化流程与分层触发).
func TestStarterReproducesTheGuidesTable(t *testing.T) {
	tiers, a := starter(t)
	twoYears := now.AddDate(-2, 0, 0)
	tests := []struct {
		row  string
		c    strata.Customer
		prev tiering.State
		want []string
	}{
		{"国内高价值客户 → 高级销售经理，定期回访",
			ordered(strata.Customer{ID: "d1", Country: "CN", Revenue: money(2_000_000, "CNY")}, 12, twoYears),
			tiering.State{Tiers: map[string]string{"value": "regular"}},
			[]string{"domestic-high-value assign_role role=senior-sales-manager", "domestic-high-value schedule plan=regular-visit"}},
		{"海外新客户 → 欢迎邮件、产品介绍",
			ordered(strata.Customer{ID: "o1", Country: "US", Subdivision: "US-NY", Revenue: money(150_000, "USD")}, 3, now.AddDate(-1, 0, 0)),
			tiering.State{},
			[]string{"new-overseas send_template channel=email template=welcome-overseas",
				"new-overseas send_template channel=email template=product-introduction",
				"new-overseas assign_role role=international-business-specialist"}},
		{"潜力客户 → 定期推送活动、优惠信息",
			strata.Customer{ID: "p1", Country: "CN"},
			tiering.State{},
			[]string{"potential schedule every=monthly plan=campaigns-and-offers", "potential assign_role role=marketing-specialist"}},
		{"代理商/合作伙伴 → 自动生成合同、定期沟通计划",
			ordered(strata.Customer{ID: "r1", Kind: strata.KindReseller, Country: "CN", Revenue: money(500_000, "CNY")}, 5, twoYears),
			tiering.State{Tiers: map[string]string{"value": "regular"}},
			[]string{"channel-partner create_document template=agency-contract",
				"channel-partner schedule every=monthly plan=partner-communication",
				"channel-partner assign_role role=channel-manager"}},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			res := step(t, tiers, a, tt.c, tt.prev)
			var got []string
			for _, task := range res.Tasks {
				got = append(got, brief(task))
				assert.Equal(t, tt.c.ID, task.CustomerID)
				assert.Len(t, task.Key, 32)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// brief is a task's rule, kind and parameters.
func brief(task automation.Task) string {
	s := task.Rule + " " + task.Kind
	for _, p := range task.Params {
		s += " " + p.Name + "=" + p.Value
	}
	return s
}

// Nothing fires for a customer who stays where it was, and a customer who
// reaches the starter's domestic-high-value segment and the potential tier
// at once gets both rows, transition by transition.
func TestEvalOrderAndNoChange(t *testing.T) {
	tiers, a := starter(t)
	c := ordered(strata.Customer{ID: "d1", Country: "CN", Revenue: money(2_000_000, "CNY")}, 12, now.AddDate(-2, 0, 0))
	p, err := tiers.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	res := step(t, tiers, a, c, p.State())
	assert.NotNil(t, res.Tasks)
	assert.Empty(t, res.Tasks)
	assert.Equal(t, "no rule fired", res.Why())

	// Transitions given by hand: the order is the transitions', then the
	// rules', then the actions'.
	ts := []tiering.Transition{
		{CustomerID: "d1", Segment: "channel-partner", To: "channel-partner", Change: tiering.ChangeEntered, At: now},
		{CustomerID: "d1", Ladder: "value", To: "potential", Change: tiering.ChangeNew, At: now},
		{CustomerID: "d1", Segment: "domestic-high-value", To: "domestic-high-value", Change: tiering.ChangeEntered, At: now},
	}
	res, err = a.Eval(t.Context(), &c, ts, now)
	require.NoError(t, err)
	var rules []string
	for _, task := range res.Tasks {
		rules = append(rules, task.Rule+"/"+task.Kind)
	}
	assert.Equal(t, []string{
		"channel-partner/create_document", "channel-partner/schedule", "channel-partner/assign_role",
		"potential/schedule", "potential/assign_role",
		"domestic-high-value/assign_role", "domestic-high-value/schedule",
	}, rules)
	assert.Equal(t, ts[1], res.Tasks[3].Transition)
	assert.Contains(t, res.Why(), "schedule every=monthly plan=campaigns-and-offers (rule potential on value: (none) → potential (new, ))")
}

// Keys are stable for the same inputs, distinct between tasks, and change
// with the run's time, the transition, the rule and the action.
func TestTaskKeys(t *testing.T) {
	tiers, a := starter(t)
	c := ordered(strata.Customer{ID: "r1", Kind: strata.KindPartner, Country: "DE", Revenue: money(50_000, "USD")}, 2, now.AddDate(0, -1, 0))
	one := step(t, tiers, a, c, tiering.State{})
	two := step(t, tiers, a, c, tiering.State{})
	require.NotEmpty(t, one.Tasks)
	assert.Equal(t, one, two, "the same inputs give the same tasks and keys")
	seen := map[string]bool{}
	for _, task := range one.Tasks {
		assert.False(t, seen[task.Key], "duplicate key %s", task.Key)
		seen[task.Key] = true
	}
	// Another run time: other keys.
	p, err := tiers.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	later := now.Add(24 * time.Hour)
	ts, err := tiers.Transitions(p, tiering.State{}, later, tiering.Track)
	require.NoError(t, err)
	res, err := a.Eval(t.Context(), &c, ts, later)
	require.NoError(t, err)
	require.Len(t, res.Tasks, len(one.Tasks))
	for i := range res.Tasks {
		assert.NotEqual(t, one.Tasks[i].Key, res.Tasks[i].Key)
		assert.Equal(t, one.Tasks[i].Kind, res.Tasks[i].Kind)
	}
	// The same instant in another zone is the same run.
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	ts2, err := tiers.Transitions(p, tiering.State{}, now.In(shanghai), tiering.Track)
	require.NoError(t, err)
	res2, err := a.Eval(t.Context(), &c, ts2, now.In(shanghai))
	require.NoError(t, err)
	for i := range res2.Tasks {
		assert.Equal(t, one.Tasks[i].Key, res2.Tasks[i].Key)
	}
}

// Tasks do not share their parameters with the engine or each other, and
// read and write them as a JSON object.
func TestTaskParams(t *testing.T) {
	tiers, a := starter(t)
	c := strata.Customer{ID: "p1", Country: "CN"}
	res := step(t, tiers, a, c, tiering.State{})
	require.Len(t, res.Tasks, 2)
	assert.Equal(t, automation.Params{{"every", "monthly"}, {"plan", "campaigns-and-offers"}}, res.Tasks[0].Params)
	assert.Equal(t, "campaigns-and-offers", res.Tasks[0].Params.Get("plan"))
	assert.Equal(t, "", res.Tasks[0].Params.Get("nope"))
	assert.Equal(t, map[string]string{"every": "monthly", "plan": "campaigns-and-offers"}, res.Tasks[0].Params.Map())
	res.Tasks[0].Params[1].Value = "changed"
	res.Tasks[0].Params = append(res.Tasks[0].Params, automation.Param{"x", "y"})
	assert.Equal(t, automation.Params{{"role", "marketing-specialist"}}, res.Tasks[1].Params, "appending to one task's parameters leaves the next alone")
	again := step(t, tiers, a, c, tiering.State{})
	assert.Equal(t, "campaigns-and-offers", again.Tasks[0].Params.Get("plan"))
	assert.Equal(t, "campaigns-and-offers", a.Config().Rules[2].Actions[0].Params["plan"])

	b, err := json.Marshal(again.Tasks[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `"params":{"every":"monthly","plan":"campaigns-and-offers"}`)
	var back automation.Task
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, again.Tasks[0], back)
	assert.Error(t, json.Unmarshal([]byte(`{"params": {"a": 1}}`), &back))
	empty, err := json.Marshal(automation.Task{})
	require.NoError(t, err)
	assert.NotContains(t, string(empty), "params")
}

// An action of a kind without parameters gives a task whose Params are nil,
// as reading its JSON back gives.
func TestTaskWithoutParams(t *testing.T) {
	tiers := starterTiers(t)
	cfg := automation.Config{
		Kinds: []automation.Kind{{Name: "ping"}},
		Rules: []automation.Rule{{Name: "any", When: "true", Actions: []automation.Action{{Kind: "ping"}, {Kind: "ping"}}}},
	}
	a, err := automation.New(cfg, tiers)
	require.NoError(t, err)
	res := step(t, tiers, a, strata.Customer{ID: "z1", Country: "CN"}, tiering.State{})
	require.NotEmpty(t, res.Tasks)
	for _, task := range res.Tasks {
		assert.Nil(t, task.Params)
		b, err := json.Marshal(task)
		require.NoError(t, err)
		var back automation.Task
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, task, back)
	}
}

func TestStarterFileMatchesSchema(t *testing.T) {
	data, err := os.ReadFile("starter.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, automation.ParseConfig)
	assert.Equal(t, cfg, automation.StarterConfig())
	assert.Equal(t, []string{"domestic-high-value", "new-overseas", "potential", "channel-partner"}, starterNames(t))
}

func starterNames(t *testing.T) []string {
	_, a := starter(t)
	return a.Rules()
}

func TestExplain(t *testing.T) {
	tiers, a := starter(t)
	c := strata.Customer{ID: "o2", Country: "VN"}
	p, err := tiers.Classify(t.Context(), &c, now)
	require.NoError(t, err)
	ts, err := tiers.Transitions(p, tiering.State{}, now, tiering.Track)
	require.NoError(t, err)
	ex, err := a.Explain(t.Context(), &c, ts, now)
	require.NoError(t, err)
	res, err := a.Eval(t.Context(), &c, ts, now)
	require.NoError(t, err)
	assert.Equal(t, res, ex.Result)
	require.Len(t, ex.Rules, len(ts)*4, "every rule for every transition")
	for _, tr := range ex.Rules {
		switch {
		case tr.Skipped != "":
			assert.False(t, tr.Matched)
			assert.Empty(t, tr.Steps)
		default:
			assert.NotEmpty(t, tr.Steps, tr.Rule)
		}
	}
	// The value ladder's new transition: new-overseas and potential match,
	// the segment rules are skipped.
	var first []string
	for _, tr := range ex.Rules {
		if tr.Transition == 0 {
			first = append(first, fmt.Sprintf("%s matched=%v skipped=%q", tr.Rule, tr.Matched, tr.Skipped))
		}
	}
	assert.Equal(t, []string{
		`domestic-high-value matched=false skipped="the rule is about segment \"domestic-high-value\""`,
		`new-overseas matched=true skipped=""`,
		`potential matched=true skipped=""`,
		`channel-partner matched=false skipped="the rule is about segment \"channel-partner\""`,
	}, first)
}

func TestEvalRefusesAndFails(t *testing.T) {
	tiers, a := starter(t)
	c := strata.Customer{ID: "x", Country: "CN"}
	var nilEngine *automation.Engine
	ts := []tiering.Transition{{CustomerID: "x", Ladder: "value", To: "basic", Change: tiering.ChangeNew, At: now}}
	for name, call := range map[string]func() error{
		"nil engine":       func() error { _, err := nilEngine.Eval(t.Context(), &c, ts, now); return err },
		"zero engine":      func() error { _, err := (&automation.Engine{}).Eval(t.Context(), &c, ts, now); return err },
		"nil record":       func() error { _, err := a.Eval(t.Context(), nil, ts, now); return err },
		"nil context":      func() error { _, err := a.Eval(nilCtx, &c, ts, now); return err },
		"explain nil":      func() error { _, err := nilEngine.Explain(t.Context(), &c, ts, now); return err },
		"explain no ctx":   func() error { _, err := a.Explain(nilCtx, &c, ts, now); return err },
		"nil tiers in New": func() error { _, err := automation.New(automation.StarterConfig(), nil); return err },
		"zero tiers in New": func() error {
			_, err := automation.New(automation.StarterConfig(), &tiering.Engine{})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { assert.Error(t, call()) })
	}
	assert.Nil(t, nilEngine.Rules())
	assert.Equal(t, automation.Config{}, nilEngine.Config())

	// A rule that fails to evaluate is named, and a done context stops Eval.
	cfg := automation.Config{Rules: []automation.Rule{{Name: "money", When: `customer.revenue >= money("1", "EUR")`,
		Actions: []automation.Action{{Kind: "add_tag", Params: map[string]string{"tag": "x"}}}}}}
	e, err := automation.New(cfg, tiers)
	require.NoError(t, err)
	usd := strata.Customer{ID: "u", Country: "US", Revenue: money(5, "USD")}
	_, err = e.Eval(t.Context(), &usd, ts, now)
	var ee *strata.EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "automation money", ee.Rule)
	assert.ErrorIs(t, err, strata.ErrCurrencyMismatch)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = a.Eval(ctx, &c, ts, now)
	assert.ErrorIs(t, err, context.Canceled)
}

// Evaluating only the rules pinned to a transition's ladder or segment gives
// what evaluating every rule gives: the same configuration with each
// condition made unpinnable ("(…) || false") is the reference.
func TestPinnedRulesAgreeWithEveryRule(t *testing.T) {
	tiers := starterTiers(t)
	cfg := automation.StarterConfig()
	cfg.Rules = append(cfg.Rules,
		automation.Rule{Name: "any-up", When: `transition.change == "up"`, Actions: []automation.Action{{Kind: "notify", Params: map[string]string{"role": "sales-director"}}}},
		automation.Rule{Name: "left-any", When: `transition.change == "left" && customer.country == home`, Actions: []automation.Action{{Kind: "add_tag", Params: map[string]string{"tag": "left"}}}},
		automation.Rule{Name: "every", When: `true`, Actions: []automation.Action{{Kind: "add_tag", Params: map[string]string{"tag": "seen"}}}},
	)
	ref := automation.Config{Rules: slices.Clone(cfg.Rules)}
	for i := range ref.Rules {
		ref.Rules[i].When = "(" + ref.Rules[i].When + ") || false"
	}
	fast, err := automation.New(cfg, tiers)
	require.NoError(t, err)
	slow, err := automation.New(ref, tiers)
	require.NoError(t, err)
	countries := []string{"CN", "US", "DE", "VN", "BR"}
	kinds := []strata.Kind{"", strata.KindReseller, strata.KindEnterprise}
	total := 0
	for i := range 300 {
		c := strata.Customer{ID: fmt.Sprint("c", i), Country: countries[i%5], Kind: kinds[i%3],
			Revenue: money(int64(i*37_000), "CNY")}
		if c.Country != "CN" {
			c.Revenue = money(int64(i*9_000), "USD")
		}
		if i%4 != 0 {
			c = ordered(c, i%20, now.AddDate(0, 0, -i*3))
		}
		p, err := tiers.Classify(t.Context(), &c, now)
		require.NoError(t, err)
		prev := tiering.State{Tiers: map[string]string{"value": []string{"vip", "key", "regular", "potential", "basic", ""}[i%6]},
			Segments: []string{"domestic-high-value", "channel-partner", "east-china"}[:i%4]}
		ts, err := tiers.Transitions(p, prev, now, tiering.Track)
		require.NoError(t, err)
		a, err := fast.Eval(t.Context(), &c, ts, now)
		require.NoError(t, err)
		b, err := slow.Eval(t.Context(), &c, ts, now)
		require.NoError(t, err)
		require.Equal(t, b, a, "customer %d", i)
		total += len(a.Tasks)
	}
	assert.Greater(t, total, 300)
}

func TestRun(t *testing.T) {
	tiers, a := starter(t)
	book := []automation.Entry{
		{Customer: strata.Customer{ID: "p1", Country: "CN"}},
		{Customer: ordered(strata.Customer{ID: "d1", Country: "CN", Revenue: money(2_000_000, "CNY")}, 12, now.AddDate(-2, 0, 0)),
			State: tiering.State{Tiers: map[string]string{"value": "regular"}}},
		{Customer: strata.Customer{ID: "bad", Country: "CN", Revenue: money(5, "XXX")}},
	}
	for i := range 1000 {
		book = append(book, automation.Entry{Customer: strata.Customer{ID: fmt.Sprint("n", i), Country: "DE"}})
	}
	var events []strata.Event
	obs := automation.WithObserver(func(_ context.Context, e strata.Event) { events = append(events, e) })
	a2, err := automation.New(automation.StarterConfig(), tiers, obs)
	require.NoError(t, err)

	var ids []string
	tasks, failed := 0, 0
	for o, err := range a2.Run(t.Context(), slices.Values(book), now, tiering.Track) {
		ids = append(ids, o.CustomerID)
		if err != nil {
			failed++
			assert.Equal(t, "bad", o.CustomerID)
			continue
		}
		tasks += len(o.Tasks)
		assert.Equal(t, o.Placement.State(), o.State)
		single := step(t, tiers, a, book[len(ids)-1].Customer, book[len(ids)-1].State)
		assert.Equal(t, single.Tasks, o.Tasks, "Run agrees with Eval for %s", o.CustomerID)
	}
	require.Len(t, ids, len(book))
	for i, id := range ids {
		assert.Equal(t, book[i].Customer.ID, id, "input order")
	}
	assert.Equal(t, 1, failed)
	assert.Equal(t, 2+2+1000*5, tasks, "potential: 2, domestic-high-value: 2, each new German prospect: new-overseas 3 + potential 2")
	require.Len(t, events, 1)
	assert.Equal(t, "automation", events[0].Package)
	assert.Equal(t, "error", events[0].Outcome)
	assert.Equal(t, &automation.RunStats{Customers: 1003, Transitions: events[0].Detail.(*automation.RunStats).Transitions,
		Tasks: tasks, Failed: 1}, events[0].Detail)

	// Baseline: the same book emits nothing, and stores the state.
	for o, err := range a.Run(t.Context(), slices.Values(book[:2]), now, tiering.Baseline) {
		require.NoError(t, err)
		assert.Empty(t, o.Transitions)
		assert.Empty(t, o.Tasks)
		assert.NotEmpty(t, o.State.Tiers)
	}
}

func TestRunStops(t *testing.T) {
	_, a := starter(t)
	endless := func(yield func(automation.Entry) bool) {
		for i := 0; ; i++ {
			if !yield(automation.Entry{Customer: strata.Customer{ID: fmt.Sprint(i), Country: "CN"}}) {
				return
			}
		}
	}
	// The consumer stops.
	n := 0
	for _, err := range a.Run(t.Context(), endless, now, tiering.Track) {
		require.NoError(t, err)
		if n++; n == 700 {
			break
		}
	}
	// The context is cancelled.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var last error
	n = 0
	for _, err := range a.Run(ctx, endless, now, tiering.Track) {
		if n++; n == 300 {
			cancel()
		}
		last = err
	}
	assert.ErrorIs(t, last, context.Canceled)
	// The sequence panics.
	var panicking iter.Seq[automation.Entry] = func(yield func(automation.Entry) bool) {
		for i := range 600 {
			if !yield(automation.Entry{Customer: strata.Customer{ID: fmt.Sprint(i), Country: "CN"}}) {
				return
			}
		}
		panic("the host's database went away")
	}
	n, last = 0, nil
	for _, err := range a.Run(t.Context(), panicking, now, tiering.Track) {
		n++
		last = err
	}
	assert.ErrorIs(t, last, automation.ErrPanicked)
	assert.NotContains(t, last.Error(), "database")
	assert.Equal(t, 601, n)
	// Nil arguments.
	var nilEngine *automation.Engine
	for name, seq := range map[string]iter.Seq2[automation.Outcome, error]{
		"nil book":    a.Run(t.Context(), nil, now, tiering.Track),
		"nil engine":  nilEngine.Run(t.Context(), endless, now, tiering.Track),
		"nil context": a.Run(nilCtx, endless, now, tiering.Track),
	} {
		count := 0
		for _, err := range seq {
			count++
			assert.Error(t, err, name)
		}
		assert.Equal(t, 1, count, name)
	}
	assert.True(t, errors.Is(automation.ErrPanicked, automation.ErrPanicked))
}
