package match

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The binary encoding of a Profile, format 2. Every number is
// little-endian; offsets are in bytes.
//
//	0   1  format: 2
//	1   2  normalisation version (profileNorm)
//	3   8  fingerprint of the building Matcher's configuration (configPrint)
//	11  1  flags: bit 0, the record has a free-mail address; others 0
//	12  2  country: two printable ASCII bytes, or two zero bytes
//	14  8  city hash: FNV-1a 64 of the lower-cased city, bit 0 set; 0 unknown
//	22  1  script of the name key: 0 none (no name), 1 Latin, 2 CJK, 3 other
//	23 14  seven uint16: the byte lengths of the ID, the owner and the name
//	       key; the numbers of phones (np), mailboxes (ne) and domains (nd);
//	       the number of name bigrams (ng)
//	37     k = np+ne+nd uint16: the byte length of each phone, then each
//	       mailbox, then each domain
//	       k uint64: the key hashes, ascending: for each phone, mailbox and
//	       domain, FNV-1a 64 of its bytes with the top two bits replaced by
//	       its kind (1 phone, 2 mailbox, 3 domain)
//	       ng 48-bit numbers: the name key's bigrams, ascending: within each
//	       space-separated word, each pair of consecutive runes r1 r2 as
//	       r1<<21 | r2, and a one-rune word r as r<<21 | 0x1FFFFF
//	       the bytes of the ID, the owner, the name key, the phones, the
//	       mailboxes and the domains, one after the other (UTF-8)
//
// Decoding checks the bounds, the versions, every length against the
// input, UTF-8, the lists sorted without repeats or empty entries, each
// key hash of its list's kind and the hashes and bigrams ascending and
// well-formed, and that nothing follows; it does not recompute the hashes
// and bigrams from the strings (that is format 1's cost), so a profile
// edited by hand in a database scores by the hashes and bigrams it holds.
const (
	f2Norm    = 1
	f2Config  = 3
	f2Flags   = 11
	f2Country = 12
	f2City    = 14
	f2Script  = 22
	f2Counts  = 23
	f2Header  = 37
	gramBytes = 6
	noRune    = 0x1FFFFF // the second rune of a one-rune word's bigram
)

// MarshalBinary implements encoding.BinaryMarshaler: a compact encoding of
// the profile, led by a format version byte, for a host to store beside
// the record. It writes format 2, which holds the values scoring reads
// (key hashes and name bigrams, each a fixed function of the profile's
// values: FNV-1a 64, rune pairs) beside the values themselves, so that
// UnmarshalBinary and ProfileDecoder decode it at a bounds-checked copy's
// cost; one profile has one encoding. It holds personal data (phone
// numbers, mailboxes): store it as the host stores contact details, and
// erase it with them. A profile beyond the bounds (MaxProfileKeys,
// MaxProfileString, MaxProfileBytes) or with a string that is not UTF-8
// is refused.
func (p Profile) MarshalBinary() ([]byte, error) {
	if p.enc != "" {
		return []byte(p.enc), nil // decoded, so checked, and one profile has one encoding
	}
	if err := p.checkStored(); err != nil {
		return nil, err
	}
	phones, emails, domains := p.lists()
	keys, grams := p.keyList(nil), p.gramList(nil)
	lists := [...][]string{phones, emails, domains}
	nk := len(phones) + len(emails) + len(domains)
	if len(keys) != nk || len(grams) > len(p.name) || (p.name == "") != (p.script == scriptNone) {
		return nil, profileErr(-1, "not built by Matcher.Profile")
	}
	n := f2Header + 10*nk + gramBytes*len(grams) + len(p.ID) + len(p.Owner) + len(p.name)
	for _, list := range lists {
		for _, s := range list {
			n += len(s)
		}
	}
	if n > MaxProfileBytes {
		return nil, profileErr(-1, "%d bytes encoded: more than %d", n, MaxProfileBytes)
	}
	le := binary.LittleEndian
	b := make([]byte, f2Header, n)
	b[0] = profileFormat
	le.PutUint16(b[f2Norm:], profileNorm)
	le.PutUint64(b[f2Config:], p.config)
	if p.freeMail {
		b[f2Flags] = 1
	}
	b[f2Country], b[f2Country+1] = p.country[0], p.country[1]
	le.PutUint64(b[f2City:], p.city)
	b[f2Script] = byte(p.script)
	for i, v := range [...]int{len(p.ID), len(p.Owner), len(p.name), len(phones), len(emails), len(domains), len(grams)} {
		le.PutUint16(b[f2Counts+2*i:], uint16(v))
	}
	for _, list := range lists {
		for _, s := range list {
			b = le.AppendUint16(b, uint16(len(s)))
		}
	}
	for _, k := range keys {
		b = le.AppendUint64(b, k)
	}
	for _, g := range grams {
		b = le.AppendUint32(b, uint32(g))
		b = le.AppendUint16(b, uint16(g>>32))
	}
	b = append(append(append(b, p.ID...), p.Owner...), p.name...)
	for _, list := range lists {
		for _, s := range list {
			b = append(b, s...)
		}
	}
	return b, nil
}

