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
	rep := Report{Records: len(recs)}
	entries := blockEntries(recs)
	rep.Keys = len(entries)
	uf := newUnionFind(len(recs))
	var links []link
	sc := scorer{m: m}
	for start := 0; start < len(entries); {
		end := start + 1
		for end < len(entries) && entries[end].h == entries[start].h {
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
				a, b := entries[i].i, entries[j].i
				if uf.find(a) == uf.find(b) {
					continue
				}
				rep.Compared++
				if score, _ := sc.score(&recs[a].f, &recs[b].f, nil); score >= m.eff.Match {
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

// readBook builds the compact profiles, a batch at a time on every CPU.
func (m *Matcher) readBook(ctx context.Context, book iter.Seq[strata.Customer]) ([]drec, error) {
	const batchSize = 2048
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
	for c := range book {
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
	n := 0
	for _, b := range batches {
		n += len(b.out)
	}
	recs := make([]drec, 0, n)
	for i, b := range batches {
		recs = append(recs, b.out...)
		batches[i] = nil
	}
	return recs, nil
}

func (m *Matcher) drec(c *strata.Customer) drec {
	phones, emails, domains, free := m.contacts(c)
	d := drec{id: c.ID, f: m.features(c, phones, emails, domains, free), consent: consentSig(c)}
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

type entry struct {
	h uint64
	i int32
}

// blockEntries lists every record's blocking keys, sorted by key then by
// book order.
func blockEntries(recs []drec) []entry {
	n := 0
	for i := range recs {
		n += len(recs[i].f.keys) + 1
	}
	out := make([]entry, 0, n)
	for i := range recs {
		for _, k := range recs[i].f.keys {
			out = append(out, entry{k, int32(i)})
		}
		if f := &recs[i].f; f.name != "" {
			// the name key within its country; top bits 00: no other kind
			out = append(out, entry{hash64(countryString(f.country)+"|"+f.name) &^ keyMask, int32(i)})
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i)) })
	return out
}

// clusters gathers the joined records, with their links and flags.
func (m *Matcher) clusters(recs []drec, uf *unionFind, links []link) []Cluster {
	byRoot := map[int32]*Cluster{}
	members := map[int32][]int32{}
	for _, l := range links {
		r := uf.find(l.a)
		c := byRoot[r]
		if c == nil {
			c = &Cluster{}
			byRoot[r] = c
		}
		a, b := recs[l.a].id, recs[l.b].id
		if b < a {
			a, b = b, a
		}
		sc := scorer{m: m, detail: true}
		_, ev := sc.score(&recs[l.a].f, &recs[l.b].f, nil)
		var kinds []Kind
		for _, e := range ev {
			if e.Points > 0 {
				kinds = append(kinds, e.Kind)
			}
		}
		c.Links = append(c.Links, Link{A: a, B: b, Score: l.score, Evidence: kinds})
	}
	for i := range recs {
		r := uf.find(int32(i))
		if byRoot[r] != nil {
			members[r] = append(members[r], int32(i))
		}
	}
	out := make([]Cluster, 0, len(byRoot))
	for r, c := range byRoot {
		sig := recs[members[r][0]].consent
		for _, i := range members[r] {
			c.IDs = append(c.IDs, recs[i].id)
			if recs[i].hold {
				c.Holds = append(c.Holds, recs[i].id)
			}
			c.ConsentDiffers = c.ConsentDiffers || recs[i].consent != sig
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
