package match_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing"
	"github.com/strata-go/strata/routing/match"
)

func exampleBook() []strata.Customer {
	return []strata.Customer{
		{ID: "C-100", Name: "深圳华信电子有限公司", Country: "CN", City: "Shenzhen", Owner: "wang",
			Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+8675588881234"}},
			Attrs:    map[string]any{"website": "huaxin-elec.com"}},
		{ID: "C-101", Name: "深圳华信科技有限公司", Country: "CN", City: "Shenzhen", Owner: "zhao"},
	}
}

func ExampleMatcher_Match() {
	m, _ := match.New(match.StarterConfig())
	lead := strata.Customer{ID: "L-1", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN", City: "Shenzhen",
		Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+86 755 8888 1234"}}}
	res, _ := m.Match(&lead, exampleBook())
	fmt.Println(res.Why())
	// Output:
	// match: C-100 (score 75)
	//   C-100 75: [+60 same phone +86 755****1234] [+0 names in different scripts: not compared] [+10 same country CN] [+5 same city]
	//   C-101 15: [+0 names in different scripts: not compared] [+10 same country CN] [+5 same city]
}

func ExampleMatcher_Keys() {
	m, _ := match.New(match.StarterConfig())
	lead := strata.Customer{ID: "L-3", Name: "Huaxin Electronics", Country: "CN", Channels: []strata.Channel{
		{Kind: strata.ChannelEmail, Value: "Purchasing@Huaxin-Elec.com"},
		{Kind: strata.ChannelEmail, Value: "hx.buyer@gmail.com"}, // a free-mail domain is no company key
		{Kind: strata.ChannelMobile, Value: "139 2222 3333"},
	}}
	for _, k := range m.Keys(&lead).All() {
		fmt.Println(k) // personal data: for the host's index, not for logs
	}
	fmt.Println(m.Keys(&lead)) // %v says only how many
	// Output:
	// phone:+8613922223333
	// email:hxbuyer@gmail.com
	// email:purchasing@huaxin-elec.com
	// domain:huaxin-elec.com
	// name:CN|electronics huaxin
	// 1 phones, 2 emails, 1 domains, name true
}

func ExampleMatcher_Duplicates() {
	m, _ := match.New(match.StarterConfig())
	book := append(exampleBook(),
		strata.Customer{ID: "C-200", Name: "Shenzhen Huaxin Electronics", Country: "CN",
			Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "0755 8888 1234"}}},
		strata.Customer{ID: "C-201", Country: "CN", Tags: []string{"legal_hold"},
			Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "sales@huaxin-elec.com"}}},
	)
	rep, _ := m.Duplicates(context.Background(), slices.Values(book))
	for _, c := range rep.Clusters {
		fmt.Println(c.IDs, "held:", c.Holds)
		for _, l := range c.Links {
			fmt.Println(" ", l.A, l.B, l.Score, l.Evidence)
		}
	}
	fmt.Println(rep.Records, "records,", rep.Compared, "pairs scored")
	// Output:
	// [C-100 C-200 C-201] held: [C-201]
	//   C-100 C-200 70 [phone country]
	//   C-100 C-201 70 [domain country]
	// 4 records, 2 pairs scored
}

func ExampleMatcher_Merge() {
	m, _ := match.New(match.StarterConfig())
	a := strata.Customer{ID: "C-100", Name: "深圳华信电子有限公司", Country: "CN", City: "Shenzhen", Owner: "wang", Orders: 12,
		UpdatedAt: time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)}
	b := strata.Customer{ID: "C-200", Name: "深圳华信电子有限公司", Country: "CN", Subdivision: "CN-GD", Owner: "li",
		UpdatedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	p, _ := m.Merge([]strata.Customer{a, b})
	fmt.Println("survivor:", p.Survivor, "absorbed:", p.Absorbed, "blocked:", p.Blocked)
	fmt.Println(p.Merged.Subdivision, p.Merged.City, p.Merged.Owner)
	for _, c := range p.Conflicts {
		fmt.Println(c.Kind, c.IDs, c.Msg)
	}
	// Output:
	// survivor: C-100 absorbed: [C-200] blocked: false
	// CN-GD Shenzhen li
	// owner [C-100 C-200] different owners: one customer, one owner; the proposal keeps the most recent record's
}

