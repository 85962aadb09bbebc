package match

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
)

// Proposal is how Merge would merge a cluster's records into one. It is a
// proposal: the host shows it, a person or a rule accepts it, and the host
// writes Merged and retires the absorbed records.
type Proposal struct {
	// Survivor is the ID the merged record keeps: the most complete
	// record's (ties: the most recently updated, then the smallest ID).
	Survivor string `json:"survivor"`
	// Absorbed are the other records' IDs, sorted.
	Absorbed []string `json:"absorbed"`
	// Merged is the proposed record. Each single-valued field holds the
	// value of the most recently updated record that has one; lists,
	// channels, custom fields and consent records are joined (duplicates
	// dropped); first dates are the earliest and last dates the latest.
	Merged strata.Customer `json:"merged"`
	// Choices say which fields came from which absorbed record.
	Choices []Choice `json:"choices,omitempty"`
	// Conflicts are differences a person should see; the blocking ones
	// (legal hold, consent) set Blocked.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Blocked: the records must not be merged until a person resolves the
	// blocking conflicts.
	Blocked bool `json:"blocked"`
}

// Choice says where a field of the merged record came from.
type Choice struct {
	Path string `json:"path"`
	From string `json:"from"` // the record ID
	Why  string `json:"why"`
}

// Conflict is a difference between the records that a merge cannot settle
// by itself. Msg names fields and record IDs, never values that are
// personal data.
type Conflict struct {
	Kind     Kind     `json:"kind"`
	Path     string   `json:"path,omitempty"`
	IDs      []string `json:"ids"`
	Msg      string   `json:"msg"`
	Blocking bool     `json:"blocking,omitempty"`
}

// Merge proposes how to merge records that are one customer (a Cluster's
// records, fetched by the host). It never merges silently across a legal
// hold (a record tagged with one of Config.HoldTags) or a consent
// difference (the records' consents in force differ for some purpose):
// those are blocking conflicts. Different owners, countries or revenue
// figures are reported as conflicts that do not block. It needs at least
// two records with distinct, non-empty IDs.
func (m *Matcher) Merge(records []strata.Customer) (Proposal, error) {
	if m == nil {
		return Proposal{}, errors.New("match: nil Matcher")
	}
	if err := checkMergeable(records); err != nil {
		return Proposal{}, err
	}
	recs := make([]*strata.Customer, len(records))
	for i := range records {
		recs[i] = &records[i]
	}
	// Most recent first: the order single-valued fields are taken in.
	slices.SortStableFunc(recs, func(a, b *strata.Customer) int {
		return cmp.Or(lastTouched(b).Compare(lastTouched(a)), strings.Compare(a.ID, b.ID))
	})
	survivor := slices.MaxFunc(recs, func(a, b *strata.Customer) int {
		return cmp.Or(cmp.Compare(completeness(a), completeness(b)), lastTouched(a).Compare(lastTouched(b)), strings.Compare(b.ID, a.ID))
	})
	p := Proposal{Survivor: survivor.ID}
	for _, r := range recs {
		if r != survivor {
			p.Absorbed = append(p.Absorbed, r.ID)
		}
	}
	slices.Sort(p.Absorbed)
	mg := merger{p: &p, recs: recs, survivor: survivor}
	p.Merged = mg.merge()
	m.conflicts(&p, recs)
	return p, nil
}