// f2Layout is where the parts of a format 2 profile are, read from its
// header.
type f2Layout struct {
	n                        [7]int // the header's counts
	nk                       int    // phones, mailboxes and domains
	keysAt, gramsAt, textAt  int
	textLen                  int
	phoneEnd, emailEnd, gEnd int // key indexes; gEnd is nk+ng
}

// f2CountLimits are the bounds of the header's counts; the bigrams' is the
// name key's length, set when it is read.
var f2CountLimits = [7]int{MaxProfileString, MaxProfileString, MaxProfileString, MaxProfileKeys, MaxProfileKeys, MaxProfileKeys, 0}

// readF2Header checks a format 2 profile's header and lengths against data
// and fills l with where its parts are.
func readF2Header(data []byte, l *f2Layout) error {
	if len(data) < f2Header {
		return profileErr(len(data), "truncated")
	}
	le := binary.LittleEndian
	if norm := le.Uint16(data[f2Norm:]); norm != profileNorm {
		return staleErr("normalisation version %d; this version of strata is %d", norm, profileNorm)
	}
	if f := data[f2Flags]; f&^1 != 0 {
		return profileErr(f2Flags, "unknown flags %#x", f)
	}
	if c := [2]byte(data[f2Country:]); !countryOK(c) {
		return profileErr(f2Country, "country: not two printable ASCII characters")
	}
	for i := range l.n {
		l.n[i] = int(le.Uint16(data[f2Counts+2*i:]))
		limit := f2CountLimits[i]
		if i == 6 {
			limit = l.n[2]
		}
		if l.n[i] > limit {
			return profileErr(f2Counts+2*i, "length %d: more than %d", l.n[i], limit)
		}
	}
	if sc := script(data[f2Script]); sc > scriptOther || (sc == scriptNone) != (l.n[2] == 0) {
		return profileErr(f2Script, "script %d does not fit the name", sc)
	}
	l.nk = l.n[3] + l.n[4] + l.n[5]
	l.phoneEnd, l.emailEnd, l.gEnd = l.n[3], l.n[3]+l.n[4], l.nk+l.n[6]
	l.keysAt = f2Header + 2*l.nk
	l.gramsAt = l.keysAt + 8*l.nk
	l.textAt = l.gramsAt + gramBytes*l.n[6]
	if l.textAt > len(data) {
		return profileErr(len(data), "truncated")
	}
	l.textLen = l.n[0] + l.n[1] + l.n[2]
	for i := range l.nk {
		at := f2Header + 2*i
		n := int(le.Uint16(data[at:]))
		if n == 0 || n > MaxProfileString {
			return profileErr(at, "%s: length %d: empty, or more than %d", l.listName(i), n, MaxProfileString)
		}
		l.textLen += n
	}
	switch rest := len(data) - l.textAt; {
	case l.textLen > rest:
		return profileErr(len(data), "truncated")
	case l.textLen < rest:
		return profileErr(l.textAt+l.textLen, "%d bytes after the profile", rest-l.textLen)
	}
	return nil
}

