package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/strata-go/strata"
)

// Keys are a record's blocking keys: the values a host indexes its records
// by, to fetch the candidates a new lead may match. They are personal data
// (phone numbers, mailboxes): store them as the host stores contact
// details, and never log them; String prints only how many there are.
type Keys struct {
	// Phones are the record's phone, mobile and WhatsApp numbers in E.164.
	Phones []string `json:"phones,omitempty"`
	// Emails are mailbox keys (strata.Email.Key).
	Emails []string `json:"emails,omitempty"`
	// Domains are the registrable domains of the record's company email
	// addresses and website, free-mail domains left out.
	Domains []string `json:"domains,omitempty"`
	// Name is the record's country and company-name key,
	// "CN|深圳华信电子" (strata.CompanyKey); empty without a name.
	Name string `json:"name,omitempty"`
}

// All returns every key as one string with its kind: "phone:+8613800135678",
// "email:li@huaxin-elec.com", "domain:huaxin-elec.com",
// "name:CN|深圳华信电子", for a host that keeps one index of keys.
func (k Keys) All() []string {
	out := make([]string, 0, len(k.Phones)+len(k.Emails)+len(k.Domains)+1)
	for _, p := range k.Phones {
		out = append(out, "phone:"+p)
	}
	for _, e := range k.Emails {
		out = append(out, "email:"+e)
	}
	for _, d := range k.Domains {
		out = append(out, "domain:"+d)
	}
	if k.Name != "" {
		out = append(out, "name:"+k.Name)
	}
	return out
}

// String says how many keys of each kind there are, never their values.
func (k Keys) String() string {
	return fmt.Sprintf("%d phones, %d emails, %d domains, name %v", len(k.Phones), len(k.Emails), len(k.Domains), k.Name != "")
}

// GoString is String, for %#v.
func (k Keys) GoString() string { return "match.Keys(" + k.String() + ")" }

// script is the writing system of a company-name key.
type script uint8

const (
	scriptNone  script = iota
	scriptLatin        // Latin letters and digits only
	scriptCJK          // Han, kana or Hangul, no Latin letters
	scriptOther        // Cyrillic, Arabic … or a mix
)

// Profile is a record prepared for matching: its keys and name features.
// Matcher.Profile builds one (about 4 µs); a host matching leads against
// its records keeps each record's profile, built at import and rebuilt
// when the record changes, and calls MatchProfiles, which spares it that
// cost per candidate per lead (see Matcher.Match). A host that keeps its
// records in a database stores the profile beside the record
// (MarshalBinary, or MarshalJSON for a JSON column) and decodes the
// candidates' profiles per lead (a ProfileDecoder kept across leads,
// UnmarshalBinary or UnmarshalJSON, then Matcher.CheckProfile): a decoded
// profile scores exactly as the one that was stored. A profile decoded
// from the binary encoding is one checked copy of the stored bytes, which
// it reads its values from, so decoding costs a copy and the checks rather
// than building the profile's lists again. A Profile belongs to the version of the normalisation and to
// the Matcher configuration (free-mail domains, website fields) that built
// it, and records both: decoding refuses a profile of another version of
// the normalisation and CheckProfile one of another configuration, each
// with ErrStaleProfile, to be rebuilt from its record.
//
// A Profile is immutable and safe to share between goroutines. It holds
// personal data (phone numbers, mailboxes, the company name): store its
// encodings as the host stores contact details, and erase them with them.
// It prints nothing but its ID, whatever the fmt verb.
type Profile struct {
	// ID and Owner are the record's.
	ID    string
	Owner string

	// A profile built by Matcher.Profile or decoded from format 1 or JSON
	// holds its lists in x. One decoded from format 2 holds its encoding
	// in enc, checked when it was decoded, with ID, Owner and name cut
	// from it and x nil: the accessors (keyList, gramList, lists, lookup)
	// read the lists from enc. Profile is kept small (five pointers): a
	// host decodes and copies 50 of them per lead.
	name     string // strata.CompanyKey
	enc      string // the format 2 encoding of a decoded profile, or ""
	x        *profileLists
	config   uint64 // the fingerprint of the building Matcher's configuration (Matcher.configPrint)
	city     uint64 // hash of the lower-case city; 0 when unknown
	country  [2]byte
	script   script // of the name key
	freeMail bool   // has a free-mail address
	domains  bool   // has a company domain
}

