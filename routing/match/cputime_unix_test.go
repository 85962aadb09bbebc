//go:build unix

package match_test

import (
	"syscall"
	"testing"
)

// reportCPU starts counting the process's CPU time (user and system, every
// thread, the garbage collector's included) and returns a function that
// reports it per operation as cpu-ns/op. On a machine shared with other
// work, wall time per operation grows with the load; CPU time does much
// less.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
