package compliance

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/internal/load"
)

// Action is something a user does with a customer record.
type Action string

// The actions a grant may allow.
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

// The visibilities, from most to least revealing.
const (
	Visible Visibility = "visible"
	Masked  Visibility = "masked" // partly: +86 138****5678, ***@example.cn
	Hidden  Visibility = "hidden" // removed
)

func (v Visibility) rank() int {
	switch v {
	case Visible:
		return 0
	case Masked:
		return 1
	}
	return 2
}

// stricter returns the more restrictive of a and b.
func stricter(a, b Visibility) Visibility {
	if b.rank() > a.rank() {
		return b
	}
	return a
}

// Scope limits a grant to domestic or overseas customers.
type Scope string

// The scopes. A grant must name one: there is no empty scope.
const (
	ScopeAny      Scope = "any"
	ScopeDomestic Scope = "domestic"
	ScopeOverseas Scope = "overseas"
)

// AllTiers in a grant's Tiers covers customers of every tier, untiered ones
// included.
const AllTiers = "*"

// Grant lets a role take actions on customers of some tiers and scope.
type Grant struct {
	// Tiers the grant covers (customer.tier; "" for untiered customers),
	// or ["*"] for every tier. Required: a grant written without tiers is
	// an error, not a grant over every customer.
	Tiers []string `json:"tiers"`
	// Scope is any, domestic or overseas. Required.
	Scope   Scope    `json:"scope"`
	Actions []Action `json:"actions"`
}

// Role is what a kind of user may do and see.
type Role struct {
	Name   string  `json:"name"`
	Label  string  `json:"label,omitempty"` // a locale label key, such as "role.sales-director"
	Grants []Grant `json:"grants"`
	// See is the most sensitive level shown in full; fields above it up to
	// Mask are masked, and fields above Mask are hidden. Both are required.
	See  Sensitivity `json:"see"`
	Mask Sensitivity `json:"mask"`
	// Fields overrides visibility by field path ("channels.value":
	// "hidden"). An override applies to the field and everything under it,
	// but an override inherited from a parent only ever restricts: "attrs":
	// "visible" does not reveal a restricted "attrs.national_id"; name the
	// field itself to do that.
	Fields map[string]Visibility `json:"fields,omitempty"`
}

// Config is an access policy as plain data: the company's home country,
// roles, and tags for the host's custom fields (or replacing built-in tags).
type Config struct {
	// Home is the company's home country (ISO 3166-1 alpha-2): customers
	// there are domestic, others overseas.
	Home  string     `json:"home"`
	Roles []Role     `json:"roles"`
	Tags  []FieldTag `json:"tags,omitempty"`
}

// ParseConfig reads an access policy from JSON or YAML (JSON when data
// starts with '{'), strictly: unknown keys, values of the wrong type and
// missing required fields are errors, each a *strata.ConfigError naming its
// path and its line and column, all returned at once. It does not validate
// the policy; New does. The JSON Schema of the format is config.schema.json
// beside this package.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := load.Decode(data, &c); err != nil {
		return Config{}, err
	}
	return c, nil
}

//go:embed starter.yaml
var starterYAML []byte

// StarterConfig returns an example policy for a company at home (the
// permission table of a tiered sales organisation, in starter.yaml beside
// this package), for a host to edit:
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
// National ID numbers (attrs.national_id) are restricted and PIPL-sensitive.
func StarterConfig(home string) Config {
	c, err := ParseConfig(starterYAML)
	if err != nil { // starter.yaml is tested; this cannot happen in a release
		return Config{Home: home}
	}
	c.Home = home
	return c
}

