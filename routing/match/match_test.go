package match_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
)

func newMatcher(t testing.TB) *match.Matcher {
	m, err := match.New(match.StarterConfig())
	require.NoError(t, err)
	return m
}

func ch(kind strata.ChannelKind, v string) strata.Channel {
	return strata.Channel{Kind: kind, Value: v}
}

// huaxinBook is a book where the Shenzhen buyer is known once, to the
// domestic team, in Chinese, beside look-alikes.
func huaxinBook() []strata.Customer {
	return []strata.Customer{
		{ID: "C-100", Name: "深圳华信电子有限公司", Country: "CN", City: "Shenzhen", Owner: "wang",
			Channels: []strata.Channel{ch(strata.ChannelPhone, "0755-8888 1234"), ch(strata.ChannelEmail, "caigou@huaxin-elec.com")},
			Attrs:    map[string]any{"website": "https://www.huaxin-elec.com"}},
		{ID: "C-101", Name: "深圳华信科技有限公司", Country: "CN", City: "Shenzhen", Owner: "zhao",
			Channels: []strata.Channel{ch(strata.ChannelPhone, "0755-2666 0000"), ch(strata.ChannelEmail, "info@huaxintech.cn")}},
		{ID: "C-102", Name: "Huaxin Trading GmbH", Country: "DE", City: "Hamburg", Owner: "anna",
			Channels: []strata.Channel{ch(strata.ChannelPhone, "+49 40 1234567"), ch(strata.ChannelEmail, "info@huaxin-trading.de")}},
		{ID: "C-103", Name: "Shenzhen Huaxin Electronics", Country: "CN", City: "Dongguan", Owner: "li",
			Channels: []strata.Channel{ch(strata.ChannelEmail, "hx.buyer@gmail.com")}},
	}
}

// TestHuaxin: the example. The same buyer met at a trade show (in
// English, with a business card), by the domestic team (in Chinese) and
// through a web form (only a company address) resolves to one customer,
// C-100, each time with the evidence that connects them.
func TestHuaxin(t *testing.T) {
	m := newMatcher(t)
	book := huaxinBook()
	leads := []struct {
		name string
		lead strata.Customer
		want []match.Kind
	}{
		{"trade show", strata.Customer{ID: "L-1", Name: "Shenzhen Huaxin Electronics Co., Ltd.", Country: "CN", City: "Shenzhen",
			Source: strata.SourceTradeShow, Channels: []strata.Channel{ch(strata.ChannelPhone, "+86 755 8888 1234"), ch(strata.ChannelEmail, "Jason.Li@huaxin-elec.com")}},
			[]match.Kind{match.EvidencePhone, match.EvidenceDomain, match.EvidenceScripts, match.EvidenceCountry, match.EvidenceCity}},
		{"domestic team", strata.Customer{ID: "L-2", Name: "深圳華信電子有限公司", Country: "CN", City: "Shenzhen",
			Channels: []strata.Channel{ch(strata.ChannelMobile, "139 2222 3333")}},
			[]match.Kind{match.EvidenceName, match.EvidenceCountry, match.EvidenceCity}},
		{"web form", strata.Customer{ID: "L-3", Country: "CN", Source: strata.SourceWebsite,
			Channels: []strata.Channel{ch(strata.ChannelEmail, "purchasing@huaxin-elec.com")}},
			[]match.Kind{match.EvidenceDomain, match.EvidenceCountry}},
	}
	for _, l := range leads {
		t.Run(l.name, func(t *testing.T) {
			res, err := m.Match(&l.lead, book)
			require.NoError(t, err)
			require.Equal(t, match.Matched, res.Outcome, res.Why())
			assert.Equal(t, "C-100", res.Customer)
			assert.Equal(t, "wang", res.Owner)
			var kinds []match.Kind
			for _, e := range res.Candidates[0].Evidence {
				kinds = append(kinds, e.Kind)
			}
			assert.Equal(t, l.want, kinds, res.Why())
			for _, secret := range []string{"8888 1234", "88881234", "jason", "purchasing", "华信"} {
				assert.NotContains(t, res.Why(), secret)
			}
		})
	}
}

// TestFreeMailNeverMatchesACompany: leads writing from free-mail
// providers are never tied to a company by their domain, whoever else in
// the book writes from the same provider.
func TestFreeMailNeverMatchesACompany(t *testing.T) {
	m := newMatcher(t)
	var book []strata.Customer
	providers := []string{"gmail.com", "googlemail.com", "qq.com", "163.com", "126.com", "outlook.com", "hotmail.com",
		"hotmail.co.uk", "yahoo.com", "yahoo.co.jp", "icloud.com", "foxmail.com", "sina.com", "naver.com", "mail.ru"}
	for i, p := range providers {
		book = append(book, strata.Customer{ID: fmt.Sprintf("C-%02d", i), Name: fmt.Sprintf("Company %c Manufacturing", 'A'+i),
			Country: "CN", Channels: []strata.Channel{ch(strata.ChannelEmail, fmt.Sprintf("boss%d@%s", i, p))},
			Attrs: map[string]any{"website": "https://" + p}}) // even a website on the provider's domain
	}
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			lead := strata.Customer{ID: "L", Country: "CN", Channels: []strata.Channel{ch(strata.ChannelEmail, "new.buyer@"+p)}}
			res, err := m.Match(&lead, book)
			require.NoError(t, err)
			assert.Equal(t, match.NoMatch, res.Outcome, res.Why())
			assert.Empty(t, m.Keys(&lead).Domains)
			for _, c := range res.Candidates {
				for _, e := range c.Evidence {
					assert.NotEqual(t, match.EvidenceDomain, e.Kind)
				}
			}
		})
	}
}

// TestMatchConcurrent: one Matcher serves many goroutines (run with -race)
// and gives each the same answer.
func TestMatchConcurrent(t *testing.T) {
	m := newMatcher(t)
	book := huaxinBook()
	lead := strata.Customer{ID: "L", Name: "Shenzhen Huaxin Electronics", Country: "CN",
		Channels: []strata.Channel{ch(strata.ChannelEmail, "x@huaxin-elec.com")}}
	want, err := m.Match(&lead, book)
	require.NoError(t, err)
	done := make(chan match.Result, 8)
	for range 8 {
		go func() {
			res, _ := m.Match(&lead, book)
			done <- res
		}()
	}
	for range 8 {
		assert.Equal(t, want, <-done)
	}
}
