package compliance

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/strata-go/strata"
)

// Action is something a user does with a customer record.
type Action string

// The actions the seeds' permission table names.
const (
	ActionView    Action = "view"
	ActionEdit    Action = "edit"
	ActionExport  Action = "export"
	ActionAssign  Action = "assign"
	ActionEmail   Action = "email"
	ActionComment Action = "comment"
)

var actions = []Action{ActionView, ActionEdit, ActionExport, ActionAssign, ActionEmail, ActionComment}

// Visibility is how much of a field a viewer sees.
type Visibility string

// The visibilities.
const (
	Visible Visibility = "visible"
	Masked  Visibility = "masked" // partly: +86 138****5678, ***@example.cn
	Hidden  Visibility = "hidden" // removed
)

// Scope limits a grant to domestic or overseas customers.
type Scope string

// The scopes.
const (
	ScopeAny      Scope = ""
	ScopeDomestic Scope = "domestic"
	ScopeOverseas Scope = "overseas"
)

// Grant lets a role take actions on customers of some tiers and scope.
type Grant struct {
	// Tiers the grant covers (customer.tier); empty means every tier.
	Tiers   []string `json:"tiers,omitempty"`
	Scope   Scope    `json:"scope,omitempty"`
	Actions []Action `json:"actions"`
}

// Role is what a kind of user may do and see.
type Role struct {
	Name   string  `json:"name"`
	Label  string  `json:"label,omitempty"` // a locale label key, such as "role.sales-director"
	Grants []Grant `json:"grants"`
	// See is the most sensitive level shown in full; fields above it up to
	// Mask are masked, and fields above Mask are hidden.
	See  Sensitivity `json:"see"`
	Mask Sensitivity `json:"mask"`
	// Fields overrides visibility by field path ("channels.value": "hidden").
	Fields map[string]Visibility `json:"fields,omitempty"`
}

// Config is an access policy as plain data (JSON round-trips): roles, and
// tags for the host's custom fields (and overrides of the default tags).
type Config struct {
	Home  string     `json:"home"`
	Roles []Role     `json:"roles"`
	Tags  []FieldTag `json:"tags,omitempty"`
}

// Decision is an access decision with its reason.
type Decision struct {
	Allowed bool   `json:"allowed"`
	Role    string `json:"role"`
	Action  Action `json:"action"`
	// Customer is the customer's ID; Tier and Scope what the grant was
	// matched on.
	Customer string `json:"customer"`
	Tier     string `json:"tier"`
	Scope    Scope  `json:"scope"`
	Reason   string `json:"reason"`
}

// AuditEvent is what Decide reports to the host's operation log.
type AuditEvent struct {
	Viewer   string   `json:"viewer"` // who, as the host named them
	Decision Decision `json:"decision"`
}

// Option configures Compile.
type Option func(*Policy)

// WithAudit reports every decision to hook, so the host writes its
// operation log. The hook must be safe for concurrent use.
func WithAudit(hook func(AuditEvent)) Option { return func(p *Policy) { p.audit = hook } }

// Policy is a compiled access policy. It is immutable and safe for
// concurrent use.
type Policy struct {
	cfg   Config
	roles map[string]*role
	tags  tagIndex
	audit func(AuditEvent)
}

type role struct {
	Role
	grants []grant
}

type grant struct {
	tiers   map[string]bool // nil: any
	scope   Scope
	actions uint8 // bit per action
}

func actionBit(a Action) uint8 {
	if i := slices.Index(actions, a); i >= 0 {
		return 1 << i
	}
	return 0
}

