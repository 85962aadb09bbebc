package rules

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// hugeTags is a record far past the limits, for rules that loop.
func hugeTags() *strata.Customer {
	c := &strata.Customer{ID: "c", Country: "DE", Orders: 3}
	c.Tags = make([]string, 100_000)
	for i := range c.Tags {
		c.Tags[i] = fmt.Sprint("t", i)
	}
	return c
}

const quadratic = `customer.tags.filter(a, a in customer.tags).size() == 0`

// TestClosuresStopAtTheDeadline: a planned rule whose loop cel-go
// evaluates stops at its context's deadline, with an error naming it,
// alone and in FirstMatch and Each; the evaluation fails as a whole even
// when the loop is absorbed by && false (as cel-go's whole-rule
// evaluation does), and the activation then evaluates normally.
func TestClosuresStopAtTheDeadline(t *testing.T) {
	env, err := New()
	require.NoError(t, err)
	srcs := []string{"customer.orders >= 0 && " + quadratic, "(" + quadratic + ") && false", "customer.orders > 100 || " + quadratic}
	for _, src := range srcs {
		t.Run(src, func(t *testing.T) {
			p, err := env.Compile("looping", src, Bool)
			require.NoError(t, err)
			require.NotNil(t, p.fastProgram(env), "planned as closures")
			act := env.NewActivation("CN", time.Now())
			act.SetCustomer(hugeTags())
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
			defer cancel()
			act.SetContext(ctx)
			start := time.Now()
			_, err = p.EvalBool(act)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			var ee *strata.EvalError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, "looping", ee.Rule)
			assert.Less(t, time.Since(start), 5*time.Second)

			for _, combine := range []func(string, []*Program) (*Program, error){env.FirstMatch, env.Each} {
				small, err := env.Compile("small", `customer.orders > 100`, Bool)
				require.NoError(t, err)
				all, err := combine("set", []*Program{small, p})
				require.NoError(t, err)
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
				defer cancel()
				act.SetContext(ctx)
				if all.each {
					err = all.EvalBools(act, make([]bool, 2))
				} else {
					_, err = all.EvalInt(act)
				}
				require.ErrorIs(t, err, context.DeadlineExceeded)
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, "looping", ee.Rule)
			}

			act.SetCustomer(&strata.Customer{ID: "small", Orders: 3})
			act.SetContext(context.Background())
			_, err = p.EvalBool(act)
			require.NoError(t, err, "nothing of the stopped evaluation is left in the activation")
		})
	}

	// false && loop never starts the loop, as in cel-go.
	p, err := env.Compile("short", "false && "+quadratic, Bool)
	require.NoError(t, err)
	act := env.NewActivation("CN", time.Now())
	act.SetCustomer(hugeTags())
	got, err := p.EvalBool(act)
	require.NoError(t, err)
	assert.False(t, got)
}

// TestDaysBounds: days_between's days are non-decreasing in the duration,
// and the bound found for n is the least duration whose days reach n.
func TestDaysBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	durations := []time.Duration{math.MinInt64, math.MaxInt64, 0, -1, 1, 24 * time.Hour, 24*time.Hour - 1, -24 * time.Hour, -24*time.Hour - 1}
	for range 20_000 {
		durations = append(durations, time.Duration(r.Int64()), time.Duration(r.Int64N(int64(1000*24*time.Hour)))-500*24*time.Hour)
	}
	for i := 1; i < len(durations); i++ {
		a, b := min(durations[i-1], durations[i]), max(durations[i-1], durations[i])
		require.LessOrEqual(t, daysOf(a), daysOf(b), "%v ≤ %v", a, b)
	}
	for _, n := range []int64{math.MinInt64, -106753, -106752, -1, 0, 1, 90, 180, 106751, 106752, math.MaxInt64} {
		b := dayBoundOf(n)
		for _, d := range durations {
			assert.Equal(t, daysOf(d) >= n, b.reached(d), "days(%v) >= %d", d, n)
		}
		if !b.inf && b.d > math.MinInt64 {
			assert.Less(t, daysOf(b.d-1), n, "the bound for %d is the least", n)
		}
	}
	// The cutoff comparison answers as the subtraction does.
	env, err := New()
	require.NoError(t, err)
	base := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	for range 5000 {
		now := base.Add(time.Duration(r.Int64N(int64(2000*24*time.Hour))) - 1000*24*time.Hour)
		x := now.Add(time.Duration(r.Int64N(int64(800*24*time.Hour))) - 400*24*time.Hour)
		if r.IntN(4) == 0 {
			x = x.Truncate(24 * time.Hour)
		}
		a := env.NewActivation("CN", now)
		for _, n := range []int64{-400, -1, 0, 1, 90, 180, 365} {
			b := dayBoundOf(n)
			require.Equal(t, b.reached(now.Sub(x)), b.reachedAt(a, x), "now %v x %v n %d", now, x, n)
		}
	}
}

// TestCmpScaled: the integer comparison of a × q with p agrees with exact
// rational arithmetic, at the edges of int64 and of the exponents.
func TestCmpScaled(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	coef := func() int64 {
		switch r.IntN(4) {
		case 0:
			return r.Int64N(2_000_000) - 1_000_000
		case 1:
			return pick(r, int64(0), 1, -1, 999_999_999_999_999_999, -999_999_999_999_999_999)
		}
		return r.Int64N(2e18) - 1e18
	}
	exp := func() int32 { return pick(r, int32(0), -2, 2, -18, 18, 40, -40, int32(r.IntN(80)-40)) }
	for range 50_000 {
		a, q, p := scaled{coef(), exp()}, scaled{max(1, coef()&math.MaxInt64%1_000_000_000_000), exp()}, scaled{coef(), exp()}
		if r.IntN(4) == 0 {
			q = scaled{1, 0}
		}
		want := decimal.New(a.c, a.e).Mul(decimal.New(q.c, q.e)).Cmp(decimal.New(p.c, p.e))
		require.Equal(t, want, cmpScaled(a, q, p), "%v × %v against %v", a, q, p)
	}
	// The exponents are int32: their sum must not wrap.
	assert.Equal(t, 1, cmpScaled(scaled{1, math.MaxInt32}, scaled{1, 1}, scaled{1, math.MinInt32}))
}

// TestSameBase: sameBase answers as comparing baseLanguage does, over
// ASCII and other tags.
func TestSameBase(t *testing.T) {
	tags := []string{"de", "DE", "de-AT", "de_CH", "iw", "IW-il", "he", "in", "id", "ji", "yi", "zh-Hant", "ZH", "", "-", "_x",
		"İt", "it", "ıt", "DE\u0130", "pt_BR", "x-klingon", "ja-Latn-JP"}
	for _, tag := range tags {
		for _, lit := range tags {
			want := baseLanguage(lit)
			assert.Equal(t, baseLanguage(tag) == want, sameBase(tag, want), "%q speaks %q", tag, lit)
		}
	}
}

// TestPackCode: packed codes are equal exactly when the codes are.
func TestPackCode(t *testing.T) {
	codes := []string{"A", "CN", "CN-", "CN-S", "CN-SH", "CN-SH\x00", "CN-SH\x00\x00", "FR-971", "GB-ABC", "\x00", "\x00\x00"}
	for _, a := range codes {
		for _, b := range codes {
			ka, oka := packCode(a)
			kb, okb := packCode(b)
			require.True(t, oka && okb)
			assert.Equal(t, a == b, ka == kb, "%q and %q", a, b)
		}
	}
	_, ok := packCode("CN-ABCDE")
	assert.False(t, ok, "longer than 7 bytes")
	_, ok = packCode("")
	assert.False(t, ok)
}
