package compliance

import (
	"maps"
	"time"

	"github.com/strata-go/strata"
)

// Redact returns a copy of c with every field the role may not see in full
// masked (a phone keeps its country code and last digits, an email its
// domain, money its band, a PRC ID its region and check digits) or removed.
// Fields are looked up by JSON path, so host custom fields are "attrs.key".
// An unknown role sees nothing but the ID. c itself is not modified.
func (p *Policy) Redact(c strata.Customer, roleName string) strata.Customer {
	if _, ok := p.roles[roleName]; !ok {
		return strata.Customer{ID: c.ID}
	}
	vis := func(field string) Visibility { return p.Visibility(roleName, field) }
	str := func(field string, s *string, kind MaskKind) {
		if *s == "" {
			return
		}
		switch vis(field) {
		case Hidden:
			*s = ""
		case Masked:
			if t, ok := p.tags.lookup(field); ok && t.Mask != MaskKindNone {
				kind = t.Mask
			}
			*s = maskString(kind, *s)
		}
	}
	list := func(field string, l *[]string) {
		if vis(field) != Visible {
			*l = nil
		}
	}
	when := func(field string, t *time.Time) {
		switch vis(field) {
		case Hidden:
			*t = time.Time{}
		case Masked: // the month, not the day
			if !t.IsZero() {
				*t = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
			}
		}
	}
	money := func(field string, m *strata.Money) {
		switch vis(field) {
		case Hidden:
			*m = strata.Money{}
		case Masked:
			*m = MaskMoney(*m)
		}
	}

	str("id", &c.ID, MaskKindText)
	str("name", &c.Name, MaskKindName)
	kind := string(c.Kind)
	str("kind", &kind, MaskKindText)
	c.Kind = strata.Kind(kind)
	str("country", &c.Country, MaskKindText)
	str("subdivision", &c.Subdivision, MaskKindText)
	str("city", &c.City, MaskKindText)
	str("industry", &c.Industry, MaskKindText)
	list("languages", &c.Languages)
	str("time_zone", &c.TimeZone, MaskKindText)
	switch vis("channels") {
	case Hidden:
		c.Channels = nil
	default:
		chans := make([]strata.Channel, len(c.Channels))
		valueVis := vis("channels.value")
		for i, ch := range c.Channels {
			switch valueVis {
			case Hidden:
				ch.Value = ""
			case Masked:
				ch.Value = maskChannel(ch)
			}
			chans[i] = ch
		}
		if c.Channels != nil {
			c.Channels = chans
		}
	}
	source := string(c.Source)
	str("source", &source, MaskKindText)
	c.Source = strata.Source(source)
	list("products", &c.Products)
	money("revenue", &c.Revenue)
	money("profit", &c.Profit)
	if vis("orders") == Hidden {
		c.Orders = 0
	}
	when("first_order_at", &c.FirstOrderAt)
	when("last_order_at", &c.LastOrderAt)
	if vis("scores") != Visible {
		c.Scores = strata.Scores{}
	}
	str("tier", &c.Tier, MaskKindText)
	when("tier_since", &c.TierSince)
	list("segments", &c.Segments)
	list("tags", &c.Tags)
	str("owner", &c.Owner, MaskKindText)
	if c.Attrs != nil {
		attrs := maps.Clone(c.Attrs)
		for k, v := range attrs {
			field := "attrs." + k
			switch vis(field) {
			case Hidden:
				delete(attrs, k)
			case Masked:
				s, ok := v.(string)
				if !ok {
					delete(attrs, k) // a number or a list cannot be partly shown
					continue
				}
				str(field, &s, MaskKindText)
				attrs[k] = s
			}
		}
		c.Attrs = attrs
	}
	when("created_at", &c.CreatedAt)
	when("updated_at", &c.UpdatedAt)
	return c
}

// maskChannel masks a contact value by its kind.
func maskChannel(ch strata.Channel) string {
	switch ch.Kind {
	case strata.ChannelEmail:
		return MaskEmail(ch.Value)
	case strata.ChannelPhone, strata.ChannelMobile, strata.ChannelWhatsApp:
		return MaskPhone(ch.Value)
	}
	return MaskHandle(ch.Value)
}