// Viewer is who asks: the host's user ID (for the audit trail only) and the
// role whose grants and visibility apply. Every Policy method that depends
// on who asks takes a Viewer first.
type Viewer struct {
	ID   string `json:"id"`
	Role string `json:"role"`
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

// Why explains the decision for people, as the other packages' decisions
// do: "allowed: " or "denied: " and the reason, which names the role, the
// action, the tier and scope and the grant that applied, never personal
// data.
func (d Decision) Why() string {
	if d.Allowed {
		return "allowed: " + d.Reason
	}
	return "denied: " + d.Reason
}

// AuditEvent is the Detail of the strata.Event a Policy reports for every
// Decide and Redact: who asked, about which customer, and what they got.
// It holds IDs, role and field names, never field values.
type AuditEvent struct {
	Viewer   Viewer `json:"viewer"`
	Customer string `json:"customer"`
	// Decision is Decide's answer (nil for Redact).
	Decision *Decision `json:"decision,omitempty"`
	// Masked and Hidden list the fields Redact masked or removed, in
	// record order (custom fields as "attrs.key").
	Masked []string `json:"masked,omitempty"`
	Hidden []string `json:"hidden,omitempty"`
}

// Errors the Policy methods return. Each comes wrapped with what it is
// about ("compliance: unknown role \"intern\""); match with errors.Is.
var (
	// ErrNoPolicy: the Policy is nil or was not built with New.
	ErrNoPolicy = errors.New("compliance: no policy (nil, or not built with New)")
	// ErrNilCustomer: a nil *strata.Customer was passed.
	ErrNilCustomer = errors.New("compliance: nil customer")
	// ErrUnknownRole: the viewer's role is not in the policy.
	ErrUnknownRole = errors.New("compliance: unknown role")
	// ErrUnknownAction: the action is not one of the declared actions.
	ErrUnknownAction = errors.New("compliance: unknown action")
)

// Option configures New.
type Option func(*Policy)

// WithObserver reports every Decide and Redact to o, as a strata.Event with
// Package "compliance", Op "decide" or "redact", Outcome "allowed",
// "denied", "redacted" or "error", Labels action and role, and Detail the
// AuditEvent, so the host writes its operation log and metrics from one
// hook. Start and Duration are read from the clock only when an observer is
// set. o must be safe for concurrent use.
func WithObserver(o strata.Observer) Option { return func(p *Policy) { p.observe = o } }

// Policy is a compiled access policy. It is immutable and safe for
// concurrent use. The zero Policy and a nil *Policy refuse every call with
// ErrNoPolicy.
type Policy struct {
	cfg     Config
	roles   map[string]*role
	tags    tagIndex
	observe strata.Observer
}

type role struct {
	Role
	grants []grant
	fields map[string]Visibility // by normalised path
}

type grant struct {
	tiers   map[string]bool // nil: any
	scope   Scope
	actions uint8 // bit per action
	source  Grant
}

func actionBit(a Action) uint8 {
	if i := slices.Index(actions, a); i >= 0 {
		return 1 << i
	}
	return 0
}

// problems collects configuration problems.
type problems []error

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, &strata.ConfigError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// New validates a policy, reporting every problem at once, each a
// *strata.ConfigError naming its path. It refuses what would silently
// expose data: a tag or role without a sensitivity, a grant without tiers
// or scope, a role that could see more than it may mask.
func New(cfg Config, opts ...Option) (*Policy, error) {
	var errs problems
	if !strata.IsCountry(cfg.Home) {
		errs.add("home", "%q is not an ISO 3166-1 alpha-2 country code", truncate(cfg.Home))
	}
	p := &Policy{cfg: cloneConfig(cfg), roles: map[string]*role{}, tags: newTagIndex()}
	for _, t := range BuiltinTags() {
		p.tags.add(t)
	}
	seen := map[string]int{}
	for i, t := range cfg.Tags {
		path := fmt.Sprintf("tags[%d]", i)
		checkTag(&errs, path, t)
		n := normField(t.Field)
		if j, dup := seen[n]; dup && t.Field != "" {
			errs.add(path+".field", "%q tags the same field as tags[%d]", truncate(t.Field), j)
		}
		seen[n] = i
		p.tags.add(t)
	}
	if len(cfg.Roles) == 0 {
		errs.add("roles", "a policy needs at least one role")
	}
	for i, r := range cfg.Roles {
		path := fmt.Sprintf("roles[%d]", i)
		cr := compileRole(&errs, path, r, p.tags)
		if r.Name == "" {
			continue
		}
		if _, dup := p.roles[r.Name]; dup {
			errs.add(path+".name", "duplicate role %q", truncate(r.Name))
			continue
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

func checkTag(errs *problems, path string, t FieldTag) {
	if t.Field == "" {
		errs.add(path+".field", "required")
	} else if f := normField(t.Field); f == "attrs" || !isCustomerField(f) {
		errs.add(path+".field", "%q: tag a field of strata.Customer or a custom field (attrs.key)", truncate(t.Field))
	}
	if !t.Sensitivity.valid() {
		errs.add(path+".sensitivity", "required: public, internal, confidential or restricted")
	}
	if !t.Mask.valid() {
		errs.add(path+".mask", "unknown mask %q", truncate(string(t.Mask)))
	}
	for j, c := range t.Categories {
		if !validCategory(c) {
			errs.add(fmt.Sprintf("%s.categories[%d]", path, j), "%q is not a dotted taxonomy key (user.contact.email)", truncate(string(c)))
		}
	}
}

// isCustomerField reports whether a normalised path starts with a field of
// strata.Customer.
func isCustomerField(norm string) bool {
	top, _, _ := strings.Cut(norm, ".")
	for _, t := range BuiltinTags() {
		if normField(t.Field) == top {
			return true
		}
	}
	return false
}

func validCategory(c Category) bool {
	s := string(c)
	if !strings.HasPrefix(s, "user") && !strings.HasPrefix(s, "system") {
		return false
	}
	for _, seg := range strings.Split(s, ".") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			if ch := seg[i]; !('a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '_') {
				return false
			}
		}
	}
	return true
}

func compileRole(errs *problems, path string, r Role, tags tagIndex) *role {
	if r.Name == "" {
		errs.add(path+".name", "required")
	}
	if !r.See.valid() {
		errs.add(path+".see", "required: public, internal, confidential or restricted")
	}
	if !r.Mask.valid() {
		errs.add(path+".mask", "required: public, internal, confidential or restricted")
	}
	if r.See.valid() && r.Mask.valid() && r.See > r.Mask {
		errs.add(path, "see (%s) must not be above mask (%s)", r.See, r.Mask)
	}
	if len(r.Grants) == 0 {
		errs.add(path+".grants", "a role needs at least one grant")
	}
	cr := &role{Role: r, fields: map[string]Visibility{}}
	for j, g := range r.Grants {
		cr.grants = append(cr.grants, compileGrant(errs, fmt.Sprintf("%s.grants[%d]", path, j), g))
	}
	for _, f := range slices.Sorted(maps.Keys(r.Fields)) {
		v := r.Fields[f]
		fpath := path + ".fields." + truncate(f)
		n := normField(f)
		if _, ok := tags.nearest(n); !ok {
			errs.add(fpath, "unknown field (tag it in tags first)")
		}
		switch v {
		case Visible, Masked, Hidden:
		default:
			errs.add(fpath, "%q: want visible, masked or hidden", truncate(string(v)))
		}
		if _, dup := cr.fields[n]; dup {
			errs.add(fpath, "names the same field as another override")
		}
		cr.fields[n] = v
	}
	return cr
}

func compileGrant(errs *problems, path string, g Grant) grant {
	cg := grant{scope: g.Scope, source: g}
	switch g.Scope {
	case ScopeAny, ScopeDomestic, ScopeOverseas:
	case "":
		errs.add(path+".scope", "required: any, domestic or overseas")
	default:
		errs.add(path+".scope", "%q: want any, domestic or overseas", truncate(string(g.Scope)))
	}
	switch {
	case len(g.Tiers) == 0:
		errs.add(path+".tiers", `required: the tiers the grant covers, or ["*"] for every tier`)
	case slices.Contains(g.Tiers, AllTiers):
		if len(g.Tiers) > 1 {
			errs.add(path+".tiers", `"*" covers every tier and stands alone`)
		}
	default:
		cg.tiers = map[string]bool{}
		for _, t := range g.Tiers {
			cg.tiers[t] = true
		}
	}
	if len(g.Actions) == 0 {
		errs.add(path+".actions", "a grant needs actions")
	}
	for k, a := range g.Actions {
		bit := actionBit(a)
		if bit == 0 {
			errs.add(fmt.Sprintf("%s.actions[%d]", path, k), "unknown action %q (want view, edit, export, assign, email or comment)", truncate(string(a)))
		}
		cg.actions |= bit
	}
	return cg
}

// cloneConfig copies a configuration deeply enough that the caller's later
// changes to its slices and maps do not reach a Policy.
func cloneConfig(c Config) Config {
	c.Tags = slices.Clone(c.Tags)
	for i := range c.Tags {
		c.Tags[i].Categories = slices.Clone(c.Tags[i].Categories)
	}
	c.Roles = slices.Clone(c.Roles)
	for i, r := range c.Roles {
		r.Grants = slices.Clone(r.Grants)
		for j := range r.Grants {
			r.Grants[j].Tiers = slices.Clone(r.Grants[j].Tiers)
			r.Grants[j].Actions = slices.Clone(r.Grants[j].Actions)
		}
		if r.Fields != nil {
			r.Fields = maps.Clone(r.Fields)
		}
		c.Roles[i] = r
	}
	return c
}

// Config returns a copy of the configuration the policy was built from.
func (p *Policy) Config() Config {
	if p == nil {
		return Config{}
	}
	return cloneConfig(p.cfg)
}

// Tag returns a field's tag: the tag of the path itself or its nearest
// tagged parent ("attrs.credit_days" falls back to "attrs"), made stricter
// by a tag on any custom-field key along the path
// ("attrs.kyc.national_id" gets the tag of "attrs.national_id"). The
// second result is false for a path no tag covers.
func (p *Policy) Tag(field string) (FieldTag, bool) {
	if p == nil || p.roles == nil {
		return FieldTag{}, false
	}
	return p.tags.lookup(normField(field))
}

// Tags returns every tag of the policy, built-in and the host's, sorted by
// field path.
func (p *Policy) Tags() []FieldTag {
	if p == nil || p.roles == nil {
		return nil
	}
	out := make([]FieldTag, 0, len(p.tags.byPath))
	for _, k := range slices.Sorted(maps.Keys(p.tags.byPath)) {
		out = append(out, p.tags.byPath[k])
	}
	return out
}

func (p *Policy) ready() error {
	if p == nil || p.roles == nil {
		return ErrNoPolicy
	}
	return nil
}

func (p *Policy) role(v Viewer) (*role, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	r, ok := p.roles[v.Role]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownRole, truncate(v.Role))
	}
	return r, nil
}