func ExampleMatcher_Route() {
	r, _ := routing.New(routing.Config{
		Home:        "CN",
		Agents:      []routing.Agent{{ID: "wang", Capacity: 10, Country: "CN"}, {ID: "zhao", Capacity: 10, Country: "CN"}},
		Pools:       []routing.Pool{{Name: "china", Members: []string{"zhao", "wang"}, Strategy: routing.RoundRobin, Sticky: true}},
		DefaultPool: "china",
	}, routing.NewMemoryStore())
	m, _ := match.New(match.StarterConfig())
	lead := strata.Customer{ID: "L-1", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN",
		Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+86 755 8888 1234"}}}
	d, _ := m.Route(context.Background(), r, routing.Request{Customer: lead, Lead: routing.Lead{ID: "L-1"},
		Now: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)}, exampleBook())
	fmt.Println(d.Outcome, d.Agent, d.Sticky, d.Match.Customer)
	// Output:
	// assigned wang true C-100
}

func ExampleParseConfig() {
	cfg, err := match.ParseConfig([]byte(`
match: 60
review: 35
on_possible: route
free_mail: [example-isp.cn]
`))
	if err != nil {
		panic(err)
	}
	m, err := match.New(cfg)
	fmt.Println(m != nil, err)
	_, err = match.ParseConfig([]byte("match: 60\nreview: 35\nmax_blok: 10\n"))
	fmt.Println(err)
	// Output:
	// true <nil>
	// 3:1: max_blok: unknown field (did you mean "max_block"?)
}

func ExampleFreeMailDomains() {
	fmt.Println(len(match.FreeMailDomains()) > 40, slices.Contains(match.FreeMailDomains(), "qq.com"))
	// Output:
	// true true
}

// A host that keeps its records in a database stores each record's
// profile beside it (here a map stands for the table), built at import
// and rebuilt when the record changes; for a new lead it fetches the
// candidates' stored profiles by the lead's Keys and matches them without
// preparing the records again.
func ExampleProfile_MarshalBinary() {
	m, _ := match.New(match.StarterConfig())
	table := map[string][]byte{} // the host's profile column, by customer ID
	for _, c := range exampleBook() {
		data, err := m.Profile(&c).MarshalBinary()
		if err != nil {
			panic(err)
		}
		table[c.ID] = data // personal data: stored as the contact details are
	}

	lead := strata.Customer{ID: "L-1", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN", City: "Shenzhen",
		Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+86 755 8888 1234"}}}
	var candidates []match.Profile
	for _, id := range []string{"C-100", "C-101"} { // what the host's query by the lead's keys returned
		var p match.Profile
		if err := p.UnmarshalBinary(table[id]); err != nil {
			panic(err) // errors.Is(err, match.ErrStaleProfile): rebuild it from the record
		}
		if err := m.CheckProfile(&p); err != nil {
			panic(err) // built under other free-mail domains or website fields: rebuild it
		}
		candidates = append(candidates, p)
	}
	res := m.MatchProfiles(m.Profile(&lead), candidates)
	fmt.Println(res.Why())
	fmt.Println(candidates[0]) // a profile prints its ID only
	// Output:
	// match: C-100 (score 75)
	//   C-100 75: [+60 same phone +86 755****1234] [+0 names in different scripts: not compared] [+10 same country CN] [+5 same city]
	//   C-101 15: [+0 names in different scripts: not compared] [+10 same country CN] [+5 same city]
	// match.Profile(C-100)
}

// A host matching lead after lead keeps one ProfileDecoder per goroutine:
// it decodes the candidates' stored profiles as UnmarshalBinary does, from
// a few shared chunks of memory instead of three allocations each.
func ExampleProfileDecoder_Decode() {
	m, _ := match.New(match.StarterConfig())
	var rows [][]byte // the stored profiles a query by the lead's keys returned
	for _, c := range exampleBook() {
		data, _ := m.Profile(&c).MarshalBinary()
		rows = append(rows, data)
	}
	var dec match.ProfileDecoder // kept across leads
	leads := []strata.Customer{
		{ID: "L-1", Country: "CN", Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+86 755 8888 1234"}}},
		{ID: "L-2", Name: "深圳华信科技有限公司", Country: "CN", Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "sales@hx-tech.cn"}}},
	}
	for _, lead := range leads {
		candidates := make([]match.Profile, 0, len(rows))
		for _, row := range rows {
			var p match.Profile
			if err := dec.Decode(row, &p); err != nil {
				continue // a ProfileError or ErrStaleProfile: rebuild that record's profile
			}
			if m.CheckProfile(&p) == nil {
				candidates = append(candidates, p)
			}
		}
		res := m.MatchProfiles(m.Profile(&lead), candidates)
		fmt.Println(lead.ID, res.Outcome, res.Customer, res.Score)
	}
	// Output:
	// L-1 match C-100 70
	// L-2 match C-101 60
}

