package scoring

import (
	"math"
	"time"

	"github.com/strata-go/strata"
)

// measure computes a built-in measure: its value, whether there was data,
// and an error only for a failed currency conversion.
func (e *Engine) measure(m Measure, c *strata.Customer, events []Event, now time.Time) (float64, bool, error) {
	switch m {
	case MeasureRevenue:
		if c.Revenue.IsZero() {
			return 0, true, nil // nothing bought is a revenue of zero, not missing data
		}
		rev, err := c.Revenue.In(e.card.Currency, e.conv)
		if err != nil {
			return 0, false, err
		}
		return rev.Amount.InexactFloat64(), true, nil
	case MeasureOrders:
		return float64(c.Orders), true, nil
	case MeasureRecencyDays:
		if c.LastOrderAt.IsZero() {
			return 0, false, nil
		}
		return wholeDays(now.Sub(c.LastOrderAt)), true, nil
	case MeasureTenureDays:
		if c.FirstOrderAt.IsZero() {
			return 0, false, nil
		}
		return wholeDays(now.Sub(c.FirstOrderAt)), true, nil
	case MeasureProfitMargin:
		if c.Revenue.Amount.Sign() <= 0 || c.Profit.IsZero() {
			return 0, false, nil
		}
		profit, err := c.Profit.In(c.Revenue.Currency, e.conv)
		if err != nil {
			return 0, false, err
		}
		return profit.Amount.InexactFloat64() / c.Revenue.Amount.InexactFloat64(), true, nil
	case MeasureEngagement:
		return Engagement(events, now, e.card.HalfLife.Std()), true, nil
	case MeasureResponseRate:
		sent, replies := 0, 0
		for _, ev := range events {
			if ev.At.After(now) {
				continue
			}
			switch ev.Kind {
			case EventMessageSent:
				sent++
			case EventReply:
				replies++
			}
		}
		if sent == 0 {
			return 0, false, nil
		}
		return min(float64(replies)/float64(sent), 1), true, nil
	case MeasureRevenueGrowth:
		return attrNumber(c, "revenue_growth")
	case MeasureCompanySize:
		return attrNumber(c, "employees")
	}
	return 0, false, nil
}

func wholeDays(d time.Duration) float64 { return math.Floor(d.Hours() / 24) }

func attrNumber(c *strata.Customer, key string) (float64, bool, error) {
	switch v := c.Attrs[key].(type) {
	case float64:
		return v, !math.IsNaN(v), nil
	case int:
		return float64(v), true, nil
	case int64:
		return float64(v), true, nil
	}
	return 0, false, nil
}

// Engagement sums the events' weights at now, each halved for every
// halfLife of its age, so a visit last week counts more than one last
// quarter. Events after now are ignored; a zero halfLife means no decay.
// Negative weights (an unsubscribe) subtract.
func Engagement(events []Event, now time.Time, halfLife time.Duration) float64 {
	total := 0.0
	for _, ev := range events {
		age := now.Sub(ev.At)
		if age < 0 || math.IsNaN(ev.Weight) || math.IsInf(ev.Weight, 0) {
			continue
		}
		if halfLife <= 0 {
			total += ev.Weight
			continue
		}
		total += ev.Weight * math.Exp2(-float64(age)/float64(halfLife))
	}
	return total
}