func checkMergeable(records []strata.Customer) error {
	if len(records) < 2 {
		return errors.New("match: Merge needs at least two records")
	}
	seen := map[string]bool{}
	for i, r := range records {
		if r.ID == "" {
			return fmt.Errorf("match: records[%d] has no ID", i)
		}
		if seen[r.ID] {
			return fmt.Errorf("match: records[%d]: ID %q appears twice", i, r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}

func lastTouched(c *strata.Customer) time.Time {
	if !c.UpdatedAt.IsZero() {
		return c.UpdatedAt
	}
	return c.CreatedAt
}

// completeness counts a record's filled fields.
func completeness(c *strata.Customer) int {
	n := len(c.Channels) + len(c.Languages) + len(c.Products) + len(c.Segments) + len(c.Tags) + len(c.Attrs) + len(c.Consents)
	for _, s := range []string{c.Name, string(c.Kind), c.Country, c.Subdivision, c.City, c.Industry, c.TimeZone,
		string(c.Source), c.Tier, c.Owner} {
		if s != "" {
			n++
		}
	}
	if !c.Revenue.IsZero() {
		n++
	}
	if c.Orders > 0 {
		n++
	}
	return n
}

type merger struct {
	p        *Proposal
	recs     []*strata.Customer // most recent first
	survivor *strata.Customer
}

// str takes a single-valued field from the most recent record that has it.
func (g *merger) str(path string, get func(*strata.Customer) string) string {
	for _, r := range g.recs {
		if v := get(r); v != "" {
			if r != g.survivor {
				g.p.Choices = append(g.p.Choices, Choice{Path: path, From: r.ID, Why: g.why(get)})
			}
			return v
		}
	}
	return ""
}

func (g *merger) why(get func(*strata.Customer) string) string {
	if get(g.survivor) == "" {
		return "empty in the survivor"
	}
	return "more recent than the survivor's"
}

func (g *merger) merge() strata.Customer {
	s := g.survivor
	out := strata.Customer{
		ID:          s.ID,
		Name:        g.str("name", func(c *strata.Customer) string { return c.Name }),
		Kind:        strata.Kind(g.str("kind", func(c *strata.Customer) string { return string(c.Kind) })),
		Country:     g.str("country", func(c *strata.Customer) string { return c.Country }),
		Subdivision: g.str("subdivision", func(c *strata.Customer) string { return c.Subdivision }),
		City:        g.str("city", func(c *strata.Customer) string { return c.City }),
		Industry:    g.str("industry", func(c *strata.Customer) string { return c.Industry }),
		TimeZone:    g.str("time_zone", func(c *strata.Customer) string { return c.TimeZone }),
		Source:      strata.Source(g.str("source", func(c *strata.Customer) string { return string(c.Source) })),
		Tier:        g.str("tier", func(c *strata.Customer) string { return c.Tier }),
		Owner:       g.str("owner", func(c *strata.Customer) string { return c.Owner }),
	}
	for _, r := range g.recs {
		out.Languages = union(out.Languages, r.Languages)
		out.Products = union(out.Products, r.Products)
		out.Segments = union(out.Segments, r.Segments)
		out.Tags = union(out.Tags, r.Tags)
		out.Channels = unionChannels(out.Channels, r.Channels, r.Country)
		out.Consents = append(out.Consents, r.Consents...)
		for k, v := range r.Attrs {
			if _, ok := out.Attrs[k]; !ok {
				if out.Attrs == nil {
					out.Attrs = map[string]any{}
				}
				out.Attrs[k] = v
			}
		}
	}
	slices.SortStableFunc(out.Consents, func(a, b strata.Consent) int { return a.At.Compare(b.At) })
	for _, r := range g.recs {
		if !r.Revenue.IsZero() || r.Orders > 0 {
			out.Revenue, out.Profit, out.Orders, out.Scores = r.Revenue, r.Profit, r.Orders, r.Scores
			out.TierSince = r.TierSince
			if r != s {
				g.p.Choices = append(g.p.Choices, Choice{Path: "revenue", From: r.ID, Why: "the most recent record with order facts"})
			}
			break
		}
	}
	for _, r := range g.recs {
		out.FirstOrderAt = earliest(out.FirstOrderAt, r.FirstOrderAt)
		out.CreatedAt = earliest(out.CreatedAt, r.CreatedAt)
		if r.LastOrderAt.After(out.LastOrderAt) {
			out.LastOrderAt = r.LastOrderAt
		}
		if r.UpdatedAt.After(out.UpdatedAt) {
			out.UpdatedAt = r.UpdatedAt
		}
	}
	return out
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// unionChannels adds b's channels that a does not have (compared in their
// normalised form).
func unionChannels(a, b []strata.Channel, country string) []strata.Channel {
	norm := func(ch strata.Channel) string {
		switch ch.Kind {
		case strata.ChannelEmail:
			if e, err := strata.NormalizeEmail(ch.Value); err == nil {
				return e.Key
			}
		case strata.ChannelPhone, strata.ChannelMobile, strata.ChannelWhatsApp:
			if e := e164(ch.Value, country); e != "" {
				return e
			}
		}
		return strings.TrimSpace(ch.Value)
	}
	for _, ch := range b {
		dup := slices.ContainsFunc(a, func(x strata.Channel) bool { return x.Kind == ch.Kind && norm(x) == norm(ch) })
		if !dup {
			a = append(a, ch)
		}
	}
	return a
}

// conflicts lists what a merge cannot settle by itself.
func (m *Matcher) conflicts(p *Proposal, recs []*strata.Customer) {
	var holds []string
	for _, r := range recs {
		if slices.ContainsFunc(r.Tags, func(t string) bool { return slices.Contains(m.holdTags, t) }) {
			holds = append(holds, r.ID)
		}
	}
	slices.Sort(holds)
	if len(holds) > 0 {
		p.Conflicts = append(p.Conflicts, Conflict{Kind: EvidenceHold, Path: "tags", IDs: holds, Blocking: true,
			Msg: "under legal hold: merging would alter a record that must be kept as it is"})
	}
	if ids, purposes := consentDiff(recs); len(purposes) > 0 {
		p.Conflicts = append(p.Conflicts, Conflict{Kind: EvidenceConsent, Path: "consents", IDs: ids, Blocking: true,
			Msg: "consent in force differs for " + strings.Join(purposes, ", ") + ": a person decides which the merged record keeps"})
	}
	p.conflictIfDiffer(recs, EvidenceOwner, "owner", func(c *strata.Customer) string { return c.Owner },
		"different owners: one customer, one owner; the proposal keeps the most recent record's")
	p.conflictIfDiffer(recs, EvidenceNotCountry, "country", func(c *strata.Customer) string { return c.Country },
		"different countries: check that these are not two subsidiaries")
	p.conflictIfDiffer(recs, "revenue", "revenue", func(c *strata.Customer) string {
		if c.Revenue.IsZero() {
			return ""
		}
		return c.Revenue.String()
	}, "different revenue figures: check whether the records count the same orders")
	for _, c := range p.Conflicts {
		p.Blocked = p.Blocked || c.Blocking
	}
}

func (p *Proposal) conflictIfDiffer(recs []*strata.Customer, k Kind, path string, get func(*strata.Customer) string, msg string) {
	vals := map[string]bool{}
	var ids []string
	for _, r := range recs {
		if v := get(r); v != "" {
			vals[v] = true
			ids = append(ids, r.ID)
		}
	}
	if len(vals) > 1 {
		slices.Sort(ids)
		p.Conflicts = append(p.Conflicts, Conflict{Kind: k, Path: path, IDs: ids, Msg: msg})
	}
}

// consentDiff returns the records and purposes whose consent in force
// differs among the records (a record without any record for a purpose
// counts as "none").
func consentDiff(recs []*strata.Customer) ([]string, []string) {
	state := make([]map[string]strata.ConsentState, len(recs))
	purposes := map[string]bool{}
	for i, r := range recs {
		state[i] = map[string]strata.ConsentState{}
		at := map[string]time.Time{}
		for _, cs := range r.Consents {
			if t, ok := at[cs.Purpose]; !ok || cs.At.After(t) {
				state[i][cs.Purpose], at[cs.Purpose] = cs.State, cs.At
			}
			purposes[cs.Purpose] = true
		}
	}
	var diff []string
	ids := map[string]bool{}
	for _, pu := range slices.Sorted(maps.Keys(purposes)) {
		first := state[0][pu]
		differs := false
		for i := range recs {
			if state[i][pu] != first {
				differs = true
			}
		}
		if differs {
			diff = append(diff, pu)
			for _, r := range recs {
				ids[r.ID] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(ids)), diff
}