// listName names the list entry of key index i: "phones[0]".
func (l *f2Layout) listName(i int) string {
	switch {
	case i < l.phoneEnd:
		return "phones[" + strconv.Itoa(i) + "]"
	case i < l.emailEnd:
		return "emails[" + strconv.Itoa(i-l.phoneEnd) + "]"
	}
	return "domains[" + strconv.Itoa(i-l.emailEnd) + "]"
}

func countryOK(c [2]byte) bool {
	return c == [2]byte{} || c[0] > ' ' && c[0] <= '~' && c[1] > ' ' && c[1] <= '~'
}

// checkF2Text checks the strings of a format 2 profile: UTF-8 (the whole
// text at once, then that no string starts inside a rune) and the lists
// sorted without repeats.
func checkF2Text(data []byte, l *f2Layout) error {
	text := data[l.textAt:]
	valid := utf8.Valid(text)
	off := 0
	for i, n := range l.n[:3] { // the ID, the owner, the name
		if n > 0 && (!valid || !utf8.RuneStart(text[off])) && !utf8.Valid(text[off:off+n]) {
			return profileErr(l.textAt+off, "%s: not UTF-8", [...]string{"id", "owner", "name"}[i])
		}
		off += n
	}
	lens := data[f2Header : f2Header+2*l.nk]
	var prev []byte
	for i := range l.nk {
		n := int(lens[2*i]) | int(lens[2*i+1])<<8 // not 0 (readF2Header)
		s := text[off : off+n]
		if (!valid || !utf8.RuneStart(s[0])) && !utf8.Valid(s) {
			return profileErr(l.textAt+off, "%s: not UTF-8", l.listName(i))
		}
		if i != 0 && i != l.phoneEnd && i != l.emailEnd && bytes.Compare(prev, s) >= 0 {
			return profileErr(l.textAt+off, "%s: not sorted, or repeated", l.listName(i))
		}
		off, prev = off+n, s
	}
	return nil
}

// checkF2Derived checks a format 2 profile's key hashes (each of its
// list's kind, ascending) and bigrams (ascending, two runes or a rune and
// noRune).
func checkF2Derived(data []byte, l *f2Layout) error {
	_, _, err := readF2Derived(data, l, nil, nil, false)
	return err
}

// readF2Derived is checkF2Derived that, with keep, appends the key hashes
// and bigrams it checked to keys and grams (what scoring reads).
func readF2Derived(data []byte, l *f2Layout, keys, grams []uint64, keep bool) ([]uint64, []uint64, error) {
	le := binary.LittleEndian
	var prev uint64
	kb, i := data[l.keysAt:l.gramsAt], 0
	for _, list := range [...]struct {
		end  int
		kind uint64
	}{{l.phoneEnd, keyPhone}, {l.emailEnd, keyEmail}, {l.nk, keyDomain}} {
		for ; i < list.end; i++ {
			k := le.Uint64(kb[8*i:])
			if k&keyMask != list.kind || k < prev {
				return keys, grams, profileErr(l.keysAt+8*i, "key hash %d: not of its list's kind, or not ascending", i)
			}
			if keep {
				keys = append(keys, k)
			}
			prev = k
		}
	}
	prev = 0
	gb := data[l.gramsAt:l.textAt]
	for i := 0; len(gb) >= gramBytes; i++ {
		_ = gb[5] // one bounds check
		g := uint64(le.Uint32(gb)) | uint64(le.Uint16(gb[4:]))<<32
		if lo := g & noRune; g < prev || g>>21 > unicode.MaxRune || lo > unicode.MaxRune && lo != noRune {
			return keys, grams, profileErr(l.gramsAt+gramBytes*i, "bigram %d: not ascending, or not two runes", i)
		}
		if keep {
			grams = append(grams, g)
		}
		prev, gb = g, gb[gramBytes:]
	}
	return keys, grams, nil
}

// checkF2 checks a format 2 profile (data[0] is 2, and data is within
// MaxProfileBytes) and returns where its parts are.
func checkF2(data []byte, l *f2Layout) error {
	err := readF2Header(data, l)
	if err == nil {
		err = checkF2Text(data, l)
	}
	if err == nil {
		err = checkF2Derived(data, l)
	}
	return err
}

