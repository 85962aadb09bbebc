package match

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/strata-go/strata"
)

// Cluster is a set of records that look like one customer.
type Cluster struct {
	// IDs are the members, sorted.
	IDs []string `json:"ids"`
	// Links are the pairs whose score reached Config.Match and joined the
	// cluster (enough of them to connect every member), sorted.
	Links []Link `json:"links"`
	// Holds lists the members under legal hold (Config.HoldTags): Merge
	// will not merge them.
	Holds []string `json:"holds,omitempty"`
	// ConsentDiffers says the members' consent records are not the same:
	// a person decides which consent the merged record keeps.
	ConsentDiffers bool `json:"consent_differs,omitempty"`
}

// Link is one pair of records found to be one customer, and why.
type Link struct {
	A        string `json:"a"`
	B        string `json:"b"`
	Score    int    `json:"score"`
	Evidence []Kind `json:"evidence"`
}

// Report is what Duplicates found, and how much work it did.
type Report struct {
	// Clusters are the groups of two or more records, ordered by their
	// first ID.
	Clusters []Cluster `json:"clusters"`
	// Records is how many records were read; Keys how many blocking keys
	// they had; Compared how many pairs were scored.
	Records  int `json:"records"`
	Keys     int `json:"keys"`
	Compared int `json:"compared"`
	// LargeBlocks counts keys shared by more than Config.MaxBlock records,
	// whose records were compared only with their MaxBlock neighbours in
	// book order.
	LargeBlocks int `json:"large_blocks"`
}

// drec is what Duplicates keeps of a record: about 100 bytes.
type drec struct {
	id      string
	f       feat
	hold    bool
	consent uint64 // hash of the consents in force, per purpose
}

// Duplicates finds clusters of duplicate customers in a book. It reads the
// book once, keeping a compact profile of each record (hashed keys, the
// company-name key; about 100–150 bytes a record), sorts the records'
// blocking keys (phones, mailboxes, company domains, country and name
// key) and scores only records that share a key, never all pairs; pairs
// reaching Config.Match are joined, transitively. Profiles are built on
// every CPU (GOMAXPROCS). It stops when ctx is done and returns ctx's
// error. The result depends only on the book and the configuration.
func (m *Matcher) Duplicates(ctx context.Context, book iter.Seq[strata.Customer]) (Report, error) {
	if m == nil {
		return Report{}, errors.New("match: nil Matcher")
	}
	if book == nil {
		return Report{}, errors.New("match: nil book")
	}
	recs, err := m.readBook(ctx, book)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Records: recs.len()}
	if rep.Records >= 1<<idxBits {
		return Report{}, errors.New("match: Duplicates reads at most 268,435,455 records")
	}
	entries := blockEntries(recs)
	rep.Keys = len(entries)
	uf := newUnionFind(recs.len())
	var links []link
	sc := scorer{m: m}
	for start := 0; start < len(entries); {
		end := start + 1
		for end < len(entries) && entries[end]>>idxBits == entries[start]>>idxBits {
			end++
		}
		if end-start > m.eff.MaxBlock {
			rep.LargeBlocks++
		}
		for i := start; i < end; i++ {
			if i&1023 == 0 && ctx.Err() != nil {
				return Report{}, ctx.Err()
			}
			for j := i + 1; j < end && j <= i+m.eff.MaxBlock; j++ {
				a, b := int32(entries[i]&idxMask), int32(entries[j]&idxMask)
				if uf.find(a) == uf.find(b) {
					continue
				}
				rep.Compared++
				if score, _ := sc.score(&recs.at(a).f, &recs.at(b).f, nil); score >= m.eff.Match {
					uf.union(a, b)
					links = append(links, link{a, b, score})
				}
			}
		}
		start = end
	}
	rep.Clusters = m.clusters(recs, uf, links)
	return rep, nil
}

type link struct {
	a, b  int32
	score int
}

// batchSize is how many records readBook profiles at a time; a power of
// two, so that book.at finds a record with a shift and a mask.
const batchSize = 2048

// book holds the compact profiles in the batches they were built in, so
// that no step copies them all.
type book [][]drec

func (b book) at(i int32) *drec { return &b[i/batchSize][i%batchSize] }

func (b book) len() int {
	if len(b) == 0 {
		return 0
	}
	return (len(b)-1)*batchSize + len(b[len(b)-1])
}

// readBook builds the compact profiles, a batch at a time on every CPU.
func (m *Matcher) readBook(ctx context.Context, seq iter.Seq[strata.Customer]) (book, error) {
	workers := max(1, runtime.GOMAXPROCS(0))
	type batch struct {
		in  []strata.Customer
		out []drec
	}
	jobs := make(chan *batch, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range jobs {
				for i := range b.in {
					b.out[i] = m.drec(&b.in[i])
				}
				b.in = nil
			}
		})
	}
	var batches []*batch
	cur := &batch{in: make([]strata.Customer, 0, batchSize)}
	var err error
	for c := range seq {
		cur.in = append(cur.in, c)
		if len(cur.in) == batchSize {
			if err = ctx.Err(); err != nil {
				break
			}
			cur.out = make([]drec, len(cur.in))
			batches = append(batches, cur)
			jobs <- cur
			cur = &batch{in: make([]strata.Customer, 0, batchSize)}
		}
	}
	if err == nil && len(cur.in) > 0 {
		cur.out = make([]drec, len(cur.in))
		batches = append(batches, cur)
		jobs <- cur
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	recs := make(book, len(batches))
	for i, b := range batches {
		recs[i] = b.out
	}
	return recs, nil
}

