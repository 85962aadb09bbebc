package rules

import (
	"cmp"
	"math/bits"
	"slices"
	"sync/atomic"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"github.com/shopspring/decimal"

	"github.com/strata-go/strata"
)

// compareMoney plans a comparison of two Money operands as cel-go
// evaluates it: lhs.Compare(rhs), which is lhs.CmpIn(rhs, converter) (rhs
// converted into lhs's currency), true or false for < <= > >= and an error
// when the comparison fails; for == and != moneyVal.Equal, whose failed
// comparison is simply not equal. A field compared with a literal takes
// the exact integer road of moneyLit. compare put a field on the left:
// flipped says the rule had the operands the other way round, which is
// the orientation cel-go converts in.
func (p *planner) compareMoney(op cmpOp, l, r operand, flipped bool) boolFn {
	if l.src == srcField && r.src == srcLit {
		lit, slot, off := p.e.newMoneyLit(r.lit.(strata.Money)), l.slot, l.off
		if i, ok := p.e.moneyField(slot, off); ok {
			litCur, own := lit.litCur, lit.own
			return func(a *Activation) (bool, ref.Val) {
				// The commonest case inline: the amount already decomposed,
				// in the literal's currency and scale.
				if am := &a.amounts[i]; a.stamp[i] == a.gen && am.ok && litCur != 0 && am.cur == litCur && am.s.e == own.e {
					return op.holds(cmp.Compare(am.s.c, own.c)), nil
				}
				c, bad := lit.compareCached(a, i, (*strata.Money)(at(a, slot, off)), flipped)
				return moneyOutcome(op, c, bad)
			}
		}
		return func(a *Activation) (bool, ref.Val) {
			c, bad := lit.compare((*strata.Money)(at(a, slot, off)), flipped)
			return moneyOutcome(op, c, bad)
		}
	}
	lg, rg := moneyGetter(l), moneyGetter(r)
	if flipped {
		lg, rg, op = rg, lg, op.flip()
	}
	e := p.e
	return func(a *Activation) (bool, ref.Val) {
		v := e.compareMoney(*lg(a), *rg(a))
		if n, ok := v.(types.Int); ok {
			return moneyOutcome(op, int(n), nil)
		}
		return moneyOutcome(op, 0, v)
	}
}

// moneyOutcome is a comparison's answer from the comparison of its
// operands (c, or the error bad): an error is the answer of < <= > >=,
// and makes == false and != true (moneyVal.Equal).
func moneyOutcome(op cmpOp, c int, bad ref.Val) (bool, ref.Val) {
	if bad == nil {
		return op.holds(c), nil
	}
	switch op {
	case opEq:
		return false, nil
	case opNe:
		return true, nil
	}
	return false, bad
}

// moneyLit is a money literal a field is compared with. The comparison
// answers as x.CmpIn(lit, converter) (or lit.CmpIn(x, …) when the literal
// is on the left in the rule): exactly. When x is in the literal's
// currency, or the converter is a strata.Rates (whose Ratio is exact and
// whose ratios in either direction are inverses), it compares in integer
// arithmetic, with the literal converted into x's currency once per
// currency (to a decimal when that is exact, else kept as the exact
// fraction); otherwise, and for amounts of more than 18 digits, it calls
// CmpIn.
type moneyLit struct {
	env    *Env
	lit    strata.Money
	litCur uint64 // its currency packed
	own    scaled // its amount
	ownOK  bool
	rates  strata.Ratios // the converter, when it is a strata.Rates
	tab    atomic.Pointer[[]ratioEntry]
}

// scaled is c × 10^e.
type scaled struct {
	c int64
	e int32
}

// ratioEntry is the literal in one currency: x compares with it as
// x × q compares with p (q > 0), or ok is false and CmpIn decides.
type ratioEntry struct {
	cur  string
	p, q scaled
	ok   bool
}

// maxRatioEntries bounds the currencies a literal keeps a conversion for
// (records may carry any currency string).
const maxRatioEntries = 64