// decodeFormat2 decodes a format 2 profile into p: once every check has
// passed, p holds one copy of data, cut from a, and reads its values from
// it (see Profile.enc).
func (a *profileArena) decodeFormat2(data []byte, p *Profile) error {
	var l f2Layout
	if err := checkF2(data, &l); err != nil {
		return err
	}
	le := binary.LittleEndian
	enc := a.string(data)
	id, owner := l.textAt+l.n[0], l.textAt+l.n[0]+l.n[1]
	q := Profile{ID: enc[l.textAt:id], Owner: enc[id:owner], config: le.Uint64(data[f2Config:]), enc: enc}
	q.name, q.country, q.city = enc[owner:owner+l.n[2]], [2]byte(data[f2Country:]), le.Uint64(data[f2City:])
	q.script, q.freeMail, q.domains = script(data[f2Script]), data[f2Flags]&1 != 0, l.n[5] > 0
	*p = q
	return nil
}

// u16 reads a little-endian uint16 from s at i.
func u16(s string, i int) int { return int(s[i]) | int(s[i+1])<<8 }

// u64 reads a little-endian uint64 from s at i.
func u64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// encView is where the parts of a format 2 encoding are, read from a
// decoded profile's enc (checked when it was decoded).
type encView struct {
	np, ne, nk, ng  int
	keysAt, gramsAt int
	listAt          int // where the first phone (or mailbox, or domain) starts
}

func viewOf(enc string) encView {
	v := encView{np: u16(enc, f2Counts+6), ne: u16(enc, f2Counts+8), ng: u16(enc, f2Counts+12)}
	v.nk = v.np + v.ne + u16(enc, f2Counts+10)
	v.keysAt = f2Header + 2*v.nk
	v.gramsAt = v.keysAt + 8*v.nk
	v.listAt = v.gramsAt + gramBytes*v.ng + u16(enc, f2Counts) + u16(enc, f2Counts+2) + u16(enc, f2Counts+4)
	return v
}

// keyList returns the profile's key hashes: its keys, or for a decoded
// format 2 profile, read from its encoding into buf[:0].
func (p *Profile) keyList(buf []uint64) []uint64 {
	if p.enc == "" {
		if p.x == nil {
			return nil
		}
		return p.x.keys
	}
	v := viewOf(p.enc)
	buf = buf[:0]
	for i := range v.nk {
		buf = append(buf, u64(p.enc, v.keysAt+8*i))
	}
	return buf
}

// scoreFeat returns what MatchProfiles reads of a candidate: its feat and
// its bigrams, from its lists, or for a decoded format 2 profile, read
// from its encoding into keys[:0] and grams[:0] in one pass.
func (p *Profile) scoreFeat(keys, grams []uint64) (feat, []uint64) {
	if p.enc == "" {
		if p.x == nil {
			return p.featOf(nil), nil
		}
		return p.featOf(p.x.keys), p.x.grams
	}
	v := viewOf(p.enc)
	keys, grams = keys[:0], grams[:0]
	for kb := p.enc[v.keysAt:v.gramsAt]; len(kb) >= 8; kb = kb[8:] {
		keys = append(keys, u64(kb, 0))
	}
	for gb := p.enc[v.gramsAt : v.gramsAt+gramBytes*v.ng]; len(gb) >= gramBytes; gb = gb[gramBytes:] {
		_ = gb[5]
		grams = append(grams, uint64(gb[0])|uint64(gb[1])<<8|uint64(gb[2])<<16|uint64(gb[3])<<24|uint64(gb[4])<<32|uint64(gb[5])<<40)
	}
	return p.featOf(keys), grams
}

// gramList is keyList for the name's bigrams.
func (p *Profile) gramList(buf []uint64) []uint64 {
	if p.enc == "" {
		if p.x == nil {
			return nil
		}
		return p.x.grams
	}
	v := viewOf(p.enc)
	buf = buf[:0]
	for i := range v.ng {
		at := v.gramsAt + gramBytes*i
		buf = append(buf, uint64(u16(p.enc, at))|uint64(u16(p.enc, at+2))<<16|uint64(u16(p.enc, at+4))<<32)
	}
	return buf
}

