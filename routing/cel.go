package routing

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

// Everything routing asks of the rule engine (package internal/rules) is in
// this file: the environment, pool selectors, rule compilation and the
// evaluation that chooses a pool.

// WithLimits sets the record limits rules' worst-case costs are estimated
// for; zero fields keep their defaults (strata.Limits). Customers routed
// should pass Customer.ValidateWithin(limits): for them every rule's cost
// is within the cost limit. Whatever the record, Route evaluates rules
// under its context, so a deadline stops a rule that loops over a record
// far past the limits.
func WithLimits(limits strata.Limits) Option { return func(o *options) { o.limits = limits } }

// env builds the rule environment: lead and agent variables, the
// configuration's region groups, the converter, the record limits.
func (c *compiler) env() error {
	r := c.r
	groups := r.cfg.Groups
	if c.badGroups { // already reported, with paths
		groups = nil
	}
	env, err := rules.New(rules.WithConverter(r.opts.conv), rules.WithGroups(groups), rules.WithLimits(r.opts.limits),
		rules.WithVariable("lead", reflect.TypeFor[Lead]()), rules.WithVariable("agent", reflect.TypeFor[Agent]()))
	if err != nil {
		return fmt.Errorf("routing: rule environment: %w", err)
	}
	r.env = env
	return nil
}

// selectAgents marks in the agents a pool's select rule chooses.
func (r *Router) selectAgents(pool, src string, in []bool) error {
	prog, err := r.env.Compile("pool "+pool+" select", src, rules.Bool)
	if err != nil {
		return err
	}
	act := r.env.NewActivation(r.cfg.Home, time.Time{})
	for ai := range r.agents {
		act.Set("agent", r.agents[ai].Agent)
		ok, err := prog.EvalBool(act)
		if err != nil {
			return fmt.Errorf("agent %q: %w", r.agents[ai].ID, err)
		}
		in[ai] = in[ai] || ok
	}
	return nil
}

// rules compiles the rules, and refuses a rule an earlier one always
// pre-empts.
func (c *compiler) rules() {
	r := c.r
	names := map[string]bool{}
	for i, ru := range r.cfg.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		if ru.Name == "" || names[ru.Name] {
			c.bad(path+".name", "missing or duplicate rule name %q", ru.Name)
		}
		names[ru.Name] = true
		pi, ok := r.byPool[ru.Pool]
		if !ok {
			c.bad(path+".pool", "unknown pool %q", ru.Pool)
		}
		prog, err := r.env.Compile("rule "+ru.Name, ru.When, rules.Bool)
		if err != nil {
			c.add(path+".when", err)
			continue
		}
		for _, earlier := range r.rules {
			if rules.Implies(prog, earlier.prog) {
				c.bad(path, "rule %q can never match: every request it matches is taken first by rule %q", ru.Name, earlier.Name)
				break
			}
		}
		r.rules = append(r.rules, rule{Rule: ru, prog: prog, pool: pi})
	}
}

// firstMatch merges the rules into one program that returns the index of
// the first rule that holds, or -1.
func (r *Router) firstMatch() error {
	if len(r.rules) == 0 {
		return nil
	}
	conds := make([]*rules.Program, len(r.rules))
	for i := range r.rules {
		conds[i] = r.rules[i].prog
	}
	var err error
	r.first, err = r.env.FirstMatch("rules", conds)
	return err
}

// newCall returns fresh per-request state.
func (r *Router) newCall() *call {
	c := &call{act: r.env.NewActivation(r.cfg.Home, time.Time{}), r: r}
	c.examineFn = c.examine
	return c
}

// bind points the call's rule variables at its request. (Route sets the
// activation's context, the caller's, when it takes the call from the
// pool: a deadline stops a rule.)
func (c *call) bind() {
	c.act.SetNow(c.req.Now)
	c.act.SetCustomer(&c.req.Customer)
	c.act.Set("lead", &c.req.Lead)
}

// unbind drops the call's pointers into its request and the caller's
// context, before the call is pooled.
func (c *call) unbind() {
	c.act.SetCustomer(nil)
	c.act.SetContext(context.Background())
}

// choosePool returns the pool of the first matching rule, else the default,
// and the rule's name.
func (r *Router) choosePool(c *call) (int, string, error) {
	if r.dispatch != nil {
		i, err := r.dispatch.first(c)
		if err != nil {
			return -1, "", err
		}
		if i >= 0 {
			return r.rules[i].pool, r.rules[i].Name, nil
		}
		return r.defPool, "", nil
	}
	return r.choosePoolCEL(c)
}

// choosePoolCEL is choosePool through the rules' first-match program.
func (r *Router) choosePoolCEL(c *call) (int, string, error) {
	if r.first != nil {
		i, err := r.first.EvalInt(c.act)
		if err != nil {
			for _, ru := range r.rules { // name the failing rule
				if _, err := ru.prog.EvalBool(c.act); err != nil {
					return -1, "", err
				}
			}
			return -1, "", err
		}
		if i >= 0 && int(i) < len(r.rules) {
			return r.rules[i].pool, r.rules[i].Name, nil
		}
	}
	return r.defPool, "", nil
}

// dispatch finds the first matching rule by map lookups for the rules that
// compare one string field of the request with a literal
// (customer.country == "DE"), and by evaluating only the other rules that
// stand before the match, a run of consecutive ones at a time: the same
// rule as the first-match program finds, with the same error when a rule
// before it fails (a field comparison cannot fail).
type dispatch struct {
	fields []keyedField
	runs   []ruleRun // in rule order
	n      int       // the number of rules
}

// keyedField maps the literals a request field is compared with to the
// first rule comparing it with each.
type keyedField struct {
	get   func(*Request) string
	first map[string]int
}

