package match

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/strata-go/strata"
)

// Matcher scores leads against candidate records and finds duplicates,
// by a Config. It is immutable and safe for concurrent use.
type Matcher struct {
	cfg      Config // as given
	eff      Config // with defaults
	freeMail []string
	holdTags []string
	config   uint64 // configPrint, recorded in every profile
}

// New checks a configuration, reports every problem at once (each a
// *strata.ConfigError), and returns a Matcher.
func New(cfg Config) (*Matcher, error) {
	if errs := cfg.check(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m := &Matcher{cfg: cloneConfig(cfg), eff: cfg.withDefaults()}
	for _, d := range cfg.FreeMail {
		m.freeMail = append(m.freeMail, strings.ToLower(strings.TrimSpace(d)))
	}
	slices.Sort(m.freeMail)
	m.holdTags = slices.Clone(m.eff.HoldTags)
	m.eff.WebsiteAttrs = slices.Clone(m.eff.WebsiteAttrs)
	m.cfg.WebsiteAttrs = slices.Clone(cfg.WebsiteAttrs)
	m.config = m.configPrint()
	return m, nil
}

func cloneConfig(c Config) Config {
	c.FreeMail = slices.Clone(c.FreeMail)
	c.WebsiteAttrs = slices.Clone(c.WebsiteAttrs)
	c.HoldTags = slices.Clone(c.HoldTags)
	return c
}

// Config returns a copy of the configuration the Matcher was built from.
func (m *Matcher) Config() Config { return cloneConfig(m.cfg) }

// Outcome is what matching concluded.
type Outcome string

// The outcomes.
const (
	Matched  Outcome = "match"    // the lead belongs to Result.Customer
	Possible Outcome = "possible" // one or more candidates may be the lead's customer: a person decides
	NoMatch  Outcome = "none"     // no candidate is the lead's customer
)

// Kind names a piece of evidence.
type Kind string

// The kinds of evidence. Those ending in "not_…" or "unlike" count
// against a match.
const (
	EvidencePhone      Kind = "phone"        // a phone number in common (E.164)
	EvidenceEmail      Kind = "email"        // a mailbox in common
	EvidenceDomain     Kind = "domain"       // a company domain in common
	EvidenceName       Kind = "name"         // the same company-name key
	EvidenceSimilar    Kind = "similar_name" // similar company names
	EvidenceCountry    Kind = "country"      // the same country
	EvidenceCity       Kind = "city"         // the same city
	EvidenceNotCountry Kind = "not_country"  // different countries
	EvidenceNotCity    Kind = "not_city"     // different cities in one country
	EvidenceNotDomain  Kind = "not_domain"   // company domains, none in common
	EvidenceUnlike     Kind = "unlike_name"  // names in one script that are not alike
	EvidenceScripts    Kind = "other_script" // names in different scripts: not compared (0 points)
	EvidenceFreeMail   Kind = "free_mail"    // a free-mail address: its domain says nothing (0 points)
	EvidenceAmbiguous  Kind = "ambiguous"    // another candidate scores as high (0 points)
	EvidenceHold       Kind = "legal_hold"   // in Merge: a record under legal hold
	EvidenceConsent    Kind = "consent"      // in Merge: consent records that differ
	EvidenceOwner      Kind = "owner"        // in Merge: different owners
	evidenceNone       Kind = ""
)

// Evidence is one reason a candidate scored as it did. Detail never shows
// more personal data than a masked phone number or mailbox.
type Evidence struct {
	Kind   Kind   `json:"kind"`
	Points int    `json:"points"`
	Detail string `json:"detail"`
}

// String implements fmt.Stringer as "+60 same phone +86 755****1234".
func (e Evidence) String() string { return fmt.Sprintf("%+d %s", e.Points, e.Detail) }

// Scored is one candidate, its score and the evidence for it.
type Scored struct {
	ID       string     `json:"id"`
	Owner    string     `json:"owner,omitempty"`
	Score    int        `json:"score"`
	Evidence []Evidence `json:"evidence"`
}

// Result is the outcome of matching one lead.
type Result struct {
	Outcome Outcome `json:"outcome"`
	// Customer and Owner are the matched candidate's ID and owner (Outcome
	// Matched); Score is its score.
	Customer string `json:"customer,omitempty"`
	Owner    string `json:"owner,omitempty"`
	Score    int    `json:"score"`
	// Candidates are every candidate, best first (ties by ID), each with
	// its evidence.
	Candidates []Scored `json:"candidates,omitempty"`
}

// Possible returns the candidates at or above the review threshold that a
// person should look at (for Outcome Possible), best first.
func (r Result) Possible(review int) []Scored {
	var out []Scored
	for _, c := range r.Candidates {
		if c.Score >= review {
			out = append(out, c)
		}
	}
	return out
}

// Why explains the result for people, evidence by evidence.
func (r Result) Why() string {
	var b strings.Builder
	switch r.Outcome {
	case Matched:
		fmt.Fprintf(&b, "match: %s (score %d)", r.Customer, r.Score)
	case Possible:
		fmt.Fprintf(&b, "possible match (best score %d): a person should confirm", r.Score)
	default:
		fmt.Fprintf(&b, "no match (best score %d)", r.Score)
	}
	for _, c := range r.Candidates {
		fmt.Fprintf(&b, "\n  %s %d:", c.ID, c.Score)
		for _, e := range c.Evidence {
			b.WriteString(" [")
			b.WriteString(e.String())
			b.WriteString("]")
		}
	}
	return b.String()
}

// Match scores every candidate against the lead and decides: the best
// candidate is the match when it reaches Config.Match and no other comes
// within Config.Margin of it; candidates reaching Config.Review are
// otherwise possible matches; else there is no match. Candidates are the
// records the host fetched by the lead's Keys; their order does not
// matter (ties are broken by ID), and a candidate with the lead's own ID is
// skipped. A nil lead is an error.
//
// Cost: Match prepares a Profile of the lead and of every candidate on
// every call (phone numbers read against their country's numbering plan,
// mailboxes and company domains normalised through the Public Suffix List,
// the name folded into its CompanyKey), about 4 µs of CPU a record, which
// is most of its cost: 50 candidates take 200–250 µs. The fast path is
// for a host to compute each record's Profile once, at import after
// strata.Normalize and again whenever the record changes, keep it beside
// the record in memory, and call MatchProfiles with the kept profiles of
// the candidates it fetched: 50 candidates then take 20–35 µs; a host
// storing profiles in its database (Profile.MarshalBinary) hands the rows
// its query returned to MatchStored, which checks each (about 0.1 µs of
// CPU) and scores it from the row: 20–30 µs for 50. Decoding them into
// Profiles first, with a ProfileDecoder, costs 0.3–0.5 µs each, spent
// checking the stored bytes and copying them once (a decoded profile
// reads its values from that copy), and the garbage collector's time for
// the copies; format 1 profiles, stored before format 2, take 1–1.5 µs.
// Every way gives the same Result for the same records, normalised or
// not, kept in memory or stored.
func (m *Matcher) Match(lead *strata.Customer, candidates []strata.Customer) (Result, error) {
	if m == nil {
		return Result{}, errors.New("match: nil Matcher")
	}
	if lead == nil {
		return Result{}, errors.New("match: nil lead")
	}
	s := scratch{arena: true}
	profiles := make([]Profile, len(candidates))
	for i := range candidates {
		profiles[i] = m.profile(&candidates[i], &s)
	}
	return m.MatchProfiles(m.profile(lead, &s), profiles), nil
}

// MatchProfiles is Match over prepared profiles (see Profile), for a host
// that keeps them: the fast path, 25–35 µs of CPU for 50 candidates,
// where Match spends most of its time preparing them. For the same records
// it returns what Match returns, from profiles kept in memory or stored and
// decoded. It trusts its profiles to be this Matcher's: a host decoding
// stored ones checks them with CheckProfile (MatchStored does both).
func (m *Matcher) MatchProfiles(lead Profile, candidates []Profile) Result {
	if m == nil {
		return Result{Outcome: NoMatch}
	}
	mc := m.newCall(&lead)
	defer mc.release()
	var kbuf [64]uint64 // a decoded candidate's keys, read from its encoding
	for i := range candidates {
		c := &candidates[i]
		if c.ID == lead.ID && c.ID != "" {
			continue
		}
		fb, gb := c.scoreFeat(kbuf[:0], mc.st.grams[:0])
		if c.enc != "" {
			mc.st.grams = gb
		}
		mc.scoreOne(&lead, &fb, c.script, gb)
		mc.st.ids = append(mc.st.ids, idOwner{c.ID, c.Owner})
	}
	return mc.result()
}

// matchCall is one call of MatchProfiles or MatchStored: the lead, the
// scorer and the pooled scratch where each candidate's rank, ID and owner,
// and evidence are kept until the Result is written.
type matchCall struct {
	m  *Matcher
	fa feat
	sc scorer
	st *matchScratch
}

func (m *Matcher) newCall(lead *Profile) matchCall {
	st := matchScratches.Get().(*matchScratch)
	mc := matchCall{m: m, st: st, fa: lead.featOf(lead.keyList(nil))}
	mc.sc = scorer{m: m, detail: true, sa: lead.script, ga: lead.gramList(nil), cached: true, ev: st.ev[:0], oneLead: true,
		notCountry: &st.notCountry}
	return mc
}

// release returns the call's scratch to the pool.
func (mc *matchCall) release() {
	mc.st.ev = mc.sc.ev
	mc.st.release()
}

// scoreOne scores the next candidate against lead (the call's), from its
// feat, the script of its name and its bigrams; the caller appends its ID
// and owner to st.ids.
func (mc *matchCall) scoreOne(lead *Profile, fb *feat, sb script, gb []uint64) {
	mc.sc.sb, mc.sc.gb = sb, gb
	ev0 := len(mc.sc.ev)
	score, _ := mc.sc.score(&mc.fa, fb, lead)
	mc.st.ranks = append(mc.st.ranks, rank{score: score, ev0: ev0, ev1: len(mc.sc.ev)})
}

// result sorts the scored candidates and decides.
func (mc *matchCall) result() Result {
	ranks, ids := mc.st.ranks, mc.st.ids
	res := Result{Outcome: NoMatch}
	if len(ranks) == 0 {
		return res
	}
	order := mc.order()
	res.Candidates = make([]Scored, len(ranks))
	all := slices.Clone(mc.sc.ev) // every candidate's evidence, in one array, in the order scored
	for k, i := range order {
		r := ranks[i]
		var ev []Evidence
		if r.ev1 > r.ev0 {
			ev = all[r.ev0:r.ev1:r.ev1]
		}
		res.Candidates[k] = Scored{ID: ids[i].id, Owner: ids[i].owner, Score: r.score, Evidence: ev}
	}
	mc.m.decide(&res)
	return res
}

// order returns the indexes of the scored candidates in the order of the
// Result: best first, ties by ID, then in the order they came. Up to 256
// candidates are sorted as numbers, each its score, six bytes of its ID
// after the prefix every ID shares, and its index; only the few whose
// score and six bytes are the same compare their IDs in full.
func (mc *matchCall) order() []int {
	ranks, ids := mc.st.ranks, mc.st.ids
	order := mc.st.order[:0]
	skip := commonIDPrefix(ids)
	less := func(i, j int) int {
		return cmp.Or(cmp.Compare(ranks[j].score, ranks[i].score), strings.Compare(ids[i].id, ids[j].id), cmp.Compare(i, j))
	}
	if len(ranks) > 256 {
		for i := range ranks {
			order = append(order, i)
		}
		slices.SortFunc(order, less)
		mc.st.order = order
		return order
	}
	keys := mc.st.keys[:0]
	for i, r := range ranks {
		keys = append(keys, uint64(255-r.score)<<56|idBits(ids[i].id, skip)<<8|uint64(i))
	}
	slices.Sort(keys)
	for _, k := range keys {
		order = append(order, int(k&0xFF))
	}
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi]>>8 == keys[lo]>>8 {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(order[lo:hi], less)
		}
		lo = hi
	}
	mc.st.keys, mc.st.order = keys, order
	return order
}

