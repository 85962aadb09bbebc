package match_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/routing/match"
)

func TestShippedConfig(t *testing.T) {
	data, err := os.ReadFile("testdata/config.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, match.ParseConfig)
	m, err := match.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, cfg, m.Config())
	starter := schematest.Check(t, "config.schema.json", mustJSON(t, match.StarterConfig()), match.ParseConfig)
	_, err = match.New(starter)
	require.NoError(t, err)
}

func TestConfigProblems(t *testing.T) {
	_, err := match.ParseConfig([]byte("match: 60\nreveiw: 35\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `2:1: reveiw: unknown field (did you mean "review"?)`)

	_, err = match.New(match.Config{Match: 120, Review: 130, Margin: -1, Points: match.Points{Phone: 101},
		FreeMail: []string{"com.cn"}, WebsiteAttrs: []string{""}, OnPossible: "ask", MaxBlock: -3})
	require.Error(t, err)
	var paths []string
	for _, p := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.True(t, errors.As(p, &ce))
		paths = append(paths, ce.Path)
	}
	assert.Equal(t, []string{"match", "review", "margin", "points.phone", "free_mail[0]", "website_attrs[0]", "on_possible", "max_block"}, paths)
	_, err = match.New(match.Config{})
	assert.Error(t, err, "the zero Config is refused: thresholds are required")
}

func FuzzParseConfig(f *testing.F) {
	data, err := os.ReadFile("testdata/config.yaml")
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"match": 60, "review": 35}`))
	f.Add([]byte(`{"match": 60, "review": 70, "points": {"phone": -1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := match.ParseConfig(data)
		if err != nil {
			return
		}
		m, err := match.New(cfg)
		if err != nil {
			return
		}
		lead := strata.Customer{ID: "L", Name: "Acme", Country: "CN", Channels: []strata.Channel{ch(strata.ChannelEmail, "a@acme.com")}}
		res, err := m.Match(&lead, []strata.Customer{{ID: "C", Name: "ACME Inc.", Country: "CN"}})
		require.NoError(t, err)
		require.Contains(t, []match.Outcome{match.Matched, match.Possible, match.NoMatch}, res.Outcome)
	})
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
