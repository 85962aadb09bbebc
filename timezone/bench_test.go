package timezone_test

import (
	"testing"
	"time"
)

// BenchmarkAddBusinessHolidayWeek: 24 business hours from the Friday before
// the 2026 Spring Festival, over a 调休 Saturday and nine days off.
func BenchmarkAddBusinessHolidayWeek(b *testing.B) {
	c := shanghai(b)
	from := at(b, "Asia/Shanghai", "2026-02-13 17:00")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.AddBusiness(from, 24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsOpen(b *testing.B) {
	c := shanghai(b)
	t := at(b, "Asia/Shanghai", "2026-11-23 10:00")
	b.ReportAllocs()
	for b.Loop() {
		if !c.IsOpen(t) {
			b.Fatal("closed")
		}
	}
}
