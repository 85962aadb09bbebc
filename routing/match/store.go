package match

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Stored profiles: a host keeps each record's Profile beside the record in
// its own database (MarshalBinary for a bytea or blob column, MarshalJSON
// for JSONB), and decodes the candidates' profiles per lead for
// MatchProfiles instead of preparing them again.
//
// What a stored profile holds: the record's ID and owner, its phone
// numbers (E.164), mailbox keys and company domains, its company-name key,
// its country, a hash of its city and whether it has a free-mail address;
// the binary encoding (format 2, profilecodec.go) also holds what scoring
// reads and is a function of those values (the key hashes, the name's
// script and bigrams), so that decoding is a checked copy; the JSON
// encoding and format 1 recompute them when decoded (about a microsecond).
// Every derived value is a fixed, documented function of the stored
// values (hash64 is FNV-1a, nameFeatures packs rune pairs), never of the
// layout of memory or a seed of the process.

// The versions a stored profile records.
const (
	// profileFormat is the layout of the binary encoding MarshalBinary
	// writes (format 2): bump it when the layout changes or a function
	// behind a derived value does (hash64, nameFeatures);
	// TestStoredEncodingPinned fails until it is bumped. UnmarshalBinary
	// reads it and format 1.
	profileFormat = 2
	// profileFormat1 is the first binary layout (strings only; the derived
	// values are recomputed when decoded), still read.
	profileFormat1 = 1
	// jsonFormat is the version of the JSON encoding's layout.
	jsonFormat = 1
	// profileNorm is the version of the normalisation a profile was built
	// with: strata.NormalizePhone and its metadata, strata.NormalizeEmail,
	// strata.CompanyKey, RegistrableDomain and its Public Suffix List.
	// Bump it whenever one of them gives another result for some record:
	// TestStoredProfilesPinned fails until it is bumped.
	profileNorm = 1
)

// Bounds of a stored profile. MarshalBinary and MarshalJSON refuse a
// profile beyond them, UnmarshalBinary and UnmarshalJSON refuse input
// beyond them, so decoding hostile input costs bounded time and memory.
const (
	// MaxProfileBytes bounds the binary encoding of a Profile; the JSON
	// encoding may be up to six times as long (escapes).
	MaxProfileBytes = 64 << 10
	// MaxProfileKeys bounds each of a Profile's lists of phone numbers,
	// mailboxes and company domains.
	MaxProfileKeys = 256
	// MaxProfileString bounds, in bytes, each string in a Profile: the ID,
	// the owner, the name key, each phone number, mailbox and domain.
	MaxProfileString = 4096
)

// ErrStaleProfile is the error of a stored profile that was built by
// another version of the normalisation (UnmarshalBinary, UnmarshalJSON) or
// another configuration (Matcher.CheckProfile) than the one at hand, and
// would not score as a fresh one does. The cure is to rebuild it from its
// record with Matcher.Profile.
var ErrStaleProfile = errors.New("match: stale profile: rebuild it from its record with Matcher.Profile")

// ProfileError is the error of a stored profile that cannot be decoded
// (or a profile that cannot be encoded): truncated, oversized, of an
// unknown format, malformed. Msg never shows the profile's content.
type ProfileError struct {
	Offset int // the byte offset in the input where the problem is; -1 when none applies
	Msg    string
}

// Error implements error.
func (e *ProfileError) Error() string {
	if e.Offset < 0 {
		return "match: profile: " + e.Msg
	}
	return fmt.Sprintf("match: profile: at byte %d: %s", e.Offset, e.Msg)
}