// decide sets the outcome of res, whose candidates are sorted.
func (m *Matcher) decide(res *Result) {
	best := res.Candidates[0]
	res.Score = best.Score
	cfg := &m.eff
	switch {
	case best.Score >= cfg.Match && (len(res.Candidates) == 1 || res.Candidates[1].Score < cfg.Match ||
		best.Score-res.Candidates[1].Score > cfg.Margin):
		res.Outcome, res.Customer, res.Owner = Matched, best.ID, best.Owner
	case best.Score >= cfg.Match:
		res.Outcome = Possible
		for i := range res.Candidates {
			if res.Candidates[i].Score >= cfg.Match && best.Score-res.Candidates[i].Score <= cfg.Margin {
				res.Candidates[i].Evidence = append(res.Candidates[i].Evidence,
					Evidence{Kind: EvidenceAmbiguous, Detail: "another candidate scores within the margin: a person decides"})
			}
		}
	case best.Score >= cfg.Review:
		res.Outcome = Possible
	}
}

// rank is a scored candidate: its score and its evidence in the
// scorer's.
type rank struct {
	score, ev0, ev1 int
}

// idOwner is a scored candidate's ID and owner.
type idOwner struct{ id, owner string }

// idBits returns six bytes of id after its first skip, padded with zeros,
// as a number: two IDs with different numbers compare as their numbers
// do.
func idBits(id string, skip int) uint64 {
	var k uint64
	if skip < len(id) {
		id = id[skip:]
		for j := range min(6, len(id)) {
			k |= uint64(id[j]) << (40 - 8*j)
		}
	}
	return k
}

