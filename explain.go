package strata

// Step is one sub-expression of a rule and the value it had when the rule
// was explained: Expr "customer.revenue", Value "6000000.00 CNY". Every
// explanation (tier, score, route) lists its rules' steps innermost first,
// ending with the whole rule.
type Step struct {
	Expr  string `json:"expr"`
	Value string `json:"value"`
}