// New validates a policy, reporting every problem at once.
func New(cfg Config, opts ...Option) (*Policy, error) {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	if !strata.IsCountry(cfg.Home) {
		bad("home", "%q is not an ISO 3166-1 alpha-2 country code", cfg.Home)
	}
	p := &Policy{cfg: cfg, roles: map[string]*role{}, tags: tagIndex{}}
	for _, t := range DefaultTags() {
		p.tags[t.Field] = t
	}
	for i, t := range cfg.Tags {
		path := fmt.Sprintf("tags[%d]", i)
		if t.Field == "" {
			bad(path+".field", "required")
		}
		if t.Sensitivity < Public || t.Sensitivity > Restricted {
			bad(path+".sensitivity", "out of range")
		}
		p.tags[t.Field] = t
	}
	for i, r := range cfg.Roles {
		path := fmt.Sprintf("roles[%d]", i)
		if r.Name == "" {
			bad(path+".name", "required")
		} else if _, dup := p.roles[r.Name]; dup {
			bad(path+".name", "duplicate role %q", r.Name)
		}
		if r.See > r.Mask {
			bad(path, "see (%s) must not be above mask (%s)", r.See, r.Mask)
		}
		cr := &role{Role: r}
		for j, g := range r.Grants {
			gpath := fmt.Sprintf("%s.grants[%d]", path, j)
			cg := grant{scope: g.Scope}
			switch g.Scope {
			case ScopeAny, ScopeDomestic, ScopeOverseas:
			default:
				bad(gpath+".scope", "%q: want domestic, overseas or empty", g.Scope)
			}
			if len(g.Tiers) > 0 {
				cg.tiers = map[string]bool{}
				for _, t := range g.Tiers {
					cg.tiers[t] = true
				}
			}
			if len(g.Actions) == 0 {
				bad(gpath+".actions", "a grant needs actions")
			}
			for k, a := range g.Actions {
				bit := actionBit(a)
				if bit == 0 {
					bad(fmt.Sprintf("%s.actions[%d]", gpath, k), "unknown action %q (want view, edit, export, assign, email or comment)", a)
				}
				cg.actions |= bit
			}
			cr.grants = append(cr.grants, cg)
		}
		for f, v := range r.Fields {
			if _, ok := p.tags.lookup(f); !ok {
				bad(path+".fields."+f, "unknown field (tag it in tags first)")
			}
			switch v {
			case Visible, Masked, Hidden:
			default:
				bad(path+".fields."+f, "%q: want visible, masked or hidden", v)
			}
		}
		p.roles[r.Name] = cr
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, o := range opts {
		o(p)
	}
	return p, nil
}

// Config returns the policy's configuration.
func (p *Policy) Config() Config { return p.cfg }

// Tag returns a field's tag, looking at parents for nested paths
// ("attrs.credit_days" falls back to "attrs").
func (p *Policy) Tag(field string) (FieldTag, bool) { return p.tags.lookup(field) }

// Decide says whether role may take action on the customer, and why: the
// first grant that covers the customer's tier and scope and includes the
// action allows it; otherwise it is denied, with what the role may do
// instead. An unknown role is denied. viewer names who asked, for the audit
// hook only.
func (p *Policy) Decide(viewer, roleName string, c *strata.Customer, a Action) Decision {
	d := p.decide(roleName, c, a)
	if p.audit != nil {
		p.audit(AuditEvent{Viewer: viewer, Decision: d})
	}
	return d
}

func (p *Policy) decide(roleName string, c *strata.Customer, a Action) Decision {
	scope := ScopeOverseas
	if c.Country == p.cfg.Home {
		scope = ScopeDomestic
	}
	d := Decision{Role: roleName, Action: a, Customer: c.ID, Tier: c.Tier, Scope: scope}
	r, ok := p.roles[roleName]
	if !ok {
		d.Reason = "unknown role " + roleName
		return d
	}
	bit := actionBit(a)
	if bit == 0 {
		d.Reason = "unknown action " + string(a)
		return d
	}
	var may uint8
	for i, g := range r.grants {
		if g.tiers != nil && !g.tiers[c.Tier] || g.scope != ScopeAny && g.scope != scope {
			continue
		}
		if g.actions&bit != 0 {
			d.Allowed = true
			d.Reason = roleName + " may " + string(a) + " " + describe(r.Grants[i], c.Tier, scope) + " customers (grant " + strconv.Itoa(i+1) + ")"
			return d
		}
		may |= g.actions
	}
	if may == 0 {
		d.Reason = fmt.Sprintf("%s has no access to %s %s customers", roleName, tierOrAny(c.Tier), scope)
		return d
	}
	var can []string
	for i, act := range actions {
		if may&(1<<i) != 0 {
			can = append(can, string(act))
		}
	}
	d.Reason = fmt.Sprintf("%s may not %s %s %s customers; it may %s", roleName, a, tierOrAny(c.Tier), scope, strings.Join(can, ", "))
	return d
}

func tierOrAny(t string) string {
	if t == "" {
		return "untiered"
	}
	return t
}

func describe(g Grant, tier string, scope Scope) string {
	switch {
	case len(g.Tiers) > 0 && g.Scope != ScopeAny:
		return tierOrAny(tier) + " " + string(scope)
	case len(g.Tiers) > 0:
		return tierOrAny(tier)
	case g.Scope != ScopeAny:
		return string(scope)
	}
	return "all"
}

// Visibility returns how much of a field (a JSON path such as
// "channels.value" or "attrs.national_id") a role sees: the role's override,
// else by the field's sensitivity against the role's See and Mask levels.
// An unknown role sees nothing; an untagged field counts as confidential.
func (p *Policy) Visibility(roleName, field string) Visibility {
	r, ok := p.roles[roleName]
	if !ok {
		return Hidden
	}
	for f := field; ; {
		if v, ok := r.Fields[f]; ok {
			return v
		}
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			break
		}
		f = f[:i]
	}
	s := Confidential
	if t, ok := p.tags.lookup(field); ok {
		s = t.Sensitivity
	}
	switch {
	case s <= r.See:
		return Visible
	case s <= r.Mask:
		return Masked
	}
	return Hidden
}