func (e *Env) newMoneyLit(m strata.Money) *moneyLit {
	l := &moneyLit{env: e, lit: m}
	l.own, l.ownOK = scaledOf(m.Amount)
	l.litCur, _ = packCode(m.Currency)
	if !l.ownOK {
		l.litCur = 0 // compared through CmpIn
	}
	switch conv := e.conv.(type) {
	case strata.Rates:
		l.rates = conv
	case *strata.Rates:
		if conv != nil {
			l.rates = conv
		}
	}
	return l
}

// scaledOf returns d as an int64 coefficient and exponent, if it has at
// most 18 digits.
func scaledOf(d decimal.Decimal) (scaled, bool) {
	if d.NumDigits() > 18 {
		return scaled{}, false
	}
	return scaled{d.CoefficientInt64(), d.Exponent()}, true
}

// amount is a Money field's amount as the closures compare it, when it
// has at most 18 digits (ok), and its currency packed (packCode; 0 when it
// does not pack).
type amount struct {
	s   scaled
	ok  bool
	cur uint64
}

// maxMoneyFields bounds the Money fields of an Env whose amounts an
// activation caches.
const maxMoneyFields = 8

// moneyField returns the cache index of the Money field at offset off of
// the record in slot, assigning one the first time.
func (e *Env) moneyField(slot int, off uintptr) (int, bool) {
	e.moneyMu.Lock()
	defer e.moneyMu.Unlock()
	key := [2]uintptr{uintptr(slot), off}
	if i, ok := e.moneyIdx[key]; ok {
		return i, true
	}
	if len(e.moneyIdx) >= maxMoneyFields {
		return 0, false
	}
	if e.moneyIdx == nil {
		e.moneyIdx = map[[2]uintptr]int{}
	}
	i := len(e.moneyIdx)
	e.moneyIdx[key] = i
	return i, true
}

// compareCached is compare with x's amount decomposed once per binding,
// in the activation's cache entry i.
func (l *moneyLit) compareCached(a *Activation, i int, x *strata.Money, flipped bool) (int, ref.Val) {
	if a.stamp[i] != a.gen {
		s, ok := scaledOf(x.Amount)
		cur, _ := packCode(x.Currency)
		a.amounts[i], a.stamp[i] = amount{s, ok, cur}, a.gen
	}
	if am := &a.amounts[i]; am.ok {
		if am.cur != 0 && am.cur == l.litCur { // the same currency
			if am.s.e == l.own.e {
				return cmp.Compare(am.s.c, l.own.c), nil
			}
			return cmpScaled(am.s, scaled{1, 0}, l.own), nil
		}
		if c, ok := l.exactScaled(x.Currency, am.s); ok {
			return c, nil
		}
	}
	return l.generic(x, flipped)
}

// compare compares *x with the literal, -1, 0 or 1 as x is below, at or
// above it, or returns the error value of the comparison. It computes
// x.CmpIn(lit) or, flipped, lit.CmpIn(x) (negated): the orientation the
// rule has, in which a converter without exact ratios rounds and in which
// errors are reported.
func (l *moneyLit) compare(x *strata.Money, flipped bool) (int, ref.Val) {
	if a, ok := scaledOf(x.Amount); ok {
		if c, ok := l.exactScaled(x.Currency, a); ok {
			return c, nil
		}
	}
	return l.generic(x, flipped)
}

// generic compares through CmpIn, in the rule's orientation.
func (l *moneyLit) generic(x *strata.Money, flipped bool) (int, ref.Val) {
	if flipped {
		v := l.env.compareMoney(l.lit, *x)
		if n, ok := v.(types.Int); ok {
			return -int(n), nil
		}
		return 0, v
	}
	v := l.env.compareMoney(*x, l.lit)
	if n, ok := v.(types.Int); ok {
		return int(n), nil
	}
	return 0, v
}

