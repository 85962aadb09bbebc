package law

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

// DueDate is when one statute wants a data subject's request answered.
// Statute and practice are kept apart: Due is the statute's own period and
// is zero when the statute sets none ("without delay"); Target is a
// practice period (a recommended standard, the host's policy).
type DueDate struct {
	Regime  Regime `json:"regime"`
	Wording string `json:"wording"`
	// Due is the statutory deadline, Extended the latest date if the
	// statute's extension is used.
	Due      time.Time `json:"due,omitzero"`
	Extended time.Time `json:"extended,omitzero"`
	// Notice is when the applicant must at the latest be told when the
	// answer will come, where the statute sets such a period.
	Notice time.Time `json:"notice,omitzero"`
	Source string    `json:"source"`
	// Target is the practice deadline and TargetSource whose practice.
	Target       time.Time `json:"target,omitzero"`
	TargetSource string    `json:"target_source,omitempty"`
}

// By returns the date to plan for: the statutory deadline, else the
// practice target, else the zero time (answer without delay).
func (d DueDate) By() time.Time {
	if !d.Due.IsZero() {
		return d.Due
	}
	return d.Target
}

// Deadlines returns, for a request received at received, every deadline of
// the privacy statutes that protect the customer then, earliest first (by
// By; those without a date last, in configuration order). Meeting the
// first one that has a date meets every dated one. An empty list means no
// statute in the data sets a deadline for the customer.
func (e *Engine) Deadlines(c *strata.Customer, received time.Time) ([]DueDate, error) {
	if err := e.ready(); err != nil {
		return nil, err
	}
	if err := where(c); err != nil {
		return nil, err
	}
	var out []DueDate
	for _, s := range e.statutesFor(c, received) {
		if s.Requests == nil || s.ConsumersOnly && audience(c) == Businesses {
			continue
		}
		dl := *s.Requests
		dd := DueDate{Regime: s.Regime, Wording: dl.Wording, Source: dl.Source}
		if !dl.Answer.IsZero() {
			dd.Due = dl.Answer.after(received)
			if !dl.Extension.IsZero() {
				dd.Extended = dl.Extension.after(dd.Due)
			}
		}
		if !dl.Notice.IsZero() {
			dd.Notice = dl.Notice.after(received)
		}
		if p, ok := e.practice[s.Regime]; ok {
			dd.Target, dd.TargetSource = p.Answer.after(received), p.Source
		}
		out = append(out, dd)
	}
	slices.SortStableFunc(out, func(a, b DueDate) int {
		ab, bb := a.By(), b.By()
		switch {
		case ab.IsZero() || bb.IsZero():
			return cmp.Compare(boolInt(ab.IsZero()), boolInt(bb.IsZero()))
		}
		return ab.Compare(bb)
	})
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// after returns t plus the period: months first, the way deadlines count
// them (the same day of the month, or the month's last day when it has no
// such day: 31 January plus one month is 28 February), then days.
func (p Period) after(t time.Time) time.Time { return addMonths(t, p.Months).AddDate(0, 0, p.Days) }

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

// AccountingHolds keeps the commercial record of a customer who bought
// anything for ten years after the last order: accounting and tax laws
// require it (Germany's HGB §257 and AO §147: ten years for accounting
// records; China's 会计档案管理办法 (2015) Art. 14 and Annex: 30 years for
// accounting books and vouchers; GDPR Art. 17(3)(b) allows keeping what
// the law requires). Ten years is the common floor: a host under a longer
// obligation extends Until. It returns nil for a customer without orders.
func AccountingHolds(c *strata.Customer) []Hold {
	if c == nil || c.Orders == 0 {
		return nil
	}
	return []Hold{{
		Fields: []string{"id", "revenue", "profit", "orders", "first_order_at", "last_order_at", "country"},
		Reason: "accounting and tax records must be kept (GDPR Art. 17(3)(b); HGB §257; 会计档案管理办法)",
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
	// Erase lists the personal fields to delete; "attrs" means every
	// custom field Keep does not list.
	Erase []PlannedField `json:"erase"`
	// Pseudonymize lists fields replaced by a stand-in so kept records
	// still join up.
	Pseudonymize []PlannedField `json:"pseudonymize"`
	// Keep lists fields a legal obligation keeps, or that hold no personal
	// data, with why.
	Keep []PlannedField `json:"keep"`
	// Due lists the statutes' deadlines, earliest first.
	Due []DueDate `json:"due"`
}

// PlanErasure plans erasing a customer whose request was received at now,
// by the policy's tags: personal fields are erased unless a hold in force
// keeps them; the name becomes a pseudonym when a commercial record is
// kept; fields tagged not personal stay. Nil arguments are errors.
func (e *Engine) PlanErasure(p *compliance.Policy, c *strata.Customer, holds []Hold, now time.Time) (ErasurePlan, error) {
	if err := e.ready(); err != nil {
		return ErasurePlan{}, err
	}
	tags := p.Tags()
	if tags == nil {
		return ErasurePlan{}, compliance.ErrNoPolicy
	}
	due, err := e.Deadlines(c, now)
	if err != nil {
		return ErasurePlan{}, err
	}
	plan := ErasurePlan{Customer: c.ID, Due: due}
	held := map[string]string{}
	for _, h := range holds {
		if !h.Until.IsZero() && !now.Before(h.Until) {
			continue
		}
		for _, f := range h.Fields {
			held[f] = h.Reason
		}
	}
	for _, t := range tags {
		f := t.Field
		switch why, ok := held[f]; {
		case ok:
			plan.Keep = append(plan.Keep, PlannedField{Field: f, Reason: why})
		case f == "name" && len(held) > 0:
			plan.Pseudonymize = append(plan.Pseudonymize, PlannedField{Field: f, Reason: "replaced by a pseudonym so kept records still refer to someone"})
		case t.NotPersonal && strings.HasPrefix(f, "attrs."):
			plan.Keep = append(plan.Keep, PlannedField{Field: f, Reason: "tagged as holding no personal data"})
		case t.Personal():
			plan.Erase = append(plan.Erase, PlannedField{Field: f, Reason: "personal data (" + joinCategories(t.Categories) + ")"})
		}
	}
	return plan, nil
}

func joinCategories(cs []compliance.Category) string {
	if len(cs) == 0 {
		return "uncategorised"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// Apply erases from the record c points to what the plan says: fields to
// erase are cleared, custom fields ("attrs") all removed but those the plan
// keeps, and the name replaced by "erased-" and the ID when the plan
// pseudonymizes it. Slices and maps are replaced, not changed in place, so
// other copies of the record are untouched. A nil c is an error.
func (plan ErasurePlan) Apply(c *strata.Customer) error {
	if c == nil {
		return compliance.ErrNilCustomer
	}
	keep := map[string]bool{}
	for _, f := range plan.Keep {
		keep[f.Field] = true
	}
	for _, f := range plan.Erase {
		eraseField(c, f.Field, keep)
	}
	for _, f := range plan.Pseudonymize {
		if f.Field == "name" {
			c.Name = "erased-" + c.ID
		}
	}
	return nil
}

// eraseField clears one field (a top-level JSON name, or "attrs.key").
func eraseField(c *strata.Customer, field string, keep map[string]bool) {
	clear := map[string]func(){
		"name": func() { c.Name = "" }, "city": func() { c.City = "" }, "subdivision": func() { c.Subdivision = "" },
		"country": func() { c.Country = "" }, "languages": func() { c.Languages = nil }, "time_zone": func() { c.TimeZone = "" },
		"channels": func() { c.Channels = nil }, "channels.value": func() { c.Channels = nil }, "products": func() { c.Products = nil },
		"revenue": func() { c.Revenue = strata.Money{} }, "profit": func() { c.Profit = strata.Money{} }, "orders": func() { c.Orders = 0 },
		"first_order_at": func() { c.FirstOrderAt = time.Time{} }, "last_order_at": func() { c.LastOrderAt = time.Time{} },
		"scores": func() { c.Scores = strata.Scores{} }, "consents": func() { c.Consents = nil },
		"consents.source": func() { c.Consents = nil },
	}
	if f, ok := clear[field]; ok {
		f()
		return
	}
	if c.Attrs == nil {
		return
	}
	if field == "attrs" {
		kept := map[string]any{}
		for k, v := range c.Attrs {
			if keep["attrs."+k] {
				kept[k] = v
			}
		}
		c.Attrs = kept
		if len(kept) == 0 {
			c.Attrs = nil
		}
		return
	}
	if key, ok := strings.CutPrefix(field, "attrs."); ok {
		if _, present := c.Attrs[key]; present {
			c.Attrs = maps.Clone(c.Attrs)
			delete(c.Attrs, key)
		}
	}
}

// ExportedField is one personal field in an access request's answer.
type ExportedField struct {
	Field      string                `json:"field"`
	Categories []compliance.Category `json:"categories,omitempty"`
	Value      any                   `json:"value"`
}

// ExportPlan is the answer to an access request: every personal field of
// the customer with its value and categories, in field order, and when it
// is due.
type ExportPlan struct {
	Customer string          `json:"customer"`
	Fields   []ExportedField `json:"fields"`
	Due      []DueDate       `json:"due"`
}

// Export gathers a customer's personal data for an access request received
// at received: every field the policy tags as personal (custom fields
// under their own tag, or "attrs" when untagged), with its value and
// categories. Nil arguments are errors.
func (e *Engine) Export(p *compliance.Policy, c *strata.Customer, received time.Time) (ExportPlan, error) {
	if err := e.ready(); err != nil {
		return ExportPlan{}, err
	}
	if p.Tags() == nil {
		return ExportPlan{}, compliance.ErrNoPolicy
	}
	due, err := e.Deadlines(c, received)
	if err != nil {
		return ExportPlan{}, err
	}
	out := ExportPlan{Customer: c.ID, Due: due}
	put := func(field string, v any) {
		if t, ok := p.Tag(field); ok && t.Personal() {
			out.Fields = append(out.Fields, ExportedField{Field: field, Categories: slices.Clone(t.Categories), Value: v})
		}
	}
	put("name", c.Name)
	put("country", c.Country)
	put("subdivision", c.Subdivision)
	put("city", c.City)
	put("languages", slices.Clone(c.Languages))
	put("time_zone", c.TimeZone)
	put("channels", slices.Clone(c.Channels))
	put("products", slices.Clone(c.Products))
	put("revenue", c.Revenue.String())
	put("orders", c.Orders)
	put("first_order_at", c.FirstOrderAt)
	put("last_order_at", c.LastOrderAt)
	put("scores", c.Scores)
	put("consents", slices.Clone(c.Consents))
	for _, k := range slices.Sorted(maps.Keys(c.Attrs)) {
		put("attrs."+k, c.Attrs[k])
	}
	return out, nil
}

// Retention is how long records are kept before they must be reviewed or
// deleted. Both periods are required.
type Retention struct {
	// Prospect: customers without orders, after their last update.
	Prospect strata.Duration `json:"prospect"`
	// Customer: customers with orders, after their last order.
	Customer strata.Duration `json:"customer"`
}

// StarterRetention is an example retention policy to edit: prospects two
// years after their last contact, customers ten years after their last
// order (the accounting floor of AccountingHolds). It is house practice,
// not statute.
func StarterRetention() Retention {
	return Retention{Prospect: strata.Duration(2 * 365 * 24 * time.Hour), Customer: strata.Duration(10 * 365 * 24 * time.Hour)}
}

// ErrNoRetention: a Retention period is zero or negative.
var ErrNoRetention = errors.New("law: retention periods must be positive")

// Check reports whether a record is past its retention period at now, and
// why. Zero periods and a nil customer are errors.
func (r Retention) Check(c *strata.Customer, now time.Time) (bool, string, error) {
	if r.Prospect <= 0 || r.Customer <= 0 {
		return false, "", ErrNoRetention
	}
	if c == nil {
		return false, "", compliance.ErrNilCustomer
	}
	days := func(d strata.Duration) int { return int(d.Std().Hours() / 24) }
	if c.Orders == 0 || c.LastOrderAt.IsZero() {
		last := c.UpdatedAt
		if last.IsZero() {
			last = c.CreatedAt
		}
		if !last.IsZero() && now.Sub(last) > r.Prospect.Std() {
			return true, fmt.Sprintf("a prospect untouched since %s, past %d days", last.Format(time.DateOnly), days(r.Prospect)), nil
		}
		return false, "within the prospect retention period", nil
	}
	if now.Sub(c.LastOrderAt) > r.Customer.Std() {
		return true, fmt.Sprintf("no order since %s, past %d days", c.LastOrderAt.Format(time.DateOnly), days(r.Customer)), nil
	}
	return false, "within the customer retention period", nil
}
