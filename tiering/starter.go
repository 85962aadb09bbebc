package tiering

import (
	_ "embed"
	"sync"
)

// starterYAML is the starter configuration, shipped as the file a host
// copies and edits.
//
//go:embed starter.yaml
var starterYAML []byte

var starter = sync.OnceValues(func() (Config, error) { return ParseConfig(starterYAML) })

// StarterConfig returns Strata's starter configuration, the file
// starter.yaml beside this package, for a company whose home country is
// home. It writes the two case tables of the Zoho CRM guide
// 《海外客户和国内客户信息如何高效分层管理？》 as rules:
//
//   - ladder "value": vip (domestic 5M+ CNY a year or overseas 2M+ USD;
//     sales director, weekly), key (1M+ CNY or 500k+ USD; account manager,
//     monthly), regular (300k+ CNY or 100k+ USD; sales rep, quarterly),
//     potential (no orders yet; marketing, monthly) and basic (the rest).
//     vip and key hold customers down to 80% of their line, and vip for at
//     least 90 days, so nobody flaps at a threshold.
//   - segments: the guide's groups 国内高价值客户 (domestic-high-value) and
//     海外潜力客户 (overseas-potential), its regional groups (华东, 华南,
//     欧美) and the second case's markets (ASEAN, Middle East, Latin
//     America, US VIP), industries, new customers, customers due a
//     follow-up, and resellers and partners.
//
// Overseas revenue in currencies other than CNY and USD needs a converter
// (WithConverter). Each call returns a new copy.
func StarterConfig(home string) Config {
	cfg, err := starter()
	if err != nil { // the shipped file is checked by the package's tests
		return Config{Home: home}
	}
	cfg = cloneConfig(cfg)
	cfg.Home = home
	return cfg
}
