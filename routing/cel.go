package routing

import (
	"context"
	"fmt"
	"reflect"
	"time"

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
	return &call{act: r.env.NewActivation(r.cfg.Home, time.Time{})}
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
