package strata

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Normalization is what Normalize would change in a record to make it
// consistent, and what it could not fix. A host runs it at import, shows or
// stores the report, and calls Apply. Nothing is changed silently:
// every rewritten value is a Change, every removed duplicate too, and a
// value Normalize cannot read stays as it is, with a Problem saying why.
//
// Changes carry the old and new values so that a host can keep an audit
// trail; String and the JSON form mask them.
type Normalization struct {
	// Changes lists the values Apply rewrites or removes, in field order.
	Changes []Change `json:"changes,omitempty"`
	// Notes are doubts about values that are left as they are: "a fixed-line
	// number on a mobile channel".
	Notes []Note `json:"notes,omitempty"`
	// Problems are values that could not be normalised and are left as
	// they are, each a *FieldError naming the path and what is wrong,
	// never the value.
	Problems []error `json:"-"`
}

// Change is one value Normalize rewrites.
type Change struct {
	// Path is the field's JSON path: "name", "channels[1].value".
	Path string `json:"path"`
	// What says what changes, without personal data: "written in E.164".
	What string `json:"what"`
	// From and To are the old and new values; To is empty when the value
	// is removed. They may be personal data and are never marshalled.
	From string `json:"-"`
	To   string `json:"-"`

	op    changeOp
	index int
}

type changeOp uint8

const (
	opName changeOp = iota
	opCountry
	opSubdivision
	opChannelValue
	opChannelPreferred
	opChannelRemove
)

// String describes the change with masked values: `channels[0].value:
// written in E.164 ("+86 138****5678")`.
func (c Change) String() string {
	if c.op == opChannelRemove {
		return c.Path + ": " + c.What
	}
	return fmt.Sprintf("%s: %s (%q)", c.Path, c.What, maskValue(c.To))
}

// maskValue hides most of a value that may be personal data.
func maskValue(s string) string {
	if p, err := NormalizePhone(s, ""); err == nil {
		return p.Masked()
	}
	if e, err := NormalizeEmail(s); err == nil {
		return e.Masked()
	}
	rs := []rune(s)
	if len(rs) <= 1 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:1]) + strings.Repeat("*", len(rs)-1)
}

// Note is a doubt about a value that Normalize leaves as it is.
type Note struct {
	Path string `json:"path"`
	Msg  string `json:"msg"`
}

// String implements fmt.Stringer as "path: message".
func (n Note) String() string { return n.Path + ": " + n.Msg }