// ruleRun is a run of consecutive rules that are not field comparisons.
type ruleRun struct {
	start int
	rules []*rules.Program
	prog  *rules.Program // the run's first-match program; its rule when alone
}

// first returns the index of the first rule that holds, or -1.
func (d *dispatch) first(c *call) (int, error) {
	k := d.n
	for i := range d.fields {
		f := &d.fields[i]
		if j, ok := f.first[f.get(&c.req)]; ok && j < k {
			k = j
		}
	}
	for i := range d.runs {
		run := &d.runs[i]
		if run.start >= k {
			break
		}
		j, err := run.eval(c)
		if err != nil {
			return -1, err
		}
		if j >= 0 {
			return run.start + j, nil
		}
	}
	if k == d.n {
		return -1, nil
	}
	return k, nil
}

// eval returns the index in the run of its first rule that holds, or -1;
// when the run fails, the error of its first failing rule.
func (run *ruleRun) eval(c *call) (int, error) {
	if len(run.rules) == 1 {
		ok, err := run.prog.EvalBool(c.act)
		if err != nil || !ok {
			return -1, err
		}
		return 0, nil
	}
	j, err := run.prog.EvalInt(c.act)
	if err != nil {
		for _, p := range run.rules { // name the failing rule
			if _, err := p.EvalBool(c.act); err != nil {
				return -1, err
			}
		}
		return -1, err
	}
	return int(j), nil
}

// newDispatch returns the dispatch of the Router's rules, or nil when too
// few of them are field comparisons for map lookups to save work: each run
// of other rules costs an evaluation of its own.
func (r *Router) newDispatch() (*dispatch, error) {
	d := &dispatch{n: len(r.rules)}
	byPath := map[string]int{}
	keyed := 0
	for i := range r.rules {
		path, lit, ok := fieldEquality(r.rules[i].When)
		if !ok {
			if n := len(d.runs); n > 0 && d.runs[n-1].start+len(d.runs[n-1].rules) == i {
				d.runs[n-1].rules = append(d.runs[n-1].rules, r.rules[i].prog)
			} else {
				d.runs = append(d.runs, ruleRun{start: i, rules: []*rules.Program{r.rules[i].prog}})
			}
			continue
		}
		keyed++
		f, seen := byPath[path]
		if !seen {
			f = len(d.fields)
			byPath[path] = f
			d.fields = append(d.fields, keyedField{get: requestFields[path], first: map[string]int{}})
		}
		if _, dup := d.fields[f].first[lit]; !dup {
			d.fields[f].first[lit] = i
		}
	}
	switch {
	case keyed == 0, len(d.runs) > max(1, keyed/4):
		return nil, nil
	case keyed == 1 && len(d.runs) > 0: // a lookup and an evaluation cost more than the program
		return nil, nil
	}
	for i := range d.runs {
		run := &d.runs[i]
		if len(run.rules) == 1 {
			run.prog = run.rules[0]
			continue
		}
		var err error
		if run.prog, err = r.env.FirstMatch("rules", run.rules); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// requestFields are the string fields of a request that rules read as
// customer.x and lead.x, by path: the fields a rule may compare with a
// literal and be dispatched by map.
var requestFields = map[string]func(*Request) string{
	"customer.id":          func(q *Request) string { return q.Customer.ID },
	"customer.kind":        func(q *Request) string { return string(q.Customer.Kind) },
	"customer.country":     func(q *Request) string { return q.Customer.Country },
	"customer.subdivision": func(q *Request) string { return q.Customer.Subdivision },
	"customer.city":        func(q *Request) string { return q.Customer.City },
	"customer.industry":    func(q *Request) string { return q.Customer.Industry },
	"customer.time_zone":   func(q *Request) string { return q.Customer.TimeZone },
	"customer.source":      func(q *Request) string { return string(q.Customer.Source) },
	"customer.tier":        func(q *Request) string { return q.Customer.Tier },
	"customer.owner":       func(q *Request) string { return q.Customer.Owner },
	"lead.id":              func(q *Request) string { return q.Lead.ID },
	"lead.source":          func(q *Request) string { return string(q.Lead.Source) },
	"lead.product":         func(q *Request) string { return q.Lead.Product },
	"lead.urgency":         func(q *Request) string { return string(q.Lead.Urgency) },
	"lead.kind":            func(q *Request) string { return q.Lead.Kind },
}

// fieldEquality recognises a rule that is exactly one request field
// compared for equality with a plain string literal, either way round
// (customer.country == "DE", 'textiles' == lead.product), and returns the
// field's path and the literal. It accepts only literals without escapes
// (their value is the text between the quotes) and no comments or other
// syntax, so what it accepts means to CEL what it means here; anything
// else is evaluated by CEL.
func fieldEquality(src string) (path, lit string, ok bool) {
	left, right, found := strings.Cut(src, "==")
	if !found {
		return "", "", false
	}
	left, right = strings.Trim(left, celSpace), strings.Trim(right, celSpace)
	if _, ok := requestFields[right]; ok {
		left, right = right, left
	}
	if _, ok := requestFields[left]; !ok {
		return "", "", false
	}
	lit, ok = plainString(right)
	return left, lit, ok
}

// celSpace is CEL's whitespace.
const celSpace = " \t\n\r\f"

// plainString returns the value of a CEL string literal quoted with ' or "
// holding no backslash, no quote, no line break and no invalid UTF-8 (which
// CEL refuses to compile).
func plainString(s string) (string, bool) {
	if len(s) < 2 || !utf8.ValidString(s) || (s[0] != '"' && s[0] != '\'') || s[len(s)-1] != s[0] {
		return "", false
	}
	body := s[1 : len(s)-1]
	if strings.ContainsAny(body, "\\\n\r\"'") {
		return "", false
	}
	return body, true
}
