package par_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata/internal/par"
)

func square() par.Func[int, int] {
	return func(_ context.Context, in *int) (int, error) {
		if *in%97 == 0 {
			return 0, fmt.Errorf("%d", *in)
		}
		return *in * *in, nil
	}
}

func TestMapOrderAndErrors(t *testing.T) {
	in := make([]int, 10_001)
	for i := range in {
		in[i] = i + 1
	}
	var got []int
	errs := 0
	err := par.Map(t.Context(), slices.Values(in), square, func(v int, err error) bool {
		if err != nil {
			errs++
			v = -1
		}
		got = append(got, v)
		return true
	})
	require.NoError(t, err)
	require.Len(t, got, len(in))
	for i, v := range got {
		if in[i]%97 == 0 {
			assert.Equal(t, -1, v)
		} else {
			assert.Equal(t, in[i]*in[i], v)
		}
	}
	assert.Equal(t, 10_001/97, errs)
}

func TestMapStops(t *testing.T) {
	endless := func(yield func(int) bool) {
		for i := 1; ; i++ {
			if !yield(i) {
				return
			}
		}
	}
	n := 0
	require.NoError(t, par.Map(t.Context(), endless, square, func(int, error) bool { n++; return n < 1000 }))
	assert.Equal(t, 1000, n)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n = 0
	err := par.Map(ctx, endless, square, func(int, error) bool {
		if n++; n == 500 {
			cancel()
		}
		return true
	})
	assert.ErrorIs(t, err, context.Canceled)

	panicky := func(yield func(int) bool) {
		for i := 1; i <= 300; i++ {
			if !yield(i) {
				return
			}
		}
		panic(errors.New("secret"))
	}
	n = 0
	err = par.Map(t.Context(), panicky, square, func(int, error) bool { n++; return true })
	assert.ErrorIs(t, err, par.ErrPanicked)
	assert.NotContains(t, err.Error(), "secret")
	assert.Equal(t, 300, n, "what was read before the panic is yielded")
}
