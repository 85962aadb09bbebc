package match

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
)

// RowError is the error of one of MatchStored's rows that cannot be
// scored: Row is its index, Err what UnmarshalBinary or
// Matcher.CheckProfile says of it (a *ProfileError, or an error wrapping
// ErrStaleProfile).
type RowError struct {
	Row int
	Err error
}

// Error implements error as "match: rows[3]: stale profile: …"; a nil
// *RowError says "<nil>".
func (e *RowError) Error() string {
	if e == nil {
		return "<nil>"
	}
	msg := "<nil>"
	if e.Err != nil {
		msg, _ = strings.CutPrefix(e.Err.Error(), "match: ")
	}
	return "match: rows[" + strconv.Itoa(e.Row) + "]: " + msg
}

// Unwrap returns Err, or nil for a nil *RowError.
func (e *RowError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// MatchStored is MatchProfiles over the candidates' stored profiles, as
// Profile.MarshalBinary wrote them, for a host that keeps them in its
// database: it checks each row as UnmarshalBinary and CheckProfile do,
// then scores it from the row itself, without a Profile to decode it into
// or a copy of it to keep: 50 candidates cost a few microseconds more than
// MatchProfiles over profiles kept in memory, and half as much as decoding
// them first with a ProfileDecoder (see Match). Its Result is the one
// MatchProfiles returns for the profiles the rows decode to, in the rows'
// order (which matters only between rows of one ID and score: those come
// out in row order, as there), and a row of the lead's own ID is skipped,
// as there.
// Time and memory are linear in the rows' length, whatever they hold.
//
// A row that UnmarshalBinary or CheckProfile refuses is left out: err then
// joins a *RowError for each such row, in order (errors.Is(err,
// ErrStaleProfile) says some were built by another version or
// configuration: rebuild those records' profiles with Matcher.Profile),
// and the Result over the other rows is returned with it. The Result
// shares no memory with rows: the candidates' IDs and owners are copied
// into it (one allocation), so rows may be reused as soon as MatchStored
// returns. Rows of format 1, written by earlier versions, are decoded as
// UnmarshalBinary decodes them, at its cost. A nil Matcher is an error.
func (m *Matcher) MatchStored(lead Profile, rows [][]byte) (Result, error) {
	if m == nil {
		return Result{Outcome: NoMatch}, errors.New("match: nil Matcher")
	}
	mc := m.newCall(&lead)
	defer mc.release()
	var text strings.Builder // the candidates' IDs and owners, for the Result
	text.Grow(idOwnerBound(rows))
	var errs []error
	var kbuf [64]uint64 // a candidate's keys
	other := otherName(lead.name)
	for i, row := range rows {
		if len(row) == 0 || row[0] != profileFormat || len(row) > MaxProfileBytes {
			if err := mc.scoreDecoded(&lead, row); err != nil {
				errs = append(errs, &RowError{Row: i, Err: err})
			}
			continue
		}
		var l f2Layout
		keys, gb, err := kbuf[:0], mc.st.grams[:0], readF2Header(row, &l)
		if err == nil {
			err = checkF2Text(row, &l)
		}
		if err == nil {
			keys, gb, err = readF2Derived(row, &l, keys, gb, true)
			mc.st.grams = gb
		}
		if err == nil {
			err = m.checkConfig(binary.LittleEndian.Uint64(row[f2Config:]))
		}
		if err != nil {
			errs = append(errs, &RowError{Row: i, Err: err})
			continue
		}
		idEnd, ownerEnd := l.textAt+l.n[0], l.textAt+l.n[0]+l.n[1]
		id := row[l.textAt:idEnd]
		if len(id) > 0 && string(id) == lead.ID {
			continue
		}
		fb := rowFeat(row, &l, keys)
		fb.name = nameStandIn(lead.name, row[ownerEnd:ownerEnd+l.n[2]], other)
		mc.scoreOne(&lead, &fb, script(row[f2Script]), gb)
		start := text.Len()
		text.Write(row[l.textAt:ownerEnd])
		// A Builder only appends: the strings it returned stay as they were.
		s := text.String()[start:]
		mc.st.ids = append(mc.st.ids, idOwner{s[:len(id)], s[len(id):]})
	}
	return mc.result(), errors.Join(errs...)
}

// scoreDecoded scores a row that is not a format 2 profile within the
// bounds by decoding it as UnmarshalBinary does: format 1, or an error.
func (mc *matchCall) scoreDecoded(lead *Profile, row []byte) error {
	var a profileArena
	var c Profile
	if err := a.decode(row, &c); err != nil {
		return err
	}
	if err := mc.m.CheckProfile(&c); err != nil {
		return err
	}
	if c.ID == lead.ID && c.ID != "" {
		return nil
	}
	fb, gb := c.scoreFeat(nil, nil)
	mc.scoreOne(lead, &fb, c.script, gb)
	mc.st.ids = append(mc.st.ids, idOwner{c.ID, c.Owner}) // c's own memory, not the row's
	return nil
}

// idOwnerBound bounds the bytes of the IDs and owners of rows: what the
// header of a format 2 row within MaxProfileBytes says, never more than the
// row holds, and nothing for any other row (format 1 decodes into its own
// memory; anything else is refused), so a long junk row reserves nothing.
func idOwnerBound(rows [][]byte) int {
	n := 0
	for _, row := range rows {
		if len(row) >= f2Header && row[0] == profileFormat && len(row) <= MaxProfileBytes {
			n += min(len(row), int(binary.LittleEndian.Uint16(row[f2Counts:]))+int(binary.LittleEndian.Uint16(row[f2Counts+2:])))
		}
	}
	return n
}

// rowFeat returns what scoring reads of a checked format 2 row, laid out
// as l, with its key hashes keys (read by readF2Derived); the name is left
// to nameStandIn.
func rowFeat(row []byte, l *f2Layout, keys []uint64) feat {
	return feat{keys: keys, country: [2]byte(row[f2Country:]), city: binary.LittleEndian.Uint64(row[f2City:]),
		freeMail: row[f2Flags]&1 != 0, domains: l.n[5] > 0}
}

// otherName returns a name key that is neither empty nor a, for
// nameStandIn.
func otherName(a string) string {
	if a == "\x00" {
		return "\x00\x00"
	}
	return "\x00"
}

// nameStandIn returns what stands for a candidate's name key b, scored
// against the lead's key a with the bigrams given: scoring reads a
// candidate's key only to tell whether it is empty and whether it is a.
// So "" stands for an empty key, a for a itself, and other (not empty, not
// a) for any other key, which then costs no string of its own.
func nameStandIn(a string, b []byte, other string) string {
	switch {
	case len(b) == 0:
		return ""
	case string(b) == a:
		return a
	}
	return other
}