// profileLists are the lists of a profile that holds them (see
// Profile.x): phone numbers, mailbox keys and company domains, each sorted;
// their hashes (see feat.keys); the name key's bigrams, sorted.
type profileLists struct {
	phones, emails, domains []string
	keys, grams             []uint64
	// buf holds the first two phones, mailboxes and domains of a profile
	// Matcher.Profile builds, so that its lists cost no allocation of
	// their own.
	buf [6]string
}

// featOf returns what scoring reads of p, with its key hashes keys (from
// p.keyList).
func (p *Profile) featOf(keys []uint64) feat {
	return feat{keys: keys, name: p.name, country: p.country, city: p.city, freeMail: p.freeMail, domains: p.domains}
}

// feat is what scoring reads of a record: hashed keys, so that Duplicates
// can keep a million of them.
type feat struct {
	keys     []uint64 // sorted; the kind in the top two bits
	name     string   // strata.CompanyKey
	country  [2]byte
	city     uint64 // hash of the lower-case city; 0 when unknown
	freeMail bool   // has a free-mail address
	domains  bool   // has a company domain
}

// The kinds of key, in the top two bits of a key hash.
const (
	keyPhone  uint64 = 1 << 62
	keyEmail  uint64 = 2 << 62
	keyDomain uint64 = 3 << 62
	keyMask   uint64 = 3 << 62
)

// String prints the profile's ID only.
func (p Profile) String() string { return "match.Profile(" + p.ID + ")" }

// GoString is String, for %#v.
func (p Profile) GoString() string { return p.String() }

// Keys returns the profile's blocking keys.
func (p Profile) Keys() Keys {
	var k Keys
	if p.enc != "" {
		k.Phones, k.Emails, k.Domains = p.lists() // made by lists: the caller's
	} else {
		phones, emails, domains := p.lists()
		k.Phones, k.Emails, k.Domains = slices.Clone(phones), slices.Clone(emails), slices.Clone(domains)
	}
	if p.name != "" {
		k.Name = countryString(p.country) + "|" + p.name
	}
	return k
}

// Keys returns the blocking keys of a record (see Keys). A nil record has
// none.
func (m *Matcher) Keys(c *strata.Customer) Keys {
	if m == nil || c == nil {
		return Keys{}
	}
	p := m.Profile(c)
	return p.Keys()
}

// Profile prepares a record for matching. Values that cannot be read (an
// invalid phone number, a malformed address) give no key; Validate and
// strata.Normalize report them. A nil record gives an empty profile.
func (m *Matcher) Profile(c *strata.Customer) Profile {
	if m == nil || c == nil {
		return Profile{}
	}
	var s scratch
	return m.profile(c, &s)
}

// scratch is what one goroutine reuses while it prepares profiles: the
// buffers lists are built in and, with arena set, the chunks that the
// profiles' lists are copied into, so that preparing 50 candidates costs a
// few allocations rather than a few hundred. Without arena every list is
// allocated on its own (a zero scratch is used once). The profiles cut
// from an arena are as immutable as any other: nothing writes to a chunk
// after it has been handed out.
type scratch struct {
	arena                   bool
	phones, emails, domains []string
	keys, grams             []uint64
	strs                    []string
	u64                     []uint64
	lists                   []profileLists
	// gramRoom: without arena, features allocates room for the name's
	// bigrams after the keys, and leaves it in grams.
	gramRoom bool
}

// keepStrings returns buf for a profile to keep: a copy cut from the arena,
// or buf itself (nil when empty) without one.
func (s *scratch) keepStrings(buf []string) []string {
	if len(buf) == 0 {
		return nil
	}
	if !s.arena {
		return buf
	}
	if cap(s.strs)-len(s.strs) < len(buf) {
		s.strs = make([]string, 0, max(256, len(buf)))
	}
	n := len(s.strs)
	s.strs = append(s.strs, buf...)
	return s.strs[n:len(s.strs):len(s.strs)]
}

// keepU64 is keepStrings for hashes and bigrams; an empty buf stays
// non-nil (with no room to append into the scratch).
func (s *scratch) keepU64(buf []uint64) []uint64 {
	if !s.arena || len(buf) == 0 {
		return buf[:len(buf):len(buf)]
	}
	if cap(s.u64)-len(s.u64) < len(buf) {
		s.u64 = make([]uint64, 0, max(1024, len(buf)))
	}
	n := len(s.u64)
	s.u64 = append(s.u64, buf...)
	return s.u64[n:len(s.u64):len(s.u64)]
}

