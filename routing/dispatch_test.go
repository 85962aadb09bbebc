package routing

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/rules"
)

func TestFieldEquality(t *testing.T) {
	for _, tc := range []struct {
		src, path, lit string
		ok             bool
	}{
		{src: `customer.country == "DE"`, path: "customer.country", lit: "DE", ok: true},
		{src: `'textiles' == lead.product`, path: "lead.product", lit: "textiles", ok: true},
		{src: "\n\tcustomer.tier==\"vip\" \r\n", path: "customer.tier", lit: "vip", ok: true},
		{src: `lead.kind == ""`, path: "lead.kind", lit: "", ok: true},
		{src: `customer.city == "São Paulo"`, path: "customer.city", lit: "São Paulo", ok: true},
		{src: `customer.country == "a==b"`, path: "customer.country", lit: "a==b", ok: true},
		{src: `customer.country != "DE"`},
		{src: `customer.country == "DE" && lead.product == "x"`},
		{src: `customer.country == "DE" // Germany`},
		{src: `customer.country == "D\u0045"`},
		{src: `customer.country == r"DE"`},
		{src: `customer.country == """DE"""`},
		{src: `customer.country == 'D"E'`},
		{src: `customer.country == "DE" == true`},
		{src: `(customer.country == "DE")`},
		{src: `customer.name == "x"`},
		{src: `customer.orders == "3"`},
		{src: `customer . country == "DE"`},
		{src: `"x==" == customer.country`},
		{src: `customer.country == lead.product`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			path, lit, ok := fieldEquality(tc.src)
			require.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, tc.path, path)
				assert.Equal(t, tc.lit, lit)
			}
		})
	}
}

// dispatchLits are the literals of the random rules and requests, so that
// rules and requests meet often.
var dispatchLits = []string{"DE", "CN", "vip", "expo", "textiles", "", "urgent", "São Paulo"}

// randomRule is a rule the dispatch keys (a field compared with a literal,
// written in any of the ways the recogniser accepts) or one CEL must
// evaluate, some of which fail on some requests.
func randomRule(rng *rand.Rand, paths []string) string {
	path, lit := paths[rng.IntN(len(paths))], dispatchLits[rng.IntN(len(dispatchLits))]
	switch rng.IntN(10) {
	case 0:
		return fmt.Sprintf(`'%s' == %s`, lit, path)
	case 1:
		return fmt.Sprintf("\n%s==%q\t", path, lit)
	case 2:
		return fmt.Sprintf(`%s != %q`, path, lit)
	case 3:
		return fmt.Sprintf(`%s == %q && lead.priority > %d`, path, lit, rng.IntN(3))
	case 4:
		return fmt.Sprintf(`customer.attrs["score"] > %d`, rng.IntN(4)) // fails without the attribute
	case 5:
		return fmt.Sprintf(`lead.value > money("%d", "USD")`, 1000*rng.IntN(100))
	}
	return fmt.Sprintf(`%s == %q`, path, lit)
}

func randomRequest(rng *rand.Rand) Request {
	lit := func() string { return dispatchLits[rng.IntN(len(dispatchLits))] }
	q := Request{Item: "i", Now: heapT0,
		Customer: strata.Customer{ID: lit(), Kind: strata.Kind(lit()), Country: lit(), Subdivision: lit(), City: lit(),
			Industry: lit(), TimeZone: lit(), Source: strata.Source(lit()), Tier: lit(), Owner: lit()},
		Lead: Lead{ID: lit(), Source: strata.Source(lit()), Product: lit(), Urgency: Urgency(lit()), Kind: lit(),
			Priority: rng.IntN(4), Value: strata.MoneyOf(decimal.NewFromInt(int64(rng.IntN(100_000))), "USD")}}
	if rng.IntN(2) == 0 {
		q.Customer.Attrs = map[string]any{"score": rng.IntN(5)}
	}
	return q
}

// TestDispatchChoosesLikeFirstMatch builds random rule lists, mostly field
// comparisons, and for random requests requires the dispatch to choose the
// rule (and fail with the error) the first-match program does. Every field
// the dispatch reads is compared through CEL too, so a field read from the
// wrong place shows.
func TestDispatchChoosesLikeFirstMatch(t *testing.T) {
	paths := slices.Sorted(maps.Keys(requestFields))
	rng := rand.New(rand.NewPCG(20, 26))
	built, dispatched, failures := 0, 0, 0
	for built < 60 {
		cfg := Config{Home: "CN", DefaultPool: "p0", Agents: []Agent{{ID: "a", Capacity: 1}}}
		for p := range 4 {
			cfg.Pools = append(cfg.Pools, Pool{Name: "p" + strconv.Itoa(p), Members: []string{"a"}, Strategy: LeastLoaded})
		}
		for i := range 1 + rng.IntN(24) {
			cfg.Rules = append(cfg.Rules, Rule{Name: "r" + strconv.Itoa(i), When: randomRule(rng, paths), Pool: "p" + strconv.Itoa(rng.IntN(4))})
		}
		r, err := New(cfg, NewMemoryStore())
		if err != nil {
			require.ErrorContains(t, err, "can never match") // a random list may repeat itself
			continue
		}
		built++
		if r.dispatch == nil {
			continue
		}
		dispatched++
		require.NoError(t, r.firstMatch())
		for range 200 {
			c := r.calls.Get().(*call)
			c.req = randomRequest(rng)
			c.bind()
			wantPool, wantRule, wantErr := r.choosePoolCEL(c)
			pool, rule, err := r.choosePool(c)
			if wantErr != nil {
				failures++
				require.EqualError(t, err, wantErr.Error(), "rules:\n%s", rulesOf(cfg))
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, wantRule, rule, "rules:\n%s\nrequest: %+v", rulesOf(cfg), c.req)
			require.Equal(t, wantPool, pool)
			r.putCall(c)
		}
	}
	assert.Greater(t, dispatched, 10, "many lists are dispatched")
	assert.Positive(t, failures, "some rules failed")
}

