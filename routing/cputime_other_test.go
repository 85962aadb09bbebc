//go:build !unix

package routing_test

import "time"

// cpuTime is 0 where getrusage is not there: no CPU figure.
func cpuTime() time.Duration { return 0 }