// commonIDPrefix returns the length of the prefix that all of ids share,
// so that idBits holds the bytes that tell them apart.
func commonIDPrefix(ids []idOwner) int {
	if len(ids) == 0 {
		return 0
	}
	first, n := ids[0].id, len(ids[0].id)
	for _, c := range ids[1:] {
		n = min(n, len(c.id))
		for j := range n {
			if c.id[j] != first[j] {
				n = j
				break
			}
		}
		if n == 0 {
			return 0
		}
	}
	return n
}

// matchScratch is what MatchProfiles and MatchStored reuse from call to
// call (through matchScratches): the scorer's evidence, the candidates'
// ranks, IDs and owners and their order, a decoded candidate's bigrams,
// and the details of different countries. None of its memory reaches a
// Result, but those details, immutable strings that name no one.
type matchScratch struct {
	ev         []Evidence
	ranks      []rank
	ids        []idOwner
	keys       []uint64
	order      []int
	grams      []uint64
	notCountry countryDetails
}

// countryDetails keeps the details of the last few pairs of different
// countries met ("different countries CN and US"), which name no person,
// so that the evidence many candidates share is not built for each.
type countryDetails struct {
	pairs [32]uint32 // a's and b's country, four bytes
	d     [32]string
	n     int // pairs stored, next to replace (mod 32)
}

