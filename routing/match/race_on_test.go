//go:build race

package match_test

// raceEnabled: the race detector drops sync.Pool entries at random, so
// allocation counts of pooled paths say nothing under it.
const raceEnabled = true
