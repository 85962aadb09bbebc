package rules

import (
	"errors"
	"testing"

	"cel.dev/cel-go/common/ast"
)

// TestSplicedTreesPlan: combined programs are planned from the spliced
// checked trees, not checked again, for rules of every kind (macros,
// comprehensions, money literals, the fast paths, custom functions).
func TestSplicedTreesPlan(t *testing.T) {
	env, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srcs := []string{
		`customer.country == "DE"`, `customer.orders >= 3`, `customer.revenue >= money("5000000", "CNY")`,
		`days_since(customer.last_order_at) > 90`, `customer.tags.exists(t, t.startsWith("v"))`, `in_group(customer, "华东")`,
		`attr(customer, "credit_days", 30) <= 60`, `has_tag(customer, "VIP") || speaks(customer, "de")`,
		`customer.kind in ["reseller", "partner"]`, `[1, 2, 3].map(x, x * 2).size() == 3`, `amount(customer.revenue) > 1.0`,
	}
	var rs []Rule
	for _, s := range srcs {
		rs = append(rs, Rule{Name: s, Source: s, Out: Bool})
	}
	conds, errs := env.CompileAll(rs)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, each := range []bool{false, true} {
		root, types, refs := splice(conds, each)
		if _, err := env.plan(ast.NewCheckedAST(ast.NewAST(root, ast.NewSourceInfo(nil)), types, refs)); err != nil {
			t.Errorf("each=%v: the spliced tree does not plan: %v", each, err)
		}
	}
}