// profile is Profile with the caller's scratch.
func (m *Matcher) profile(c *strata.Customer, s *scratch) Profile {
	x := s.newLists()
	if !s.arena {
		s.phones, s.emails, s.domains = x.buf[0:0:2], x.buf[2:2:4], x.buf[4:4:6]
	}
	ck := m.contacts(c, s)
	s.gramRoom = !s.arena // one allocation for the keys and bigrams
	f := m.features(c, ck, s)
	x.phones, x.emails, x.domains, x.keys = ck.phones, ck.emails, ck.domains, f.keys
	p := Profile{ID: c.ID, Owner: c.Owner, name: f.name, x: x, config: m.config, city: f.city, country: f.country,
		freeMail: f.freeMail, domains: f.domains}
	p.script, s.grams = nameFeatures(p.name, s.grams)
	x.grams = s.keepU64(s.grams)
	if !s.arena {
		s.grams = nil // the profile owns it
	}
	return p
}

// newLists returns a profile's lists to fill, cut from the arena or
// allocated on their own.
func (s *scratch) newLists() *profileLists {
	if !s.arena {
		return new(profileLists)
	}
	if len(s.lists) == cap(s.lists) {
		s.lists = make([]profileLists, 0, 64)
	}
	s.lists = s.lists[:len(s.lists)+1]
	return &s.lists[len(s.lists)-1]
}

// contactKeys are a record's phone numbers (E.164), mailbox keys and
// company domains, each list sorted and without repeats, and whether it
// has a free-mail address.
type contactKeys struct {
	phones, emails, domains []string
	freeMail                bool
}

// contacts reads a record's contact keys, built in s's buffers and kept
// (see scratch).
func (m *Matcher) contacts(c *strata.Customer, s *scratch) contactKeys {
	phones, emails, domains, freeMail := s.phones[:0], s.emails[:0], s.domains[:0], false
	for _, ch := range c.Channels {
		switch ch.Kind {
		case strata.ChannelPhone, strata.ChannelMobile, strata.ChannelWhatsApp:
			if e := e164(ch.Value, c.Country); e != "" {
				phones = appendUnique(phones, e)
			}
		case strata.ChannelEmail:
			e, err := strata.NormalizeEmail(ch.Value)
			if err != nil {
				continue
			}
			emails = appendUnique(emails, e.Key)
			d, err := RegistrableDomain(e.Domain)
			switch {
			case err != nil:
			case m.isFreeMailReg(d):
				freeMail = true
			default:
				domains = appendUnique(domains, d)
			}
		}
	}
	for _, attr := range m.eff.WebsiteAttrs {
		if v, ok := c.Attrs[attr].(string); ok {
			if d := m.companyDomain(v); d != "" {
				domains = appendUnique(domains, d)
			}
		}
	}
	slices.Sort(phones)
	slices.Sort(emails)
	slices.Sort(domains)
	if s.arena {
		s.phones, s.emails, s.domains = phones, emails, domains
	}
	return contactKeys{s.keepStrings(phones), s.keepStrings(emails), s.keepStrings(domains), freeMail}
}

// features builds what scoring reads.
func (m *Matcher) features(c *strata.Customer, ck contactKeys, s *scratch) feat {
	f := feat{name: strata.CompanyKey(c.Name), freeMail: ck.freeMail, domains: len(ck.domains) > 0}
	if len(c.Country) == 2 {
		f.country = [2]byte{c.Country[0], c.Country[1]}
	}
	if city := strings.TrimSpace(c.City); city != "" {
		f.city = hashLower(city) | 1
	}
	keys := s.keys[:0]
	if !s.arena {
		n := len(ck.phones) + len(ck.emails) + len(ck.domains)
		room := 0
		if s.gramRoom {
			room = len(f.name) // a bigram per byte at most
		}
		keys = make([]uint64, 0, n+room)
	}
	for _, v := range ck.phones {
		keys = append(keys, keyPhone|hash64(v)&^keyMask)
	}
	for _, v := range ck.emails {
		keys = append(keys, keyEmail|hash64(v)&^keyMask)
	}
	for _, v := range ck.domains {
		keys = append(keys, keyDomain|hash64(v)&^keyMask)
	}
	slices.Sort(keys)
	if s.arena {
		s.keys = keys
	} else if s.gramRoom {
		s.grams = keys[len(keys):len(keys):cap(keys)]
	}
	f.keys = s.keepU64(keys)
	return f
}

func countryString(c [2]byte) string {
	if c == [2]byte{} {
		return ""
	}
	return string(c[:])
}