func (m *Matcher) drec(c *strata.Customer) drec {
	var s scratch
	d := drec{id: c.ID, f: m.features(c, m.contacts(c, &s), &s), consent: consentSig(c)}
	for _, t := range c.Tags {
		if slices.Contains(m.holdTags, t) {
			d.hold = true
		}
	}
	return d
}

// consentSig hashes the state in force of each purpose a record has
// consent records for.
func consentSig(c *strata.Customer) uint64 {
	if len(c.Consents) == 0 {
		return 0
	}
	latest := map[string]strata.Consent{}
	for _, cs := range c.Consents {
		if cur, ok := latest[cs.Purpose]; !ok || cs.At.After(cur.At) {
			latest[cs.Purpose] = cs
		}
	}
	purposes := make([]string, 0, len(latest))
	for p := range latest {
		purposes = append(purposes, p)
	}
	slices.Sort(purposes)
	var b strings.Builder
	for _, p := range purposes {
		b.WriteString(p + "=" + string(latest[p].State) + ";")
	}
	return hash64(b.String())
}

// nameHash hashes a record's country and name key without building the
// string.
func nameHash(f *feat) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range []byte{f.country[0], f.country[1], '|'} {
		h ^= uint64(c)
		h *= 1099511628211
	}
	for i := 0; i < len(f.name); i++ {
		h ^= uint64(f.name[i])
		h *= 1099511628211
	}
	return h
}

// An entry is one blocking key of one record, packed into a word: the
// key's hash in the high bits, the record's index in the low idxBits, so
// that sorting the words groups records by key, in book order. The 36 bits
// of hash left can put two keys in one block by chance, which costs a
// comparison and changes no verdict: pairs are scored on full hashes.
const (
	idxBits = 28
	idxMask = 1<<idxBits - 1
)

// blockEntries lists every record's blocking keys, sorted by key then by
// book order.
func blockEntries(recs book) []uint64 {
	n := 0
	for _, chunk := range recs {
		for i := range chunk {
			n += len(chunk[i].f.keys) + 1
		}
	}
	out := make([]uint64, 0, n)
	for i := range int32(recs.len()) {
		f := &recs.at(i).f
		for _, k := range f.keys {
			out = append(out, k&^idxMask|uint64(i))
		}
		if f.name != "" {
			// the name key within its country; top bits 00: no other kind
			out = append(out, nameHash(f)&^keyMask&^idxMask|uint64(i))
		}
	}
	slices.Sort(out)
	return out
}

// clusters gathers the joined records, with their links and flags.
func (m *Matcher) clusters(recs book, uf *unionFind, links []link) []Cluster {
	byRoot := map[int32]*Cluster{}
	members := map[int32][]int32{}
	for _, l := range links {
		r := uf.find(l.a)
		c := byRoot[r]
		if c == nil {
			c = &Cluster{}
			byRoot[r] = c
		}
		a, b := recs.at(l.a).id, recs.at(l.b).id
		if b < a {
			a, b = b, a
		}
		sc := scorer{m: m, detail: true}
		_, ev := sc.score(&recs.at(l.a).f, &recs.at(l.b).f, nil)
		var kinds []Kind
		for _, e := range ev {
			if e.Points > 0 {
				kinds = append(kinds, e.Kind)
			}
		}
		c.Links = append(c.Links, Link{A: a, B: b, Score: l.score, Evidence: kinds})
	}
	for i := range int32(recs.len()) {
		r := uf.find(i)
		if byRoot[r] != nil {
			members[r] = append(members[r], i)
		}
	}
	out := make([]Cluster, 0, len(byRoot))
	for r, c := range byRoot {
		sig := recs.at(members[r][0]).consent
		for _, i := range members[r] {
			d := recs.at(i)
			c.IDs = append(c.IDs, d.id)
			if d.hold {
				c.Holds = append(c.Holds, d.id)
			}
			c.ConsentDiffers = c.ConsentDiffers || d.consent != sig
		}
		slices.Sort(c.IDs)
		slices.Sort(c.Holds)
		slices.SortFunc(c.Links, func(x, y Link) int { return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B)) })
		out = append(out, *c)
	}
	slices.SortFunc(out, func(x, y Cluster) int { return strings.Compare(x.IDs[0], y.IDs[0]) })
	return out
}

type unionFind struct{ parent []int32 }

func newUnionFind(n int) *unionFind {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	return &unionFind{p}
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
}
