package compliance

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// DueDate is when a data subject request must be answered.
type DueDate struct {
	Regime Regime    `json:"regime"`
	Due    time.Time `json:"due"`
	// Extended is the latest date if the regime's extension is used
	// (GDPR: two more months for complex or many requests); zero when it
	// allows none.
	Extended time.Time `json:"extended,omitzero"`
	Source   string    `json:"source"`
}

// Due returns when a request received at received must be answered: the
// earliest deadline among the customer's regimes (GDPR one month,
// extendable by two; CCPA 45 days plus 45; PIPL 30 days …), so meeting it
// meets them all. The second result is false when no regime covers the
// customer.
func (l *Law) Due(c *strata.Customer, received time.Time) (DueDate, bool) {
	var best DueDate
	found := false
	for _, r := range l.Jurisdictions(c) {
		dl, ok := l.deadlines[r]
		if !ok {
			continue
		}
		due := addMonths(received, dl.Months).AddDate(0, 0, dl.Days)
		dd := DueDate{Regime: r, Due: due, Source: dl.Source}
		if dl.ExtensionMonths > 0 || dl.ExtensionDays > 0 {
			dd.Extended = addMonths(due, dl.ExtensionMonths).AddDate(0, 0, dl.ExtensionDays)
		}
		if !found || dd.Due.Before(best.Due) {
			best, found = dd, true
		}
	}
	return best, found
}

// addMonths adds calendar months the way deadlines count them: the same
// day of the month, or the month's last day when it has no such day (31
// January plus one month is 28 February, not 3 March).
func addMonths(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// Hold is a legal obligation to keep some fields: tax and accounting
// records, a dispute, an open contract.
type Hold struct {
	Fields []string `json:"fields"`
	Reason string   `json:"reason"`
	// Until the obligation ends; zero means indefinitely.
	Until time.Time `json:"until,omitzero"`
}

// DefaultHolds keeps the commercial record of a customer who bought
// anything: accounting laws require it (China's 会计档案管理办法: 30 years
// for accounting books; Germany's HGB §257 and AO §147: 10 years; GDPR Art.
// 17(3)(b) allows keeping what the law requires).
func DefaultHolds(c *strata.Customer, now time.Time) []Hold {
	if c.Orders == 0 {
		return nil
	}
	return []Hold{{
		Fields: []string{"id", "revenue", "profit", "orders", "first_order_at", "last_order_at", "country"},
		Reason: "accounting and tax records must be kept (GDPR Art. 17(3)(b); 会计档案管理办法; HGB §257)",
		Until:  c.LastOrderAt.AddDate(10, 0, 0),
	}}
}

// PlannedField is one field in an erasure or export plan.
type PlannedField struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// ErasurePlan says what erasing a customer does to each field.
type ErasurePlan struct {
	Customer string `json:"customer"`
	// Erase lists the personal fields to delete.
	Erase []PlannedField `json:"erase"`
	// Pseudonymize lists fields replaced by a stand-in so records still
	// join up (the ID kept for accounting becomes a pseudonym's key).
	Pseudonymize []PlannedField `json:"pseudonymize"`
	// Keep lists fields a legal obligation keeps, with the obligation.
	Keep []PlannedField `json:"keep"`
	Due  DueDate        `json:"due"`
}

// PlanErasure plans erasing a customer received at now: personal fields
// are erased unless a hold keeps them; the name becomes a pseudonym when
// the commercial record is kept; non-personal business fields stay.
func (p *Policy) PlanErasure(l *Law, c *strata.Customer, holds []Hold, now time.Time) ErasurePlan {
	plan := ErasurePlan{Customer: c.ID}
	plan.Due, _ = l.Due(c, now)
	held := map[string]string{}
	for _, h := range holds {
		if !h.Until.IsZero() && !now.Before(h.Until) {
			continue
		}
		for _, f := range h.Fields {
			held[f] = h.Reason
		}
	}
	fields := make([]string, 0, len(p.tags))
	for f := range p.tags {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		t := p.tags[f]
		switch why, ok := held[f]; {
		case ok:
			plan.Keep = append(plan.Keep, PlannedField{Field: f, Reason: why})
		case f == "name" && len(held) > 0:
			plan.Pseudonymize = append(plan.Pseudonymize, PlannedField{Field: f, Reason: "replaced by a pseudonym so kept records still refer to someone"})
		case t.Personal:
			plan.Erase = append(plan.Erase, PlannedField{Field: f, Reason: "personal data (" + joinCategories(t.Categories) + ")"})
		}
	}
	return plan
}

func joinCategories(cs []Category) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += ", "
		}
		s += string(c)
	}
	return s
}