// Decide says whether the viewer's role may take action on the customer,
// and why: the first grant that covers the customer's tier and scope and
// includes the action allows it; otherwise it is denied, with what the role
// may do instead. A nil policy or customer, an unknown role or an unknown
// action is an error, and the Decision returned with it denies. The
// decision is reported to the observer with ctx.
func (p *Policy) Decide(ctx context.Context, v Viewer, c *strata.Customer, a Action) (Decision, error) {
	var start time.Time
	if p != nil && p.observe != nil {
		start = time.Now()
	}
	d, err := p.decide(v, c, a)
	if p != nil && p.observe != nil {
		outcome := "denied"
		switch {
		case err != nil:
			outcome = "error"
		case d.Allowed:
			outcome = "allowed"
		}
		detail := d // a copy, so d itself stays off the heap when no one observes
		p.report(ctx, strata.Event{Op: "decide", Outcome: outcome, Start: start, Err: err,
			Detail: AuditEvent{Viewer: v, Customer: d.Customer, Decision: &detail}}, a)
	}
	return d, err
}

// report completes an event (package, labels, duration) and hands it to
// the observer.
func (p *Policy) report(ctx context.Context, e strata.Event, a Action) {
	if ctx == nil {
		ctx = context.Background()
	}
	e.Package = "compliance"
	e.Labels = []strata.Label{{Key: "action", Value: string(a)}, {Key: "role", Value: e.Detail.(AuditEvent).Viewer.Role}}
	e.Duration = time.Since(e.Start)
	p.observe(ctx, e)
}