func profileErr(off int, format string, args ...any) error {
	return &ProfileError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// staleErr is ErrStaleProfile with what differs.
func staleErr(format string, args ...any) error {
	return fmt.Errorf("%w ("+format+")", append([]any{ErrStaleProfile}, args...)...)
}

// configPrint returns the fingerprint of what in a Matcher's configuration
// shapes a profile: the free-mail domains (the built-in list and
// Config.FreeMail) and the website fields (Config.WebsiteAttrs). It is
// never 0, which marks a profile no Matcher built.
func (m *Matcher) configPrint() uint64 {
	attrs := slices.Clone(m.eff.WebsiteAttrs)
	slices.Sort(attrs)
	var b strings.Builder
	for _, list := range [][]string{freeMailDomains, freeMailBrands, slices.Compact(slices.Clone(m.freeMail)), slices.Compact(attrs)} {
		for _, s := range list {
			b.WriteString(s)
			b.WriteByte(0)
		}
		b.WriteByte(1)
	}
	return hash64(b.String()) | 1
}

// CheckProfile returns nil when p was built, or stored, by a Matcher of the
// same configuration as m, so MatchProfiles scores it as it scores a
// profile m builds from the record; else an error wrapping
// ErrStaleProfile. A host changing Config.FreeMail or Config.WebsiteAttrs
// rebuilds its stored profiles; the thresholds and points may change
// freely. UnmarshalBinary and UnmarshalJSON already refuse profiles of
// another version of the normalisation.
func (m *Matcher) CheckProfile(p *Profile) error {
	switch {
	case m == nil:
		return errors.New("match: nil Matcher")
	case p == nil:
		return errors.New("match: nil profile")
	}
	return m.checkConfig(p.config)
}

// checkConfig is CheckProfile of a profile whose configuration
// fingerprint is c.
func (m *Matcher) checkConfig(c uint64) error {
	switch {
	case c == 0:
		return staleErr("built by no Matcher")
	case c != m.config:
		return staleErr("built with other free-mail domains or website fields")
	}
	return nil
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler: it decodes what
// MarshalBinary wrote into p, which then scores in MatchProfiles exactly as
// the profile that was stored. It reads format 2, what MarshalBinary
// writes, at a bounds-checked copy's cost, and format 1, what strata wrote
// before, recomputing the key hashes and name bigrams (about a microsecond
// more); MarshalBinary writes such a profile again as format 2, so a host
// may rewrite its stored profiles at leisure, or never. Input of an
// unknown format version, truncated, longer than MaxProfileBytes or beyond
// the other bounds, or malformed, is a *ProfileError; a profile built by
// another version of the normalisation is an error wrapping
// ErrStaleProfile, saying to rebuild it. On error p is left unchanged.
// Decoding costs time linear in the input and memory at most three times
// its size, besides the Profile; a format 2 profile is checked, then
// copied once (one allocation), and the decoded profile reads its lists
// and hashes from that copy.
// Matcher.CheckProfile then says whether the profile was built under the
// Matcher's configuration. ProfileDecoder decodes many profiles at a
// fraction of the allocations.
func (p *Profile) UnmarshalBinary(data []byte) error {
	if p == nil {
		return errors.New("match: UnmarshalBinary into a nil Profile")
	}
	var a profileArena
	return a.decode(data, p)
}

// decode decodes a binary profile of any format into p, cutting its memory
// from a.
func (a *profileArena) decode(data []byte, p *Profile) error {
	switch {
	case len(data) > MaxProfileBytes:
		return profileErr(-1, "%d bytes: more than %d", len(data), MaxProfileBytes)
	case len(data) == 0:
		return profileErr(0, "truncated")
	case data[0] == profileFormat:
		return a.decodeFormat2(data, p)
	case data[0] == profileFormat1:
		return decodeFormat1(data, p)
	}
	return profileErr(0, "unknown format version %d (this version reads %d and %d)", data[0], profileFormat1, profileFormat)
}

// decodeFormat1 decodes a format 1 profile: a format byte, the
// normalisation version (uvarint), the configuration fingerprint, flags,
// country and city hash (as format 2), then the ID, owner and name key
// (each a uvarint length and its bytes), the numbers of phones, mailboxes
// and domains (uvarints) and each of those (a uvarint length and its
// bytes). The derived values are recomputed (finish).
func decodeFormat1(data []byte, p *Profile) error {
	d := decoder{data: data, off: 1}
	if norm := d.uvarint(); d.err == nil && norm != profileNorm {
		return staleErr("normalisation version %d; this version of strata is %d", norm, profileNorm)
	}
	var q Profile
	q.config = d.uint64()
	flags := d.byte()
	if flags&^1 != 0 {
		return profileErr(d.off-1, "unknown flags %#x", flags)
	}
	q.freeMail = flags&1 != 0
	q.country = [2]byte{d.byte(), d.byte()}
	q.city = d.uint64()
	if d.err != nil {
		return d.err
	}
	// One string holds every string of the profile, one slice its lists.
	all := string(data[d.off:])
	base := d.off
	str := func() string {
		n := d.length(MaxProfileString)
		start := d.off
		if d.err != nil {
			return ""
		}
		d.off += n
		return all[start-base : start-base+n]
	}
	q.ID, q.Owner, q.name = str(), str(), str()
	var counts [3]int
	for i := range counts {
		counts[i] = d.length(MaxProfileKeys)
	}
	x := new(profileLists)
	lists := x.buf[:0]
	if nk := counts[0] + counts[1] + counts[2]; nk > len(x.buf) {
		lists = make([]string, 0, nk)
	}
	for range counts[0] + counts[1] + counts[2] {
		lists = append(lists, str())
	}
	if d.err != nil {
		return d.err
	}
	if d.off != len(data) {
		return profileErr(d.off, "%d bytes after the profile", len(data)-d.off)
	}
	n0, n1 := counts[0], counts[0]+counts[1]
	x.phones, x.emails, x.domains = nilIfEmpty(lists[:n0]), nilIfEmpty(lists[n0:n1]), nilIfEmpty(lists[n1:])
	q.x = x
	if err := q.finish(); err != nil {
		return err
	}
	*p = q
	return nil
}

// decoder reads a binary profile; the first error sticks.
type decoder struct {
	data []byte
	off  int
	err  error
}

func (d *decoder) truncated() {
	if d.err == nil {
		d.err = profileErr(len(d.data), "truncated")
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.data) {
		d.truncated()
		return 0
	}
	d.off++
	return d.data[d.off-1]
}

func (d *decoder) uint64() uint64 {
	if d.err != nil || len(d.data)-d.off < 8 {
		d.truncated()
		return 0
	}
	d.off += 8
	return binary.LittleEndian.Uint64(d.data[d.off-8:])
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	switch {
	case n == 0:
		d.truncated()
		return 0
	case n < 0:
		d.err = profileErr(d.off, "malformed number")
		return 0
	}
	d.off += n
	return v
}

// length reads a length or a count of at most limit that the rest of the
// input can hold (every item takes a byte at least).
func (d *decoder) length(limit int) int {
	at := d.off
	v := d.uvarint()
	switch {
	case d.err != nil:
		return 0
	case v > uint64(limit):
		d.err = profileErr(at, "length %d: more than %d", v, limit)
		return 0
	case v > uint64(len(d.data)-d.off):
		d.truncated()
		return 0
	}
	return int(v)
}

// finish checks a decoded profile as MarshalBinary checks one to encode,
// and recomputes what scoring reads from the stored values.
func (p *Profile) finish() error {
	if err := p.checkStored(); err != nil {
		return err
	}
	x := p.x
	p.domains = len(x.domains) > 0
	buf := make([]uint64, 0, len(x.phones)+len(x.emails)+len(x.domains)+len(p.name))
	for _, kl := range [...]struct {
		kind uint64
		list []string
	}{{keyPhone, x.phones}, {keyEmail, x.emails}, {keyDomain, x.domains}} {
		for _, v := range kl.list {
			buf = append(buf, kl.kind|hash64(v)&^keyMask)
		}
	}
	slices.Sort(buf)
	n := len(buf)
	x.keys = buf[:n:n]
	p.script, x.grams = nameFeatures(p.name, buf[n:n])
	x.grams = x.grams[:len(x.grams):len(x.grams)]
	return nil
}

// checkStored checks what a stored profile holds: the bounds, UTF-8
// strings, lists sorted without repeats or empty entries (as Profile
// builds them, so that one profile has one encoding), and a country of
// two printable ASCII characters or none.
func (p *Profile) checkStored() error {
	for i, s := range [...]string{p.ID, p.Owner, p.name} {
		if err := storedString(s); err != nil {
			return profileErr(-1, "%s: %v", [...]string{"id", "owner", "name"}[i], err)
		}
	}
	phones, emails, domains := p.lists()
	for i, list := range [...][]string{phones, emails, domains} {
		what := [...]string{"phones", "emails", "domains"}[i]
		if len(list) > MaxProfileKeys {
			return profileErr(-1, "%s: %d entries: more than %d", what, len(list), MaxProfileKeys)
		}
		for j, s := range list {
			err := storedString(s)
			switch {
			case err != nil:
			case s == "":
				err = errors.New("empty")
			case j > 0 && list[j-1] >= s:
				err = errors.New("not sorted, or repeated")
			}
			if err != nil {
				return profileErr(-1, "%s[%d]: %v", what, j, err)
			}
		}
	}
	if c := p.country; c != [2]byte{} && (c[0] <= ' ' || c[0] > '~' || c[1] <= ' ' || c[1] > '~') {
		return profileErr(-1, "country: not two printable ASCII characters")
	}
	return nil
}

func storedString(s string) error {
	if len(s) > MaxProfileString {
		return fmt.Errorf("%d bytes: more than %d", len(s), MaxProfileString)
	}
	if !utf8.ValidString(s) {
		return errors.New("not UTF-8")
	}
	return nil
}

// storedJSON is the JSON form of a Profile. City and config are hashes,
// in hexadecimal so that no JSON reader rounds them.
type storedJSON struct {
	Format   int      `json:"format"`
	Norm     int      `json:"norm"`
	Config   string   `json:"config"`
	ID       string   `json:"id"`
	Owner    string   `json:"owner,omitempty"`
	Name     string   `json:"name,omitempty"`
	Country  string   `json:"country,omitempty"`
	City     string   `json:"city,omitempty"`
	FreeMail bool     `json:"free_mail,omitempty"`
	Phones   []string `json:"phones,omitempty"`
	Emails   []string `json:"emails,omitempty"`
	Domains  []string `json:"domains,omitempty"`
}

// MarshalJSON implements json.Marshaler: the profile as a JSON object with
// its format and normalisation versions, for a host that stores it in a
// JSON column. It holds personal data, as MarshalBinary's encoding does,
// and is refused beyond the same bounds.
func (p Profile) MarshalJSON() ([]byte, error) {
	if err := p.checkStored(); err != nil {
		return nil, err
	}
	s := storedJSON{Format: jsonFormat, Norm: profileNorm, Config: hex64(p.config), ID: p.ID, Owner: p.Owner,
		Name: p.name, Country: countryString(p.country), FreeMail: p.freeMail}
	s.Phones, s.Emails, s.Domains = p.lists()
	if p.city != 0 {
		s.City = hex64(p.city)
	}
	return json.Marshal(s)
}

// UnmarshalJSON implements json.Unmarshaler: it decodes what MarshalJSON
// wrote, with the checks and errors of UnmarshalBinary (unknown fields are
// refused too, and input longer than six times MaxProfileBytes).
func (p *Profile) UnmarshalJSON(data []byte) error {
	if p == nil {
		return errors.New("match: UnmarshalJSON into a nil Profile")
	}
	if len(data) > 6*MaxProfileBytes {
		return profileErr(-1, "%d bytes of JSON: more than %d", len(data), 6*MaxProfileBytes)
	}
	var s storedJSON
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return profileErr(-1, "JSON: %v", jsonProblem(err))
	}
	if dec.More() {
		return profileErr(-1, "JSON: data after the profile")
	}
	switch {
	case s.Format != jsonFormat:
		return profileErr(-1, "unknown format version %d (this version reads %d)", s.Format, jsonFormat)
	case s.Norm != profileNorm:
		return staleErr("normalisation version %d; this version of strata is %d", s.Norm, profileNorm)
	case len(s.Country) != 0 && len(s.Country) != 2:
		return profileErr(-1, "country: not two characters")
	}
	q := Profile{ID: s.ID, Owner: s.Owner,
		x: &profileLists{phones: nilIfEmpty(s.Phones), emails: nilIfEmpty(s.Emails), domains: nilIfEmpty(s.Domains)}}
	q.name, q.freeMail = s.Name, s.FreeMail
	if s.Country != "" {
		q.country = [2]byte{s.Country[0], s.Country[1]}
	}
	var err error
	if q.config, err = unhex64("config", s.Config); err != nil {
		return err
	}
	if s.City != "" {
		if q.city, err = unhex64("city", s.City); err != nil {
			return err
		}
	}
	if err := q.finish(); err != nil {
		return err
	}
	*p = q
	return nil
}

// jsonProblem describes a JSON decoding error without the input's content.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s: wrong type (%s)", typ.Field, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "malformed"
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s[:len(s):len(s)]
}

func hex64(v uint64) string {
	return hex.EncodeToString(binary.BigEndian.AppendUint64(nil, v))
}

func unhex64(what, s string) (uint64, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 8 {
		return 0, profileErr(-1, "%s: not 16 hexadecimal digits", what)
	}
	return binary.BigEndian.Uint64(b), nil
}