// Apply returns the customer as the plan leaves it. Fields to erase are
// cleared and to pseudonymize replaced; custom fields go with "attrs".
func (plan ErasurePlan) Apply(c strata.Customer) strata.Customer {
	for _, f := range plan.Erase {
		switch f.Field {
		case "name":
			c.Name = ""
		case "city":
			c.City = ""
		case "subdivision":
			c.Subdivision = ""
		case "country":
			c.Country = ""
		case "languages":
			c.Languages = nil
		case "channels", "channels.value":
			c.Channels = nil
		case "products":
			c.Products = nil
		case "revenue":
			c.Revenue = strata.Money{}
		case "orders":
			c.Orders = 0
		case "first_order_at":
			c.FirstOrderAt = time.Time{}
		case "last_order_at":
			c.LastOrderAt = time.Time{}
		case "scores":
			c.Scores = strata.Scores{}
		case "consents":
			c.Consents = nil
		case "attrs":
			c.Attrs = nil
		default:
			if key, ok := strings.CutPrefix(f.Field, "attrs."); ok && c.Attrs != nil {
				if _, present := c.Attrs[key]; present {
					c.Attrs = maps.Clone(c.Attrs)
					delete(c.Attrs, key)
				}
			}
		}
	}
	for _, f := range plan.Pseudonymize {
		if f.Field == "name" {
			c.Name = "erased-" + c.ID
		}
	}
	return c
}

// Export returns the customer's personal data for an access request: every
// personal field, by JSON path, with its value and categories.
func (p *Policy) Export(c *strata.Customer) map[string]any {
	out := map[string]any{"id": c.ID}
	put := func(field string, v any) {
		if t, ok := p.tags.lookup(field); ok && t.Personal {
			out[field] = v
		}
	}
	put("name", c.Name)
	put("country", c.Country)
	put("subdivision", c.Subdivision)
	put("city", c.City)
	put("languages", c.Languages)
	put("channels", c.Channels)
	put("products", c.Products)
	put("revenue", c.Revenue.String())
	put("orders", c.Orders)
	put("first_order_at", c.FirstOrderAt)
	put("last_order_at", c.LastOrderAt)
	put("scores", c.Scores)
	put("consents", c.Consents)
	for k, v := range c.Attrs {
		put("attrs."+k, v)
	}
	return out
}

// Retention is how long records are kept before they must be reviewed or
// deleted.
type Retention struct {
	// Prospects without orders, after their last update.
	Prospect time.Duration `json:"prospect"`
	// Customers, after their last order.
	Customer time.Duration `json:"customer"`
}

// DefaultRetention keeps prospects two years after their last contact and
// customers ten years after their last order.
func DefaultRetention() Retention {
	return Retention{Prospect: 2 * 365 * 24 * time.Hour, Customer: 10 * 365 * 24 * time.Hour}
}

// Check reports whether a record is past its retention period at now, and why.
func (r Retention) Check(c *strata.Customer, now time.Time) (bool, string) {
	if c.Orders == 0 || c.LastOrderAt.IsZero() {
		last := c.UpdatedAt
		if last.IsZero() {
			last = c.CreatedAt
		}
		if !last.IsZero() && now.Sub(last) > r.Prospect {
			return true, fmt.Sprintf("a prospect untouched since %s, past %d days", last.Format(time.DateOnly), int(r.Prospect.Hours()/24))
		}
		return false, "within the prospect retention period"
	}
	if now.Sub(c.LastOrderAt) > r.Customer {
		return true, fmt.Sprintf("no order since %s, past %d days", c.LastOrderAt.Format(time.DateOnly), int(r.Customer.Hours()/24))
	}
	return false, "within the customer retention period"
}
