package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNameStandIn: what stands for a candidate's name key is empty when
// the key is, the lead's key when the key equals it, and otherwise a key
// that is neither empty nor the lead's, whatever the lead's key is.
func TestNameStandIn(t *testing.T) {
	for _, a := range []string{"", "huaxin", "\x00", "\x00\x00", "华信"} {
		other := otherName(a)
		assert.NotEqual(t, a, other)
		assert.NotEmpty(t, other)
		for _, b := range []string{"", "huaxin", "\x00", "\x00\x00", "华信", "huaxin elec"} {
			got := nameStandIn(a, []byte(b), other)
			assert.Equal(t, b == "", got == "", "%q %q", a, b)
			assert.Equal(t, a == b, got == a, "%q %q", a, b)
		}
	}
}