// String lists the changes, notes and problems, one a line, masked.
func (n Normalization) String() string {
	var b strings.Builder
	for _, c := range n.Changes {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	for _, x := range n.Notes {
		b.WriteString("note: " + x.String() + "\n")
	}
	for _, p := range n.Problems {
		b.WriteString("left as it is: " + p.Error() + "\n")
	}
	return b.String()
}

// Normalize reads a record and reports what would make it consistent,
// without changing it: the name tidied (NormalizeName); country and
// subdivision codes in upper case; phone, mobile and WhatsApp numbers in
// E.164 (national formats read in the record's country; an extension
// written as ";ext=204"); email addresses in lower case with their domain in
// Unicode (NormalizeEmail); other channel values trimmed; and a channel that
// repeats an earlier one of the same kind and value removed (its Preferred
// flag moving to the one kept). Result.Apply writes the changes. Normalize
// never changes a value it cannot read: it lists it in Problems.
//
// A nil record is an error. Normalize is safe for concurrent use.
func Normalize(c *Customer) (Normalization, error) {
	if c == nil {
		return Normalization{}, errors.New("strata: Normalize of a nil record")
	}
	var n Normalization
	if name := NormalizeName(c.Name); name != c.Name {
		n.Changes = append(n.Changes, Change{Path: "name", What: "spaces and full-width letters tidied", From: c.Name, To: name, op: opName})
	}
	if up := strings.ToUpper(strings.TrimSpace(c.Country)); up != c.Country && IsCountry(up) {
		n.Changes = append(n.Changes, Change{Path: "country", What: "ISO 3166-1 code in upper case", From: c.Country, To: up, op: opCountry})
	}
	if up := strings.ToUpper(strings.TrimSpace(c.Subdivision)); up != c.Subdivision && IsSubdivision(up) {
		n.Changes = append(n.Changes, Change{Path: "subdivision", What: "ISO 3166-2 code in upper case", From: c.Subdivision, To: up, op: opSubdivision})
	}
	country := strings.ToUpper(strings.TrimSpace(c.Country))
	values := make([]string, len(c.Channels)) // normalised, for finding repeats
	for i, ch := range c.Channels {
		v := normalizeChannel(&n, i, ch, country)
		values[i] = v
		first := firstRepeat(c.Channels[:i], values[:i], ch.Kind, v)
		if first >= 0 {
			n.Changes = append(n.Changes, Change{Path: channelPath(i, ""), What: "repeats " + channelPath(first, "") + ": removed", From: ch.Value, op: opChannelRemove, index: i})
			if ch.Preferred && !c.Channels[first].Preferred {
				n.Changes = append(n.Changes, Change{Path: channelPath(first, ".preferred"), What: "preferred, as the removed repeat was", From: "false", To: "true", op: opChannelPreferred, index: first})
			}
			continue
		}
		if v != ch.Value {
			n.Changes = append(n.Changes, Change{Path: channelPath(i, ".value"), What: channelWhat(ch.Kind), From: ch.Value, To: v, op: opChannelValue, index: i})
		}
	}
	return n, nil
}

// firstRepeat returns the index of the first earlier channel of the same
// kind and normalised value, or -1.
func firstRepeat(chs []Channel, values []string, kind ChannelKind, v string) int {
	for j := range chs {
		if chs[j].Kind == kind && values[j] == v {
			return j
		}
	}
	return -1
}

func channelPath(i int, field string) string { return "channels[" + strconv.Itoa(i) + "]" + field }

// normalizeChannel returns a channel's normalised value, or its value as it
// is with a problem recorded.
func normalizeChannel(n *Normalization, i int, ch Channel, country string) string {
	v := strings.TrimSpace(ch.Value)
	switch ch.Kind {
	case ChannelPhone, ChannelMobile, ChannelWhatsApp:
		p, err := NormalizePhone(v, country)
		if err != nil {
			n.Problems = append(n.Problems, &FieldError{Path: channelPath(i, ".value"), Msg: strings.TrimPrefix(err.Error(), "invalid phone number: ")})
			return ch.Value
		}
		if ch.Kind == ChannelMobile && p.Type == PhoneFixedLine {
			n.Notes = append(n.Notes, Note{Path: channelPath(i, ".kind"), Msg: "the number is a fixed line by its country's numbering plan; the channel says mobile"})
		}
		if p.Extension != "" {
			return p.E164 + ";ext=" + p.Extension
		}
		return p.E164
	case ChannelEmail:
		e, err := NormalizeEmail(v)
		if err != nil {
			n.Problems = append(n.Problems, &FieldError{Path: channelPath(i, ".value"), Msg: err.Error()})
			return ch.Value
		}
		return e.Address
	}
	return v
}

func channelWhat(k ChannelKind) string {
	switch k {
	case ChannelPhone, ChannelMobile, ChannelWhatsApp:
		return "written in E.164"
	case ChannelEmail:
		return "address in lower case, domain in Unicode"
	}
	return "spaces trimmed"
}

// Apply writes the changes into c, the record Normalize read. A change
// whose field no longer holds the value Normalize saw is skipped, so
// applying a stale result never overwrites a newer edit. Apply on a nil
// record does nothing.
func (n Normalization) Apply(c *Customer) {
	if c == nil {
		return
	}
	var remove []int
	cloned := false
	for _, ch := range n.Changes {
		if ch.op >= opChannelValue && !cloned {
			c.Channels, cloned = slices.Clone(c.Channels), true // never write through a shared slice
		}
		switch ch.op {
		case opName:
			setIf(&c.Name, ch.From, ch.To)
		case opCountry:
			setIf(&c.Country, ch.From, ch.To)
		case opSubdivision:
			setIf(&c.Subdivision, ch.From, ch.To)
		case opChannelValue:
			if ch.index < len(c.Channels) {
				setIf(&c.Channels[ch.index].Value, ch.From, ch.To)
			}
		case opChannelPreferred:
			if ch.index < len(c.Channels) {
				c.Channels[ch.index].Preferred = true
			}
		case opChannelRemove:
			if ch.index < len(c.Channels) && c.Channels[ch.index].Value == ch.From {
				remove = append(remove, ch.index)
			}
		}
	}
	if len(remove) == 0 {
		return
	}
	kept := make([]Channel, 0, len(c.Channels)-len(remove))
	for i, ch := range c.Channels {
		if len(remove) > 0 && remove[0] == i {
			remove = remove[1:]
			continue
		}
		kept = append(kept, ch)
	}
	c.Channels = kept
}

func setIf(field *string, from, to string) {
	if *field == from {
		*field = to
	}
}