func (p *Policy) decide(v Viewer, c *strata.Customer, a Action) (Decision, error) {
	d := Decision{Role: v.Role, Action: a}
	if c == nil {
		d.Reason = "no customer"
		return d, ErrNilCustomer
	}
	d.Customer, d.Tier = c.ID, c.Tier
	r, err := p.role(v)
	if err != nil {
		d.Reason = err.Error()
		return d, err
	}
	d.Scope = ScopeOverseas
	if c.Country == p.cfg.Home {
		d.Scope = ScopeDomestic
	}
	bit := actionBit(a)
	if bit == 0 {
		err := fmt.Errorf("%w %q", ErrUnknownAction, truncate(string(a)))
		d.Reason = err.Error()
		return d, err
	}
	var may uint8
	for i, g := range r.grants {
		if g.tiers != nil && !g.tiers[c.Tier] || g.scope != ScopeAny && g.scope != d.Scope {
			continue
		}
		if g.actions&bit != 0 {
			d.Allowed = true
			d.Reason = r.Name + " may " + string(a) + " " + describe(g.source, c.Tier, d.Scope) + " customers (grant " + strconv.Itoa(i+1) + ")"
			return d, nil
		}
		may |= g.actions
	}
	if may == 0 {
		d.Reason = fmt.Sprintf("%s has no access to %s %s customers", r.Name, tierOrAny(c.Tier), d.Scope)
		return d, nil
	}
	var can []string
	for i, act := range actions {
		if may&(1<<i) != 0 {
			can = append(can, string(act))
		}
	}
	d.Reason = fmt.Sprintf("%s may not %s %s %s customers; it may %s", r.Name, a, tierOrAny(c.Tier), d.Scope, strings.Join(can, ", "))
	return d, nil
}