// StarterConfig returns the permission table of the seed article on tiering,
// for a company at home:
//
//	customers          who                                  may
//	high-value         sales director, account manager      view, edit, export, assign
//	(vip, key)
//	ordinary           sales rep, customer service          view, edit
//	(regular, basic)
//	potential          marketing specialist                 view, comment
//	overseas           international team                   view, edit, email
//
// Directors and account managers see contact details in full; sales reps
// and service see them too, but deal values only as bands; marketing sees
// names and contact details masked; the international team sees contacts
// in full and money as bands. A sales-ops role may assign any customer.
func StarterConfig(home string) Config {
	all := []Action{ActionView, ActionEdit, ActionExport, ActionAssign}
	return Config{
		Home: home,
		Roles: []Role{
			{Name: "sales-director", Label: "role.sales-director", See: Restricted, Mask: Restricted,
				Grants: []Grant{{Tiers: []string{"vip", "key"}, Actions: all}, {Actions: []Action{ActionView}}}},
			{Name: "account-manager", Label: "role.account-manager", See: Confidential, Mask: Restricted,
				Grants: []Grant{{Tiers: []string{"vip", "key"}, Actions: all}}},
			{Name: "sales-rep", Label: "role.sales-rep", See: Confidential, Mask: Restricted,
				Fields: map[string]Visibility{"revenue": Masked, "profit": Hidden},
				Grants: []Grant{{Tiers: []string{"regular", "basic"}, Actions: []Action{ActionView, ActionEdit}}}},
			{Name: "support", See: Confidential, Mask: Restricted,
				Fields: map[string]Visibility{"revenue": Hidden, "profit": Hidden},
				Grants: []Grant{{Tiers: []string{"regular", "basic"}, Actions: []Action{ActionView, ActionEdit}}}},
			{Name: "marketing-specialist", Label: "role.marketing-specialist", See: Internal, Mask: Confidential,
				Fields: map[string]Visibility{"revenue": Hidden, "profit": Hidden, "attrs": Hidden},
				Grants: []Grant{{Tiers: []string{"potential"}, Actions: []Action{ActionView, ActionComment}}}},
			{Name: "international-team", See: Confidential, Mask: Restricted,
				Fields: map[string]Visibility{"revenue": Masked, "profit": Masked},
				Grants: []Grant{{Scope: ScopeOverseas, Actions: []Action{ActionView, ActionEdit, ActionEmail}}}},
			{Name: "sales-ops", See: Internal, Mask: Confidential,
				Grants: []Grant{{Actions: []Action{ActionView, ActionAssign}}}},
		},
		Tags: []FieldTag{
			{Field: "attrs.national_id", Categories: []Category{CatGovernmentID}, Sensitivity: Restricted, Personal: true,
				PIPLSensitive: true, CPRASensitive: true, Mask: MaskKindPRCID},
			{Field: "attrs.credit_days", Categories: []Category{CatFinancial}, Sensitivity: Internal},
		},
	}
}