// detail returns the detail of countries a and b, different.
func (c *countryDetails) detail(a, b [2]byte) string {
	k := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(b[0])<<8 | uint32(b[1])
	for i := range min(c.n, len(c.pairs)) {
		if c.pairs[i] == k {
			return c.d[i]
		}
	}
	// string(bytes) as an operand of + costs no allocation of its own.
	d := "different countries " + string(a[:]) + " and " + string(b[:])
	i := c.n % len(c.pairs)
	c.pairs[i], c.d[i], c.n = k, d, c.n+1
	return d
}

var matchScratches = sync.Pool{New: func() any { return new(matchScratch) }}

// release clears the evidence (its details name the lead's keys, masked)
// and returns st to the pool, unless a large call grew it.
func (st *matchScratch) release() {
	clear(st.ev)
	clear(st.ids)
	if cap(st.ev) > 1<<12 || cap(st.ranks) > 1<<10 || cap(st.ids) > 1<<10 || cap(st.order) > 1<<10 {
		return
	}
	st.ev, st.ranks, st.ids, st.keys, st.order = st.ev[:0], st.ranks[:0], st.ids[:0], st.keys[:0], st.order[:0]
	matchScratches.Put(st)
}

// scorer weighs the evidence between two records. Its buffers make it
// single-goroutine; make one per call.
type scorer struct {
	m      *Matcher
	detail bool
	// cached: sa, ga, sb, gb hold the names' scripts and bigrams (from
	// profiles); otherwise they are computed into ga and gb.
	cached bool
	sa, sb script
	ga, gb []uint64
	// ev holds the evidence of every pair scored so far: each score
	// returns its own part, with no room to append into the next.
	ev    []Evidence
	total int
	// oneLead: da is the same profile in every call (MatchProfiles), so
	// keys keeps the details of its keys in common, by kind.
	oneLead bool
	// notCountry, when not nil, keeps the details of different countries.
	notCountry *countryDetails
	keys       [3]struct {
		k uint64
		d string
	}
}