// exactScaled compares an amount a in currency cur with the literal in
// integer arithmetic when it can.
func (l *moneyLit) exactScaled(cur string, a scaled) (int, bool) {
	if cur == l.lit.Currency || (cur == "" && a.c == 0) { // the same currency, or an unset amount
		return cmpScaled(a, scaled{1, 0}, l.own), l.ownOK
	}
	if l.rates == nil {
		return 0, false
	}
	r := l.ratio(cur)
	if !r.ok {
		return 0, false
	}
	return cmpScaled(a, r.q, r.p), true
}

// ratio returns the literal's entry for currency cur, computing it the
// first time.
func (l *moneyLit) ratio(cur string) ratioEntry {
	tab := l.tab.Load()
	if tab != nil {
		for _, r := range *tab {
			if r.cur == cur {
				return r
			}
		}
	}
	r := l.convert(cur)
	for tab == nil || len(*tab) < maxRatioEntries {
		var next []ratioEntry
		if tab != nil {
			next = slices.Clone(*tab)
		}
		next = append(next, r)
		if l.tab.CompareAndSwap(tab, &next) {
			break
		}
		tab = l.tab.Load()
	}
	return r
}

// convert computes the literal's entry for currency cur as CmpIn compares:
// x against lit × num / den, with num/den the exact ratio from the
// literal's currency to x's; that is x × den against lit × num.
func (l *moneyLit) convert(cur string) ratioEntry {
	num, den, err := l.rates.Ratio(l.lit.Currency, cur)
	if err != nil || num.Sign() <= 0 || den.Sign() <= 0 {
		return ratioEntry{cur: cur} // CmpIn reports it
	}
	p := l.lit.Amount.Mul(num)
	// Pre-converted when the quotient is an exact decimal of at most 18
	// digits: x is then compared with it directly.
	if t := p.DivRound(den, 40); t.Mul(den).Equal(p) {
		if ts, ok := scaledOf(t); ok {
			return ratioEntry{cur: cur, p: ts, q: scaled{1, 0}, ok: true}
		}
	}
	ps, ok := scaledOf(p)
	qs, ok2 := scaledOf(den)
	return ratioEntry{cur: cur, p: ps, q: qs, ok: ok && ok2}
}

// cmpScaled compares a × q with p exactly, for q > 0.
func cmpScaled(a, q, p scaled) int {
	if q.c == 1 && int64(a.e)+int64(q.e) == int64(p.e) { // the same currency, or a pre-converted literal, at one scale
		return cmp.Compare(a.c, p.c)
	}
	sa, sp := cmp.Compare(a.c, 0), cmp.Compare(p.c, 0)
	if sa != sp || sa == 0 {
		return cmp.Compare(sa, sp)
	}
	hi, lo := bits.Mul64(absU(a.c), uint64(q.c))
	c := cmpMagnitudes(u128{hi, lo}, int64(a.e)+int64(q.e), u128{0, absU(p.c)}, int64(p.e))
	if sa < 0 {
		return -c
	}
	return c
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

func (x u128) cmp(y u128) int {
	if c := cmp.Compare(x.hi, y.hi); c != 0 {
		return c
	}
	return cmp.Compare(x.lo, y.lo)
}

// mulPow10 returns x × 10^k, or false when it does not fit in 128 bits.
func (x u128) mulPow10(k int64) (u128, bool) {
	if k > 38 {
		return u128{}, false // x ≥ 1 here, and 10^39 > 2^128
	}
	for range k {
		hiHi, hiLo := bits.Mul64(x.hi, 10)
		carry, lo := bits.Mul64(x.lo, 10)
		hi, c := bits.Add64(hiLo, carry, 0)
		if hiHi != 0 || c != 0 {
			return u128{}, false
		}
		x = u128{hi, lo}
	}
	return x, true
}

// cmpMagnitudes compares l × 10^el with r × 10^er, both non-zero. A side
// that no longer fits in 128 bits once aligned is the larger.
func cmpMagnitudes(l u128, el int64, r u128, er int64) int {
	switch {
	case el > er:
		var ok bool
		if l, ok = l.mulPow10(el - er); !ok {
			return 1
		}
	case er > el:
		var ok bool
		if r, ok = r.mulPow10(er - el); !ok {
			return -1
		}
	}
	return l.cmp(r)
}