// lists returns the profile's phones, mailboxes and domains: its own, or
// for a decoded format 2 profile, new slices of strings cut from its
// encoding.
func (p *Profile) lists() (phones, emails, domains []string) {
	if p.enc == "" {
		if p.x == nil {
			return nil, nil, nil
		}
		return p.x.phones, p.x.emails, p.x.domains
	}
	v := viewOf(p.enc)
	if v.nk == 0 {
		return nil, nil, nil
	}
	all := make([]string, v.nk)
	off := v.listAt
	for i := range all {
		n := u16(p.enc, f2Header+2*i)
		all[i], off = p.enc[off:off+n], off+n
	}
	return nilIfEmpty(all[:v.np]), nilIfEmpty(all[v.np : v.np+v.ne]), nilIfEmpty(all[v.np+v.ne:])
}

// lookupEnc is lookup for a decoded format 2 profile, reading its
// encoding.
func (p *Profile) lookupEnc(k uint64) string {
	v := viewOf(p.enc)
	lo, hi := 0, v.np
	switch k & keyMask {
	case keyEmail:
		lo, hi = v.np, v.np+v.ne
	case keyDomain:
		lo, hi = v.np+v.ne, v.nk
	}
	off := v.listAt
	for i := range hi {
		n := u16(p.enc, f2Header+2*i)
		if s := p.enc[off : off+n]; i >= lo && hash64(s)&^keyMask == k&^keyMask {
			return s
		}
		off += n
	}
	return ""
}

// ProfileDecoder decodes stored profiles as UnmarshalBinary does, for a
// host decoding the candidates of lead after lead. A profile decoded from
// format 2 is one checked copy of its encoding, which it reads its values
// from; a ProfileDecoder cuts those copies from 16 KiB chunks that it
// allocates as they fill (about 60 typical profiles each), so that
// decoding 50 profiles costs about one allocation instead of 50. Nothing
// is written to a chunk's part once a profile holds it, so the profiles
// are as immutable as any and may be shared; a chunk is freed with the
// last profile cut from it, so a profile kept for long keeps up to 16 KiB
// alive: decode the few a host keeps with UnmarshalBinary. A host that
// decodes stored profiles only to match them against a lead hands the
// rows to Matcher.MatchStored instead, which scores them without copies.
//
// The zero ProfileDecoder is ready to use. A ProfileDecoder is not safe
// for concurrent use: keep one per goroutine (copies share its chunks and
// are no safer).
type ProfileDecoder struct {
	a *profileArena
}

// Decode decodes a stored profile (format 1 or 2, what MarshalBinary
// wrote) into p with UnmarshalBinary's checks, errors and promises: p
// scores exactly as the profile that was stored, and is left unchanged on
// error.
func (d *ProfileDecoder) Decode(data []byte, p *Profile) error {
	switch {
	case d == nil:
		return errors.New("match: nil ProfileDecoder")
	case p == nil:
		return errors.New("match: Decode into a nil Profile")
	case d.a == nil:
		d.a = &profileArena{chunked: true}
	}
	return d.a.decode(data, p)
}

// textChunk is the size of a ProfileDecoder's chunks: about 60 typical
// encoded profiles. A profile beyond a quarter of a chunk is copied on its
// own.
const textChunk = 16 << 10

// profileArena is where decoded profiles' memory comes from: with chunked,
// cut from chunks (see ProfileDecoder); otherwise allocated for each.
type profileArena struct {
	chunked bool
	text    *strings.Builder
}

// string returns b as a string.
func (a *profileArena) string(b []byte) string {
	if !a.chunked || len(b) > textChunk/4 {
		return string(b)
	}
	if a.text == nil || a.text.Cap()-a.text.Len() < len(b) {
		a.text = new(strings.Builder)
		a.text.Grow(textChunk)
	}
	// A Builder only appends: the strings it returned before stay as
	// they were.
	start := a.text.Len()
	a.text.Write(b)
	return a.text.String()[start:]
}
