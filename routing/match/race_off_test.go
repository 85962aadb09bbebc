//go:build !race

package match_test

// raceEnabled: see race_on_test.go.
const raceEnabled = false
