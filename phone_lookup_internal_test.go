package strata

import (
	"slices"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPhoneLookupTables checks the tables phoneRegionByID and
// phoneCodeRegions look up against searches of the generated lists, for
// every two-letter ID, every region's own ID and every calling code.
func TestPhoneLookupTables(t *testing.T) {
	search := func(id string) *phoneRegion {
		i := sort.Search(len(phoneRegions), func(i int) bool { return phoneRegions[i].id >= id })
		if id == "001" || id == "" || i == len(phoneRegions) || phoneRegions[i].id != id {
			return nil
		}
		return &phoneRegions[i]
	}
	ids := []string{"", "001", "cn", "C", "CNN"}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			ids = append(ids, string([]rune{a, b}))
		}
	}
	for _, id := range ids {
		assert.Same(t, search(id), phoneRegionByID(id), id)
	}
	for cc := -1; cc <= 1000; cc++ {
		want := ""
		if i, ok := slices.BinarySearchFunc(phoneCodes[:], cc, func(c phoneCode, cc int) int { return int(c.cc) - cc }); ok {
			want = phoneCodes[i].regions
		}
		assert.Equal(t, want, phoneCodeRegions(cc), cc)
	}
}