// A host that keeps profiles in its database hands the rows its query by
// the lead's keys returned to MatchStored, which checks and scores them
// without decoding them into Profiles; a row it cannot use is left out and
// named in the error, for the host to rebuild that record's profile.
func ExampleMatcher_MatchStored() {
	m, _ := match.New(match.StarterConfig())
	var rows [][]byte // the stored profiles a query by the lead's keys returned
	for _, c := range exampleBook() {
		data, _ := m.Profile(&c).MarshalBinary()
		rows = append(rows, data)
	}
	stale := slices.Clone(rows[1])
	stale[1] = 0 // built by an older version of the normalisation
	rows = append(rows, stale)

	lead := strata.Customer{ID: "L-1", Country: "CN", Channels: []strata.Channel{{Kind: strata.ChannelPhone, Value: "+86 755 8888 1234"}}}
	res, err := m.MatchStored(m.Profile(&lead), rows)
	fmt.Println(res.Outcome, res.Customer, res.Score, len(res.Candidates))
	for _, p := range strata.Problems(err) {
		if re, ok := errors.AsType[*match.RowError](p); ok && errors.Is(re, match.ErrStaleProfile) {
			fmt.Println("rebuild the profile of row", re.Row)
		}
	}
	// Output:
	// match C-100 70 2
	// rebuild the profile of row 2
}

// The JSON form, for a host that keeps profiles in a JSON column; a
// profile stored by an older version of the normalisation is refused with
// ErrStaleProfile, to be rebuilt from its record.
func ExampleProfile_MarshalJSON() {
	m, _ := match.New(match.StarterConfig())
	rec := strata.Customer{ID: "C-101", Name: "深圳华信科技有限公司", Country: "CN", Owner: "zhao",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "Sales@HX-Tech.cn"}}}
	data, _ := json.Marshal(m.Profile(&rec))
	var p match.Profile
	fmt.Println(json.Unmarshal(data, &p), p, m.CheckProfile(&p))
	old := strings.Replace(string(data), `"norm":1`, `"norm":0`, 1)
	err := json.Unmarshal([]byte(old), &p)
	fmt.Println(errors.Is(err, match.ErrStaleProfile))
	// Output:
	// <nil> match.Profile(C-101) <nil>
	// true
}

// A profile belongs to the free-mail domains and website fields of the
// configuration that built it; thresholds and points may change freely.
func ExampleMatcher_CheckProfile() {
	m, _ := match.New(match.StarterConfig())
	p := m.Profile(&exampleBook()[0])
	stricter := match.StarterConfig()
	stricter.Match = 80
	m2, _ := match.New(stricter)
	fmt.Println(m2.CheckProfile(&p))
	isp := match.StarterConfig()
	isp.FreeMail = []string{"example-isp.cn"}
	m3, _ := match.New(isp)
	fmt.Println(m3.CheckProfile(&p))
	// Output:
	// <nil>
	// match: stale profile: rebuild it from its record with Matcher.Profile (built with other free-mail domains or website fields)
}