// hash64 is 64-bit FNV-1a: stable across runs, so blocking is the same
// every time.
func hash64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// hashLower is hash64(strings.ToLower(s)) without making the lower-case
// copy when s is ASCII.
func hashLower(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return hash64(strings.ToLower(s))
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// e164 returns a phone number's E.164 form: as it is when it already is
// one (what strata.Normalize writes), else read in the record's country.
func e164(v, country string) string {
	v, _, _ = strings.Cut(v, ";ext=")
	if n := len(v); n >= 8 && n <= 16 && v[0] == '+' && allDigits(v[1:]) {
		return v
	}
	p, err := strata.NormalizePhone(v, country)
	if err != nil {
		return ""
	}
	return p.E164
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// companyDomain returns the registrable domain of s when it is not a
// free-mail provider's, else "".
func (m *Matcher) companyDomain(s string) string {
	d, err := RegistrableDomain(s)
	if err != nil || m.isFreeMailReg(d) {
		return ""
	}
	return d
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// nameFeatures returns the script of a company-name key and its character
// bigrams (within words; a one-character word counts itself), sorted, for
// the Dice similarity. The bigrams are appended to grams[:0].
func nameFeatures(key string, grams []uint64) (script, []uint64) {
	grams = grams[:0]
	if key == "" {
		return scriptNone, grams
	}
	if cap(grams) < len(key) {
		grams = make([]uint64, 0, len(key)) // a bigram per rune at most
	}
	latin, cjk, other := false, false, false
	prev, n := rune(-1), 0
	for _, r := range key {
		if r == ' ' {
			if n == 1 {
				grams = append(grams, uint64(prev)<<21|0x1FFFFF)
			}
			prev, n = -1, 0
			continue
		}
		switch {
		case r < 0x80:
			latin = true
		case r >= 0x2E80 && r < 0xD7B0:
			cjk = true
		default:
			other = true
		}
		if prev >= 0 {
			grams = append(grams, uint64(prev)<<21|uint64(r))
		}
		prev = r
		n++
	}
	if n == 1 {
		grams = append(grams, uint64(prev)<<21|0x1FFFFF)
	}
	slices.Sort(grams)
	switch {
	case other || latin && cjk:
		return scriptOther, grams
	case cjk:
		return scriptCJK, grams
	}
	return scriptLatin, grams
}

// dice is the Dice coefficient of two sorted multisets of bigrams.
func dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// freeMailDomains are public mail providers, by registrable domain: their
// addresses say nothing about the company a person works for.
var freeMailDomains = []string{
	"126.com", "139.com", "163.com", "189.cn", "21cn.com", "263.net", "aliyun.com", "aol.com", "daum.net",
	"foxmail.com", "free.fr", "gmail.com", "gmx.com", "gmx.de", "gmx.net", "googlemail.com", "hanmail.net",
	"hotmail.com", "icloud.com", "laposte.net", "libero.it", "live.com", "mac.com", "mail.com", "mail.ru",
	"me.com", "msn.com", "naver.com", "orange.fr", "outlook.com", "pm.me", "proton.me", "protonmail.com",
	"qq.com", "rediffmail.com", "rocketmail.com", "sina.cn", "sina.com", "sohu.com", "t-online.de",
	"tom.com", "vip.163.com", "vip.qq.com", "web.de", "wo.cn", "yahoo.com", "yandex.com", "yandex.ru",
	"yeah.net", "ymail.com", "zoho.com",
}

// freeMailBrands are providers whose every national domain is free mail
// (yahoo.co.jp, hotmail.co.uk, outlook.fr …), by the first label of the
// registrable domain.
var freeMailBrands = []string{"aol", "gmail", "gmx", "hotmail", "live", "outlook", "yahoo", "yandex"}

// FreeMailDomains returns the built-in list of free-mail domains (by
// registrable domain), sorted. Addresses at these domains, and at any
// national domain of Yahoo, Hotmail, Outlook, Live, Gmail, GMX, AOL or
// Yandex, never connect a lead to a company by domain.
func FreeMailDomains() []string { return slices.Clone(freeMailDomains) }

// isFreeMailReg reports whether a registrable domain is a free-mail
// provider's.
func (m *Matcher) isFreeMailReg(domain string) bool {
	if _, ok := slices.BinarySearch(freeMailDomains, domain); ok {
		return true
	}
	if _, ok := slices.BinarySearch(m.freeMail, domain); ok {
		return true
	}
	brand, _, _ := strings.Cut(domain, ".")
	_, ok := slices.BinarySearch(freeMailBrands, brand)
	return ok
}
