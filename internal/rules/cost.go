package rules

import (
	"strings"

	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"

	"github.com/strata-go/strata"
)

// estimator bounds the size of what rules read by the Env's record limits,
// field by field (customer.tags by Limits.Tags …), so that every rule has a
// finite worst-case cost and the cost is an upper bound for any record
// within the limits. Where cel-go's model counts one unit per element or
// per ten bytes but the operation does more (deep equality of lists and
// records, functions that walk a customer's lists), it charges the real
// work.
type estimator struct{ l strata.Limits }

// The cost of one pass over a string of the largest size, as cel-go
// charges it (0.1 per byte), plus the call itself.
func (e estimator) strCost() uint64 { return uint64(e.l.StringBytes)/10 + 1 }

// listSize is the most items the list or map at path can hold.
func (e estimator) listSize(path []string) uint64 {
	if len(path) >= 2 && path[0] == "customer" {
		switch path[1] {
		case "tags":
			return uint64(e.l.Tags)
		case "segments":
			return uint64(e.l.Segments)
		case "products":
			return uint64(e.l.Products)
		case "channels":
			return uint64(e.l.Channels)
		case "languages":
			return uint64(e.l.Languages)
		case "consents":
			return uint64(e.l.Consents)
		case "attrs":
			return uint64(e.l.AttrEntries)
		}
	}
	return uint64(e.l.MaxList())
}

func (e estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	t := n.Type()
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case types.ListKind, types.MapKind:
		return &cost.SizeEstimate{Min: 0, Max: e.listSize(n.Path())}
	case types.StringKind, types.BytesKind:
		return &cost.SizeEstimate{Min: 0, Max: uint64(e.l.StringBytes)}
	case types.DynKind:
		// A custom field's value: a string, or a list or object.
		return &cost.SizeEstimate{Min: 0, Max: uint64(max(e.l.StringBytes, e.l.AttrEntries))}
	case types.StructKind:
		// Equality of records compares their fields: the size is the
		// work, in cel-go's units.
		return &cost.SizeEstimate{Min: 1, Max: e.deep(t, n.Path())}
	}
	return nil
}

// deep is the cost of comparing two values of type t (at path) for
// equality, element by element and byte by byte.
func (e estimator) deep(t *types.Type, path []string) uint64 {
	switch t.Kind() {
	case types.StringKind, types.BytesKind:
		return e.strCost()
	case types.ListKind, types.MapKind:
		return cost.SafeMultiply(e.listSize(path), e.deepItem(t, path)) + 1
	case types.DynKind, types.AnyKind:
		return e.deepDyn()
	case types.StructKind:
		switch t.TypeName() {
		case MoneyType.TypeName():
			return 2
		case CustomerType.TypeName():
			return e.record()
		}
		return cost.SafeMultiply(uint64(e.l.MaxList()), e.strCost())
	}
	return 1
}

// deepItem is the cost of comparing one item of a list, or one entry of a
// map, of type t at path.
func (e estimator) deepItem(t *types.Type, path []string) uint64 {
	ps := t.Parameters()
	sub := func(name string) []string { return append(path[:len(path):len(path)], name) }
	switch {
	case t.Kind() == types.ListKind && len(ps) == 1:
		return e.deep(ps[0], sub("@items"))
	case t.Kind() == types.MapKind && len(ps) == 2:
		return e.deep(ps[0], sub("@keys")) + e.deep(ps[1], sub("@values"))
	}
	return e.strCost() + e.deepDyn()
}

// deepDyn is the cost of comparing two custom values: at most AttrValues
// values, each up to a string.
func (e estimator) deepDyn() uint64 { return cost.SafeMultiply(uint64(e.l.AttrValues), e.strCost()) }

// record is the cost of comparing two customers: every string they may
// hold, one tenth of a unit a byte.
func (e estimator) record() uint64 {
	l := e.l
	strs := 24 + l.Tags + l.Segments + l.Products + l.Languages + 2*l.Channels + 4*l.Consents + 2*l.AttrValues
	return cost.SafeMultiply(uint64(strs), e.strCost())
}