// add counts evidence; with detail it records it.
func (s *scorer) add(k Kind, p int, detail string) {
	s.total += p
	if s.detail {
		s.ev = append(s.ev, Evidence{Kind: k, Points: p, Detail: detail})
	}
}

// keyDetail returns the detail of a key in common, "same phone +86
// 755****1234", with the value da holds.
func (s *scorer) keyDetail(k uint64, da *Profile) string {
	if !s.detail {
		return ""
	}
	c := &s.keys[k>>62-1]
	if s.oneLead && c.d != "" && c.k == k {
		return c.d
	}
	v := da.lookup(k)
	switch k & keyMask {
	case keyPhone:
		c.d = "same phone " + maskPhone(v)
	case keyEmail:
		c.d = "same mailbox " + maskEmail(v)
	default:
		c.d = "same company domain " + cmp.Or(v, "(in both records)")
	}
	c.k = k
	return c.d
}

// score weighs the evidence between a and b; da, when not nil, is a's
// profile, for the details of the evidence.
func (s *scorer) score(a, b *feat, da *Profile) (int, []Evidence) {
	start := len(s.ev)
	s.weigh(a, b, da)
	if len(s.ev) == start {
		return min(100, max(0, s.total)), nil
	}
	return min(100, max(0, s.total)), s.ev[start:len(s.ev):len(s.ev)]
}

// weigh adds up the evidence between a and b.
func (s *scorer) weigh(a, b *feat, da *Profile) {
	pts := &s.m.eff.Points
	s.total = 0
	if k, ok := commonKey(a.keys, b.keys, keyPhone); ok {
		s.add(EvidencePhone, pts.Phone, s.keyDetail(k, da))
	}
	if k, ok := commonKey(a.keys, b.keys, keyEmail); ok {
		s.add(EvidenceEmail, pts.Email, s.keyDetail(k, da))
	}
	if k, ok := commonKey(a.keys, b.keys, keyDomain); ok {
		s.add(EvidenceDomain, pts.Domain, s.keyDetail(k, da))
	} else if a.domains && b.domains {
		s.add(EvidenceNotDomain, -pts.NotDomain, "company domains, none in common")
	}
	if a.freeMail && !a.domains {
		s.add(EvidenceFreeMail, 0, "free-mail address: its domain connects to no company")
	}
	s.scoreNames(a, b)
	if a.country != [2]byte{} && b.country != [2]byte{} {
		if a.country == b.country {
			s.add(EvidenceCountry, pts.Country, sameCountry(a.country))
			switch {
			case a.city == 0 || b.city == 0:
			case a.city == b.city:
				s.add(EvidenceCity, pts.City, "same city")
			default:
				s.add(EvidenceNotCity, -pts.NotCity, "different cities")
			}
		} else {
			s.add(EvidenceNotCountry, -pts.NotCountry, s.notCountryDetail(a.country, b.country))
		}
	}
}

// notCountryDetail returns the detail of different countries a and b, or
// "" without detail.
func (s *scorer) notCountryDetail(a, b [2]byte) string {
	switch {
	case !s.detail:
		return ""
	case s.notCountry != nil:
		return s.notCountry.detail(a, b)
	}
	// string(bytes) as an operand of + costs no allocation of its own.
	return "different countries " + string(a[:]) + " and " + string(b[:])
}

