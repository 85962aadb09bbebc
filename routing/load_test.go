package routing_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/sample"
	"github.com/strata-go/strata/internal/schema/schematest"
	"github.com/strata-go/strata/routing"
)

// TestSampleTeamFile: the shipped team loads, satisfies the schema,
// round-trips, is the sample team the examples use, and compiles.
func TestSampleTeamFile(t *testing.T) {
	data, err := os.ReadFile("testdata/team.yaml")
	require.NoError(t, err)
	cfg := schematest.Check(t, "config.schema.json", data, routing.ParseConfig)
	assert.Equal(t, sample.Team(), cfg)
	r, err := routing.New(cfg, routing.NewMemoryStore(), routing.WithConverter(sample.Rates))
	require.NoError(t, err)
	assert.Equal(t, []string{"directors", "china", "europe", "americas", "apac"}, r.Pools())
	assert.Equal(t, []string{"be-kraus", "sh-zhou", "sp-costa"}, r.Members("directors"))
}

func TestParseConfigRefusesMistakes(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		want      []string
	}{
		{"misspelt key (YAML)", "home: CN\nagents: []\npools: []\ndefault_pol: x\n",
			[]string{`4:1: default_pol: unknown field (did you mean "default_pool"?)`}},
		{"misspelt key (JSON)", `{"home": "CN", "agents": [{"id": "a", "capacty": 3, "seniority": 1, "country": "CN"}], "pools": []}`,
			[]string{"agents[0].capacty: unknown field"}},
		{"wrong type", "home: CN\nagents: [{id: a, seniority: high, country: CN}]\npools: []\n",
			[]string{"agents[0].seniority"}},
		{"required fields", `{"agents": [{"id": "a"}], "pools": [{"name": "p"}], "rules": [{"name": "r"}]}`,
			[]string{"home: required", "agents[0].seniority: required", "agents[0].country: required", "pools[0].strategy: required",
				"rules[0].when: required", "rules[0].pool: required"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := routing.ParseConfig([]byte(tt.doc))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			for _, p := range strata.Problems(err) {
				_, ok := errors.AsType[*strata.ConfigError](p)
				assert.True(t, ok, "%v is a ConfigError", p)
			}
		})
	}
}

// TestNewRefusesUnsafeOmissions: what the loader lets through because a
// field is optional, New refuses when leaving it out would be unsafe.
func TestNewRefusesUnsafeOmissions(t *testing.T) {
	cfg, err := routing.ParseConfig([]byte(`
home: CN
agents:
  - {id: forgot, seniority: 1, country: CN}
  - {id: both, seniority: 1, country: CN, capacity: 3, uncapped: true}
  - {id: fine, seniority: 1, country: CN, uncapped: true}
pools: [{name: p, members: [forgot, both, fine], strategy: least_loaded}]
default_pool: p
`))
	require.NoError(t, err)
	_, err = routing.New(cfg, routing.NewMemoryStore())
	assert.Equal(t, []string{
		"agents[0].capacity: required: 1 to 1000000000 units, or uncapped: true",
		"agents[1].capacity: 3: an uncapped agent has no capacity",
	}, errorTexts(err))
}

func errorTexts(err error) []string {
	var out []string
	for _, p := range strata.Problems(err) {
		out = append(out, p.Error())
	}
	return out
}

func FuzzParseConfig(f *testing.F) {
	data, err := os.ReadFile("testdata/team.yaml")
	require.NoError(f, err)
	f.Add(data)
	js, _ := json.Marshal(config())
	f.Add(js)
	f.Add([]byte("home: CN\nagents: [{id: a, seniority: 1, country: CN, capacity: 1}]\npools: [{name: p, members: [a], strategy: round_robin}]\ndefault_pool: p\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte(strings.Repeat("[", 100)))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := routing.ParseConfig(data)
		if err != nil {
			for _, p := range strata.Problems(err) {
				_, ok := errors.AsType[*strata.ConfigError](p)
				require.True(t, ok, "a ConfigError: %v", p)
			}
			return
		}
		out, err := json.Marshal(cfg)
		require.NoError(t, err)
		again, err := routing.ParseConfig(out)
		require.NoError(t, err, "%s", out)
		require.Equal(t, cfg, again, "load → marshal → load")
		r, err := routing.New(cfg, routing.NewMemoryStore())
		if err != nil {
			return
		}
		_, _ = r.Route(t.Context(), routing.Request{Item: "L", Customer: customer("c", "DE", "", "de"), Now: now})
	})
}
