package automation

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

// StarterConfig returns Strata's starter automation rules, the file
// starter.yaml beside this package: the automation table of the Zoho CRM
// guide 《海外客户和国内客户信息如何高效分层管理？》 over tiering.StarterConfig.
//
//   - domestic-high-value: a customer entering 国内高价值客户 gets a senior
//     sales manager (assign_role) and regular visits (schedule
//     regular-visit, at its tier's cadence);
//   - new-overseas: a new customer abroad gets the welcome email and the
//     product introduction (send_template) and an international business
//     specialist;
//   - potential: a customer reaching the potential tier gets monthly
//     campaigns and offers from a marketing specialist;
//   - channel-partner: a reseller or partner gets an agency contract
//     (create_document), a monthly communication plan and a channel
//     manager.
//
// Each call returns a new copy.
func StarterConfig() Config {
	cfg, err := starter()
	if err != nil { // the shipped file is checked by the package's tests
		return Config{}
	}
	return cloneConfig(cfg)
}
