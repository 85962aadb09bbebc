package automation

import (
	"github.com/strata-go/strata/internal/load"
)

// Config is an automation configuration: rules that turn customers'
// transitions into the actions a host carries out, as plain data that
// round-trips through JSON and YAML (ParseConfig), so a host can store it and
// a business user can edit it. New validates it against a tiering engine.
type Config struct {
	// Kinds declares the host's own action kinds, beside the built-in ones
	// (see Builtin); a kind with a built-in's name replaces it.
	Kinds []Kind `json:"kinds,omitempty"`
	// Rules are evaluated for every transition, in order; every rule whose
	// condition holds fires.
	Rules []Rule `json:"rules"`
}

// Kind is an action the host knows how to carry out, and its parameters.
type Kind struct {
	Name string `json:"name"`
	// Label says what the action does, for people.
	Label string `json:"label,omitempty"`
	// Params are the parameters every action of the kind must give.
	Params []string `json:"params,omitempty"`
	// Optional are the parameters it may give.
	Optional []string `json:"optional,omitempty"`
}

// Rule maps a condition on a transition to actions.
type Rule struct {
	Name string `json:"name"`
	// Label says what the rule is for, for people (a display label key or
	// text).
	Label string `json:"label,omitempty"`
	// When is a CEL condition over transition, customer, now and home:
	// `transition.segment == "domestic-high-value" && transition.change == "entered"`.
	When string `json:"when"`
	// Actions are what the host should do when the rule fires, in order.
	Actions []Action `json:"actions"`
}

// Action is one named host action with its parameters:
// {kind: assign_role, params: {role: senior-sales-manager}}.
type Action struct {
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params,omitempty"`
}

// ParseConfig reads an automation configuration from JSON or YAML (JSON when
// data starts with '{'), strictly: unknown keys, values of the wrong type and
// missing required fields are errors, each a *strata.ConfigError naming its
// path and its line and column, all returned at once. It does not compile
// the rules; New does. The JSON Schema of the format is config.schema.json
// beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// The built-in action kinds.
const (
	KindAssignRole     = "assign_role"
	KindSendTemplate   = "send_template"
	KindSchedule       = "schedule"
	KindCreateDocument = "create_document"
	KindAddTag         = "add_tag"
	KindRemoveTag      = "remove_tag"
	KindNotify         = "notify"
)

// Builtin returns the built-in action kinds, the automated actions of the
// Zoho CRM guide 《海外客户和国内客户信息如何高效分层管理？》 (assign an owner,
// send a welcome email, schedule regular visits and campaigns, generate a
// contract) and the tagging and notices every CRM has:
//
//	assign_role      role                give the customer an owner of this role
//	send_template    template [channel]  send a message from a template
//	schedule         plan [every]        start a recurring plan (visits, campaigns);
//	                                     every is a tiering cadence, default the tier's
//	create_document  template            generate a document (a contract)
//	add_tag          tag                 tag the customer
//	remove_tag       tag                 untag the customer
//	notify           role [template]     tell someone of this role
//
// Each call returns a new copy.
func Builtin() []Kind {
	return []Kind{
		{Name: KindAssignRole, Label: "Give the customer an owner of a role", Params: []string{"role"}},
		{Name: KindSendTemplate, Label: "Send a message from a template", Params: []string{"template"}, Optional: []string{"channel"}},
		{Name: KindSchedule, Label: "Start a recurring plan", Params: []string{"plan"}, Optional: []string{"every"}},
		{Name: KindCreateDocument, Label: "Generate a document", Params: []string{"template"}},
		{Name: KindAddTag, Label: "Tag the customer", Params: []string{"tag"}},
		{Name: KindRemoveTag, Label: "Untag the customer", Params: []string{"tag"}},
		{Name: KindNotify, Label: "Tell someone of a role", Params: []string{"role"}, Optional: []string{"template"}},
	}
}