func rulesOf(cfg Config) string {
	var b strings.Builder
	for _, ru := range cfg.Rules {
		fmt.Fprintf(&b, "  %s: %s → %s\n", ru.Name, ru.When, ru.Pool)
	}
	return b.String()
}

// TestDispatchOnlyWhenItPays: a list of field comparisons is dispatched,
// one alone too; one with as many other rules as comparisons runs the
// first-match program.
func TestDispatchOnlyWhenItPays(t *testing.T) {
	cfg := Config{Home: "CN", DefaultPool: "p", Agents: []Agent{{ID: "a", Capacity: 1}},
		Pools: []Pool{{Name: "p", Members: []string{"a"}, Strategy: LeastLoaded}}}
	for i, c := range []string{"DE", "FR", "IT", "ES"} {
		cfg.Rules = append(cfg.Rules, Rule{Name: "k" + strconv.Itoa(i), When: `customer.country == "` + c + `"`, Pool: "p"})
	}
	r, err := New(cfg, NewMemoryStore())
	require.NoError(t, err)
	assert.NotNil(t, r.dispatch)
	for i := range 4 {
		cfg.Rules = append(cfg.Rules, Rule{Name: "o" + strconv.Itoa(i), When: fmt.Sprintf(`lead.priority > %d`, 10-i), Pool: "p"})
		cfg.Rules[len(cfg.Rules)-1], cfg.Rules[i*2] = cfg.Rules[i*2], cfg.Rules[len(cfg.Rules)-1]
	}
	r, err = New(cfg, NewMemoryStore())
	require.NoError(t, err)
	assert.Nil(t, r.dispatch)

	cfg.Rules = []Rule{{Name: "cn", When: `customer.country == "CN"`, Pool: "p"}}
	r, err = New(cfg, NewMemoryStore())
	require.NoError(t, err)
	assert.NotNil(t, r.dispatch, "one field comparison alone: a map lookup")
	cfg.Rules = append(cfg.Rules, Rule{Name: "big", When: `lead.priority > 3`, Pool: "p"})
	r, err = New(cfg, NewMemoryStore())
	require.NoError(t, err)
	assert.Nil(t, r.dispatch, "one field comparison and another rule: the program")
	d, err := r.Route(t.Context(), Request{Item: "x", Now: heapT0, Customer: strata.Customer{Country: "IT"}})
	require.NoError(t, err)
	assert.Equal(t, Assigned, d.Outcome)
}

// FuzzFieldEquality: whatever rule text the recogniser accepts compiles in
// CEL and means what the dispatch takes it to mean: the field equals the
// literal, and nothing else.
func FuzzFieldEquality(f *testing.F) {
	for _, s := range []string{`customer.country == "DE"`, `'x' == lead.product`, "lead.kind==\"\"\t", `customer.tier == "v\u00edp"`,
		`customer.country == "D\"E"`, `customer.city == 'São Paulo'`, `lead.source == "a" || true`} {
		f.Add(s)
	}
	r, err := New(Config{Home: "CN", DefaultPool: "p", Agents: []Agent{{ID: "a", Capacity: 1}},
		Pools: []Pool{{Name: "p", Members: []string{"a"}, Strategy: LeastLoaded}}}, NewMemoryStore())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, src string) {
		path, lit, ok := fieldEquality(src)
		if !ok {
			return
		}
		prog, err := r.env.Compile("fuzz", src, rules.Bool)
		require.NoError(t, err, "accepted %q", src)
		for _, v := range []string{lit, lit + "x", ""} {
			c := r.calls.Get().(*call)
			c.req = Request{Item: "i", Now: heapT0}
			setField(&c.req, path, v)
			c.bind()
			got, err := prog.EvalBool(c.act)
			require.NoError(t, err)
			assert.Equal(t, v == lit, got, "%q with %s = %q", src, path, v)
			assert.Equal(t, v, requestFields[path](&c.req))
			r.putCall(c)
		}
	})
}

// setField sets the request field at path to v.
func setField(q *Request, path, v string) {
	fields := map[string]*string{
		"customer.id": &q.Customer.ID, "customer.country": &q.Customer.Country, "customer.subdivision": &q.Customer.Subdivision,
		"customer.city": &q.Customer.City, "customer.industry": &q.Customer.Industry, "customer.time_zone": &q.Customer.TimeZone,
		"customer.tier": &q.Customer.Tier, "customer.owner": &q.Customer.Owner, "lead.id": &q.Lead.ID, "lead.product": &q.Lead.Product,
		"lead.kind": &q.Lead.Kind,
	}
	switch path {
	case "customer.kind":
		q.Customer.Kind = strata.Kind(v)
	case "customer.source":
		q.Customer.Source = strata.Source(v)
	case "lead.source":
		q.Lead.Source = strata.Source(v)
	case "lead.urgency":
		q.Lead.Urgency = Urgency(v)
	default:
		*fields[path] = v
	}
}
