package strata

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// This file makes the record types safe to print. A Customer, a Channel or
// a Consent formatted with any fmt verb (%v, %+v, %#v, %s, %q, %x …), built
// into an error, or logged through log/slog shows what identifies and
// classifies it and never its personal data: the name, the city, contact
// values, custom fields (Attrs) and the free-text source of a consent are
// left out. encoding/json still writes every field: JSON is the record's
// storage format, not a log format.

// String returns a summary without personal data:
// "{id=C-7 kind=enterprise country=US subdivision=US-CA tier=vip channels=[email phone]}".
func (c Customer) String() string {
	var b strings.Builder
	b.WriteString("{id=")
	b.WriteString(c.ID)
	word := func(k, v string) {
		if v != "" {
			b.WriteString(" " + k + "=" + v)
		}
	}
	word("kind", string(c.Kind))
	word("country", c.Country)
	word("subdivision", c.Subdivision)
	word("tier", c.Tier)
	word("grade", string(c.Scores.Grade))
	word("owner", c.Owner)
	if len(c.Channels) > 0 {
		b.WriteString(" channels=[")
		for i, ch := range c.Channels {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(string(ch.Kind))
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.String()
}

// GoString returns a Go-syntax summary without personal data, for %#v:
// strata.Customer{ID:"C-7", Country:"US", /* personal data redacted */}.
func (c Customer) GoString() string {
	var b strings.Builder
	b.WriteString("strata.Customer{ID:")
	b.WriteString(strconv.Quote(c.ID))
	field := func(k, v string) {
		if v != "" {
			b.WriteString(", " + k + ":" + strconv.Quote(v))
		}
	}
	field("Kind", string(c.Kind))
	field("Country", c.Country)
	field("Subdivision", c.Subdivision)
	field("Tier", c.Tier)
	field("Owner", c.Owner)
	b.WriteString(", /* personal data redacted */}")
	return b.String()
}

// Format implements fmt.Formatter, so that every verb prints the summary of
// String (GoString for %#v, a quoted String for %q) and no verb reaches the
// personal fields.
func (c Customer) Format(f fmt.State, verb rune) { format(f, verb, c.String(), c.GoString) }

// String returns the channel's kind and whether it is preferred, never its
// value: "{kind=email preferred}".
func (ch Channel) String() string {
	s := "{kind=" + string(ch.Kind)
	if ch.Preferred {
		s += " preferred"
	}
	return s + "}"
}

// GoString returns a Go-syntax form without the value, for %#v.
func (ch Channel) GoString() string {
	return fmt.Sprintf("strata.Channel{Kind:%q, Preferred:%t, /* value redacted */}", string(ch.Kind), ch.Preferred)
}

// Format implements fmt.Formatter: every verb prints the kind, never the value.
func (ch Channel) Format(f fmt.State, verb rune) { format(f, verb, ch.String(), ch.GoString) }

// LogValue implements slog.LogValuer: the kind and whether it is preferred,
// never the value.
func (ch Channel) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", string(ch.Kind)), slog.Bool("preferred", ch.Preferred))
}

// String returns the consent's purpose, basis, state and date, never its
// free-text source: "{purpose=marketing_email state=granted at=2026-03-01 separate}".
func (cs Consent) String() string {
	var b strings.Builder
	b.WriteString("{purpose=" + cs.Purpose)
	if cs.Basis != "" {
		b.WriteString(" basis=" + cs.Basis)
	}
	b.WriteString(" state=" + string(cs.State))
	b.WriteString(" at=" + cs.At.UTC().Format(time.RFC3339))
	if cs.Separate {
		b.WriteString(" separate")
	}
	b.WriteByte('}')
	return b.String()
}

// GoString returns a Go-syntax form without the source, for %#v.
func (cs Consent) GoString() string {
	return fmt.Sprintf("strata.Consent{Purpose:%q, Basis:%q, State:%q, Separate:%t, /* source redacted */}",
		cs.Purpose, cs.Basis, string(cs.State), cs.Separate)
}

// Format implements fmt.Formatter: every verb prints String's summary.
func (cs Consent) Format(f fmt.State, verb rune) { format(f, verb, cs.String(), cs.GoString) }

// LogValue implements slog.LogValuer: everything but the free-text source.
func (cs Consent) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("purpose", cs.Purpose)}
	if cs.Basis != "" {
		attrs = append(attrs, slog.String("basis", cs.Basis))
	}
	attrs = append(attrs, slog.String("state", string(cs.State)), slog.Time("at", cs.At), slog.Bool("separate", cs.Separate))
	return slog.GroupValue(attrs...)
}

// format writes s for every verb but %#v (goString) and %q (s quoted),
// honouring width and the '-' flag.
func format(f fmt.State, verb rune, s string, goString func() string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		s = goString()
	case verb == 'q':
		s = strconv.Quote(s)
	}
	if w, ok := f.Width(); ok && len([]rune(s)) < w {
		pad := strings.Repeat(" ", w-len([]rune(s)))
		if f.Flag('-') {
			s += pad
		} else {
			s = pad + s
		}
	}
	_, _ = f.Write([]byte(s))
}