// sameCountryDetails holds "same country XX" for every pair of capital
// letters, so that the evidence most candidates share costs nothing.
var sameCountryDetails = sync.OnceValue(func() *[26 * 26]string {
	var t [26 * 26]string
	for i := range t {
		t[i] = "same country " + string([]byte{byte('A' + i/26), byte('A' + i%26)})
	}
	return &t
})

func sameCountry(c [2]byte) string {
	if c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' {
		return sameCountryDetails()[int(c[0]-'A')*26+int(c[1]-'A')]
	}
	return "same country " + countryString(c)
}

func (s *scorer) scoreNames(a, b *feat) {
	if a.name == "" || b.name == "" {
		return
	}
	pts := &s.m.eff.Points
	if !s.cached {
		s.sa, s.ga = nameFeatures(a.name, s.ga)
		s.sb, s.gb = nameFeatures(b.name, s.gb)
	}
	sa, sb := s.sa, s.sb
	switch {
	case sa != sb && sa != scriptOther && sb != scriptOther:
		s.add(EvidenceScripts, 0, "names in different scripts: not compared")
	case a.name == b.name:
		s.add(EvidenceName, pts.Name, "same company name")
	default:
		sim := dice(s.ga, s.gb)
		switch {
		case sim >= 0.5:
			s.add(EvidenceSimilar, int(math.Round(float64(pts.Similar)*sim)), s.simDetail(simSimilar, sim))
		case sim < 0.25:
			s.add(EvidenceUnlike, -pts.NotName, s.simDetail(simUnlike, sim))
		default:
			s.add(evidenceNone, 0, s.simDetail(simSomewhat, sim))
		}
	}
}

// The kinds of name-similarity detail.
const (
	simSimilar = iota
	simUnlike
	simSomewhat
)

// simDetails holds the details of name similarities, by kind and by the
// similarity in hundredths: "similar company names (0.57)".
var simDetails = sync.OnceValue(func() *[3][101]string {
	var t [3][101]string
	for k, text := range []string{"similar company names (", "unlike company names (", "company names somewhat alike ("} {
		for i := range t[k] {
			t[k][i] = text + two(float64(i)/100) + ")"
		}
	}
	return &t
})

// simDetail returns the detail of a similarity of a kind: the similarity
// with two decimals (strconv's rounding), or "" without detail.
func (s *scorer) simDetail(kind int, sim float64) string {
	if !s.detail {
		return ""
	}
	var buf [8]byte
	d := strconv.AppendFloat(buf[:0], sim, 'f', 2, 64)
	if len(d) == 4 && d[0] <= '1' && d[1] == '.' {
		if i := int(d[0]-'0')*100 + int(d[2]-'0')*10 + int(d[3]-'0'); i <= 100 {
			return simDetails()[kind][i]
		}
	}
	return [...]string{"similar company names (", "unlike company names (", "company names somewhat alike ("}[kind] + string(d) + ")"
}

// two formats a similarity with two decimals.
func two(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// commonKey returns the first key of the given kind two sorted key lists
// share.
func commonKey(a, b []uint64, kind uint64) (uint64, bool) {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			if a[i]&keyMask == kind {
				return a[i], true
			}
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 0, false
}

// lookup returns the value behind a key hash, or "" when p is nil (as in
// Duplicates, which keeps hashes only).
func (p *Profile) lookup(k uint64) string {
	if p == nil {
		return ""
	}
	if p.enc != "" {
		return p.lookupEnc(k)
	}
	list, emails, domains := p.lists()
	switch k & keyMask {
	case keyEmail:
		list = emails
	case keyDomain:
		list = domains
	}
	for _, s := range list {
		if hash64(s)&^keyMask == k&^keyMask {
			return s
		}
	}
	return ""
}

func maskPhone(e string) string {
	if e == "" {
		return "(in both records)"
	}
	if p, err := strata.NormalizePhone(e, ""); err == nil {
		return p.Masked()
	}
	if len(e) < 8 {
		return "(masked)"
	}
	return e[:4] + strings.Repeat("*", len(e)-6) + e[len(e)-2:]
}

func maskEmail(key string) string {
	local, domain, ok := strings.Cut(key, "@")
	if !ok || local == "" {
		return "(in both records)"
	}
	return local[:1] + "***@" + domain
}