// deepNode is deep for an argument of a call, using its known size when it
// is a literal.
func (e estimator) deepNode(n cost.AstNode) uint64 {
	t := n.Type()
	if t == nil {
		return e.deepDyn()
	}
	if sz := n.ComputedSize(); sz != nil && (t.Kind() == types.ListKind || t.Kind() == types.MapKind) {
		return cost.SafeMultiply(sz.Max, e.deepItem(t, nil)) + 1
	}
	return e.deep(t, n.Path())
}

// Costs of calls cel-go charges one unit for but that do much more,
// measured on this project's machine at about 0.1 µs a unit.
const (
	zoneCost   = 500 // time.LoadLocation, for every call that names a zone
	moneyCost  = 20  // exact decimal arithmetic across currencies
	amountCost = 40  // a conversion, then a float
	daysCost   = 5
)

func (e estimator) EstimateCallCost(function, overload string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	fixed := func(n uint64) *cost.CallEstimate { return cost.NewCallEstimate(cost.Estimate{Min: 1, Max: n}, nil) }
	if strings.HasSuffix(overload, "_with_tz") || strings.HasSuffix(overload, "_seconds_tz") {
		return fixed(zoneCost)
	}
	switch function {
	case "format": // the strings extension's: formats every argument
		if target != nil && len(args) == 1 {
			return fixed(e.sizeOf(*target)/10 + 2*e.deepNode(args[0]) + 1)
		}
	case "_==_", "_!=_":
		if len(args) == 2 && (deepKind(args[0]) || deepKind(args[1])) {
			return fixed(min(e.deepNode(args[0]), e.deepNode(args[1])) + 1)
		}
	case "matches":
		// cel-go charges a tenth of a unit per byte of text times a
		// quarter per byte of pattern; Go's regexp simulates the pattern
		// over the text, costing about a unit per ten byte-states.
		var text, pattern cost.AstNode
		switch {
		case target != nil && len(args) == 1:
			text, pattern = *target, args[0]
		case len(args) == 2:
			text, pattern = args[0], args[1]
		default:
			return nil
		}
		return fixed(cost.SafeMultiply(e.sizeOf(text), e.sizeOf(pattern))/10 + 1)
	case "has_tag":
		return fixed(uint64(e.l.Tags)*e.strCost() + 1)
	case "has_segment":
		return fixed(uint64(e.l.Segments)*e.strCost() + 1)
	case "has_channel":
		return fixed(uint64(e.l.Channels)*e.strCost() + 1)
	case "has_product":
		return fixed(uint64(e.l.Products)*e.strCost() + 1)
	case "speaks": // parses each of the customer's language tags
		return fixed(uint64(e.l.Languages+1)*e.strCost() + 1)
	case "in_group", "attr": // hash a code or a key
		return fixed(e.strCost() + 1)
	case "days_between":
		return fixed(daysCost)
	case "amount":
		return fixed(amountCost)
	case "money", "_<_", "_<=_", "_>_", "_>=_", "_+_", "_-_":
		if function != "money" && !moneyArgs(args) {
			return nil
		}
		return fixed(moneyCost)
	}
	return nil
}

// deepKind reports whether equality of n's values compares more than one
// scalar: lists, maps, records and custom values.
func deepKind(n cost.AstNode) bool {
	t := n.Type()
	if t == nil {
		return true
	}
	switch t.Kind() {
	case types.ListKind, types.MapKind, types.DynKind, types.AnyKind:
		return true
	case types.StructKind:
		return t.TypeName() != MoneyType.TypeName()
	}
	return false
}

func moneyArgs(args []cost.AstNode) bool {
	for _, a := range args {
		if t := a.Type(); t != nil && t.TypeName() == MoneyType.TypeName() {
			return true
		}
	}
	return false
}

// sizeOf is the largest size of a string node: its own when it is a
// literal, else the string limit.
func (e estimator) sizeOf(n cost.AstNode) uint64 {
	if sz := n.ComputedSize(); sz != nil {
		return sz.Max
	}
	return uint64(e.l.StringBytes)
}