func tierOrAny(t string) string {
	if t == "" {
		return "untiered"
	}
	return t
}

func describe(g Grant, tier string, scope Scope) string {
	tiered := !slices.Contains(g.Tiers, AllTiers)
	switch {
	case tiered && g.Scope != ScopeAny:
		return tierOrAny(tier) + " " + string(scope)
	case tiered:
		return tierOrAny(tier)
	case g.Scope != ScopeAny:
		return string(scope)
	}
	return "all"
}

// Visibility returns how much of a field (a JSON path such as
// "channels.value" or "attrs.national_id") the viewer's role sees: the
// role's override for the field itself; else the field's sensitivity (see
// Tag) against the role's See and Mask levels, restricted further by any
// override on a parent. A nil policy or an unknown role is an error, with
// Hidden.
func (p *Policy) Visibility(v Viewer, field string) (Visibility, error) {
	r, err := p.role(v)
	if err != nil {
		return Hidden, err
	}
	return p.visibility(r, normField(field)), nil
}

// visibility is Visibility for a compiled role and a normalised path.
func (p *Policy) visibility(r *role, path string) Visibility {
	if v, ok := r.fields[path]; ok {
		return v
	}
	t, _ := p.tags.lookup(path)
	vis := Hidden
	switch {
	case t.Sensitivity <= r.See:
		vis = Visible
	case t.Sensitivity <= r.Mask:
		vis = Masked
	}
	if len(r.fields) == 0 {
		return vis
	}
	for parent := path; ; {
		i := strings.LastIndexByte(parent, '.')
		if i < 0 {
			return vis
		}
		parent = parent[:i]
		if o, ok := r.fields[parent]; ok {
			vis = stricter(vis, o)
		}
	}
}
