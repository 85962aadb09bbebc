package compliance_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func starterPolicy(t testing.TB, opts ...compliance.Option) *compliance.Policy {
	t.Helper()
	p, err := compliance.New(compliance.StarterConfig("CN"), opts...)
	require.NoError(t, err)
	return p
}

func as(role string) compliance.Viewer { return compliance.Viewer{ID: "u-1", Role: role} }

func overseas() strata.Customer {
	return strata.Customer{
		ID: "C-US-7", Name: "Blue Harbor Trading", Kind: strata.KindEnterprise, Country: "US", Subdivision: "US-CA", City: "Los Angeles",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "buyer@blueharbor.example.com"},
			{Kind: strata.ChannelPhone, Value: "+1 213 555 0147"}, {Kind: strata.ChannelWhatsApp, Value: "+1 213 555 0199"}},
		Revenue: strata.MoneyOf(decimal.NewFromInt(2_600_000), "USD"), Profit: strata.MoneyOf(decimal.NewFromInt(410_000), "USD"),
		Orders: 22, Tier: "vip", Attrs: map[string]any{"national_id": "110105199003071234", "credit_days": 60.0},
		FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, 0, -12),
		Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: now.AddDate(-1, 0, 0),
			Source: "signed by Jane Roe at the Canton Fair"}},
	}
}

func TestDecide(t *testing.T) {
	p := starterPolicy(t)
	domestic := func(tier string) *strata.Customer { return &strata.Customer{ID: "C1", Country: "CN", Tier: tier} }
	us := overseas()
	for _, tt := range []struct {
		role   string
		c      *strata.Customer
		action compliance.Action
		allow  bool
		reason string
	}{
		{"sales-director", domestic("vip"), compliance.ActionExport, true, "sales-director may export vip customers (grant 1)"},
		{"account-manager", domestic("key"), compliance.ActionAssign, true, "account-manager may assign key customers (grant 1)"},
		{"account-manager", domestic("regular"), compliance.ActionView, false, "account-manager has no access to regular domestic customers"},
		{"sales-rep", domestic("regular"), compliance.ActionEdit, true, "sales-rep may edit regular customers (grant 1)"},
		{"sales-rep", domestic("regular"), compliance.ActionExport, false, "sales-rep may not export regular domestic customers; it may view, edit"},
		{"sales-rep", domestic("vip"), compliance.ActionView, false, "sales-rep has no access to vip domestic customers"},
		{"support", domestic("basic"), compliance.ActionView, true, "support may view basic customers (grant 1)"},
		{"marketing-specialist", domestic("potential"), compliance.ActionComment, true, "marketing-specialist may comment potential customers (grant 1)"},
		{"marketing-specialist", domestic("potential"), compliance.ActionEdit, false, "marketing-specialist may not edit potential domestic customers; it may view, comment"},
		{"international-team", &us, compliance.ActionEmail, true, "international-team may email overseas customers (grant 1)"},
		{"international-team", domestic("vip"), compliance.ActionView, false, "international-team has no access to vip domestic customers"},
		{"sales-director", domestic("regular"), compliance.ActionView, true, "sales-director may view all customers (grant 2)"},
		{"sales-director", domestic("regular"), compliance.ActionExport, false, "sales-director may not export regular domestic customers; it may view"},
		{"sales-ops", domestic(""), compliance.ActionAssign, true, "sales-ops may assign all customers (grant 1)"},
	} {
		t.Run(tt.role+"/"+string(tt.action), func(t *testing.T) {
			d, err := p.Decide(t.Context(), as(tt.role), tt.c, tt.action)
			require.NoError(t, err)
			assert.Equal(t, tt.allow, d.Allowed)
			assert.Equal(t, tt.reason, d.Reason)
		})
	}
}

// TestDecideErrors: a misspelt role, an unknown action, a nil customer and
// a policy that was never built are errors whose decision denies.
func TestDecideErrors(t *testing.T) {
	p := starterPolicy(t)
	c := overseas()
	var zero compliance.Policy
	var nilPolicy *compliance.Policy
	for _, tt := range []struct {
		name string
		p    *compliance.Policy
		role string
		c    *strata.Customer
		a    compliance.Action
		want error
	}{
		{"unknown role", p, "intern", &c, compliance.ActionView, compliance.ErrUnknownRole},
		{"misspelt role", p, "sales_director", &c, compliance.ActionView, compliance.ErrUnknownRole},
		{"unknown action", p, "sales-director", &c, "delete", compliance.ErrUnknownAction},
		{"nil customer", p, "sales-director", nil, compliance.ActionView, compliance.ErrNilCustomer},
		{"zero policy", &zero, "sales-director", &c, compliance.ActionView, compliance.ErrNoPolicy},
		{"nil policy", nilPolicy, "sales-director", &c, compliance.ActionView, compliance.ErrNoPolicy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tt.p.Decide(t.Context(), as(tt.role), tt.c, tt.a)
			require.ErrorIs(t, err, tt.want)
			assert.False(t, d.Allowed)
			assert.NotEmpty(t, d.Reason)
		})
	}
}

func TestObserver(t *testing.T) {
	var mu sync.Mutex
	var events []strata.Event
	type key struct{}
	p := starterPolicy(t, compliance.WithObserver(func(ctx context.Context, e strata.Event) {
		assert.Equal(t, "trace-1", ctx.Value(key{}), "the caller's context reaches the observer")
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	ctx := context.WithValue(t.Context(), key{}, "trace-1")
	c := overseas()
	_, err := p.Decide(ctx, compliance.Viewer{ID: "li.wei", Role: "marketing-specialist"}, &c, compliance.ActionExport)
	require.NoError(t, err)
	_, err = p.Decide(ctx, compliance.Viewer{ID: "anna", Role: "international-team"}, &c, compliance.ActionView)
	require.NoError(t, err)
	_, err = p.Redact(ctx, compliance.Viewer{ID: "li.wei", Role: "marketing-specialist"}, &c)
	require.NoError(t, err)
	_, err = p.Redact(ctx, compliance.Viewer{ID: "x", Role: "nobody"}, &c)
	require.ErrorIs(t, err, compliance.ErrUnknownRole)

	require.Len(t, events, 4)
	assert.Equal(t, []string{"denied", "allowed", "redacted", "error"},
		[]string{events[0].Outcome, events[1].Outcome, events[2].Outcome, events[3].Outcome})
	assert.Equal(t, "compliance", events[0].Package)
	assert.Equal(t, "decide", events[0].Op)
	assert.Equal(t, []strata.Label{{Key: "action", Value: "export"}, {Key: "role", Value: "marketing-specialist"}}, events[0].Labels)
	audit := events[0].Detail.(compliance.AuditEvent)
	assert.Equal(t, "li.wei", audit.Viewer.ID)
	require.NotNil(t, audit.Decision)
	assert.False(t, audit.Decision.Allowed)
	assert.Equal(t, "C-US-7", audit.Customer)

	red := events[2].Detail.(compliance.AuditEvent)
	assert.Equal(t, "redact", events[2].Op)
	assert.Contains(t, red.Masked, "name")
	assert.Contains(t, red.Hidden, "revenue")
	assert.Contains(t, red.Hidden, "attrs.national_id")
	b, err := json.Marshal(red)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "Blue Harbor", "the audit event carries field names, not values")
	assert.ErrorIs(t, events[3].Err, compliance.ErrUnknownRole)
}

func TestMasking(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+86 138 0013 5678", "+86 138****5678"},
		{"+8613800135678", "+86 138****5678"},
		{"+1 213 555 0147", "+1 21****0147"},
		{"+49 30 1234 5678", "+49 30****5678"},
		{"+65 9123 4567", "+65 ****4567"},
		{"0213-555", "*****55"},
		{"12", "***"},
	} {
		assert.Equal(t, tt.want, compliance.MaskPhone(tt.in), tt.in)
	}
	for _, tt := range []struct{ in, want string }{
		{"buyer@jinlun.example.cn", "***@jinlun.example.cn"},
		{"anna.schmidt@firma.de", "***@firma.de"},
		{"not-an-email", "***"},
	} {
		assert.Equal(t, tt.want, compliance.MaskEmail(tt.in), tt.in)
	}
	assert.Equal(t, "110105********1234", compliance.MaskPRCID("110105199003071234"))
	assert.Equal(t, "110105********123X", compliance.MaskPRCID("11010519900307123X"))
	assert.Equal(t, "****5678", compliance.MaskPRCID("12345678"))
	assert.Equal(t, "上海********", compliance.MaskName("上海锦纶纺织有限公司"))
	assert.Equal(t, "B*** H*** T***", compliance.MaskName("Blue Harbor Trading"))
	assert.Equal(t, "wx***", compliance.MaskHandle("wx_buyer_01"))
	for _, tt := range []struct{ in, want string }{
		{"5600000.55", "5000000.00 CNY"},
		{"-41999", "-40000.00 CNY"},
		{"0.5", "0.00 CNY"},
		{"1", "1.00 CNY"},
		{"99.99", "90.00 CNY"},
	} {
		assert.Equal(t, tt.want, compliance.MaskMoney(strata.MoneyOf(decimal.RequireFromString(tt.in), "CNY")).String(), tt.in)
	}
}

func TestRedactByRole(t *testing.T) {
	ctx := t.Context()
	p := starterPolicy(t)
	c := overseas()
	director, err := p.Redact(ctx, as("sales-director"), &c)
	require.NoError(t, err)
	assert.Equal(t, c.Name, director.Name)
	assert.Equal(t, c.Channels, director.Channels)
	assert.Equal(t, "110105199003071234", director.Attrs["national_id"], "directors see restricted fields")
	assert.Equal(t, c.Consents, director.Consents)

	marketing, err := p.Redact(ctx, as("marketing-specialist"), &c)
	require.NoError(t, err)
	assert.Equal(t, "B*** H*** T***", marketing.Name)
	assert.Equal(t, "***@blueharbor.example.com", marketing.Channels[0].Value)
	assert.Equal(t, "+1 21****0147", marketing.Channels[1].Value)
	assert.Equal(t, strata.Money{}, marketing.Revenue)
	assert.Empty(t, marketing.Attrs, "attrs are hidden from marketing")
	assert.Equal(t, "L***", marketing.City)
	assert.Equal(t, "US", marketing.Country)
	assert.Equal(t, "s***", marketing.Consents[0].Source, "a consent's free-text source is confidential")
	assert.Equal(t, "marketing_email", marketing.Consents[0].Purpose)

	intl, err := p.Redact(ctx, as("international-team"), &c)
	require.NoError(t, err)
	assert.Equal(t, "2000000.00 USD", intl.Revenue.String(), "money as a band")
	assert.Equal(t, "110105********1234", intl.Attrs["national_id"], "restricted: masked with the PRC ID masker")

	assert.Equal(t, "Blue Harbor Trading", c.Name, "the original is untouched")
	assert.Equal(t, "110105199003071234", c.Attrs["national_id"])
	intl.Channels[0].Value = "changed"
	assert.Equal(t, "buyer@blueharbor.example.com", c.Channels[0].Value, "the copy shares nothing")

	vis := func(role, field string) compliance.Visibility {
		v, err := p.Visibility(as(role), field)
		require.NoError(t, err)
		return v
	}
	assert.Equal(t, compliance.Masked, vis("sales-rep", "revenue"))
	assert.Equal(t, compliance.Visible, vis("sales-rep", "channels.value"))
	assert.Equal(t, compliance.Hidden, vis("marketing-specialist", "attrs.credit_days"), "attrs hidden covers every custom field")
	tag, ok := p.Tag("attrs.national_id")
	require.True(t, ok)
	assert.True(t, tag.PIPLSensitive && tag.CPRASensitive && !tag.GDPRSpecial, "sensitivity differs by law")
	rev, _ := p.Tag("revenue")
	assert.True(t, rev.PIPLSensitive, "financial information is sensitive under PIPL")
	assert.False(t, rev.GDPRSpecial, "but not a GDPR special category")
}

// TestRedactUnknownRole: a misspelt role used to return a nearly empty
// record without a word; now it is an error with nothing in it.
func TestRedactUnknownRole(t *testing.T) {
	p := starterPolicy(t)
	c := overseas()
	got, err := p.Redact(t.Context(), as("sales_director"), &c)
	require.ErrorIs(t, err, compliance.ErrUnknownRole)
	assert.Equal(t, strata.Customer{}, got)
	_, err = p.Redact(t.Context(), as("sales-director"), nil)
	require.ErrorIs(t, err, compliance.ErrNilCustomer)
	_, err = p.Visibility(as("nobody"), "name")
	require.ErrorIs(t, err, compliance.ErrUnknownRole)
}

// TestRedactNestedAttrs: a tag on attrs.national_id covers the key in any
// case and at any depth, and values inside lists.
func TestRedactNestedAttrs(t *testing.T) {
	p := starterPolicy(t)
	id := "110105199003071234"
	c := strata.Customer{ID: "C1", Country: "US", Attrs: map[string]any{
		"National_ID": id,
		"nested":      map[string]any{"national_id": id, "kyc": map[string]any{"national-id": []any{id, id}}},
		"ids":         []any{map[string]any{"nationalId": id}},
		"credit_days": 30.0,
		"note":        "call after 5pm",
	}}
	for _, role := range []string{"international-team", "sales-rep", "sales-ops"} {
		t.Run(role, func(t *testing.T) {
			out, err := p.Redact(t.Context(), as(role), &c)
			require.NoError(t, err)
			b, err := json.Marshal(out)
			require.NoError(t, err)
			assert.NotContains(t, string(b), id, "the national ID is masked or removed at every depth")
		})
	}
	out, err := p.Redact(t.Context(), as("international-team"), &c)
	require.NoError(t, err)
	assert.Equal(t, "110105********1234", out.Attrs["National_ID"], "the tag's masker applies whatever the key's case")
	nested := out.Attrs["nested"].(map[string]any)
	assert.Equal(t, "110105********1234", nested["national_id"])
	assert.Equal(t, []any{"110105********1234", "110105********1234"}, nested["kyc"].(map[string]any)["national-id"])
	assert.Equal(t, 30.0, out.Attrs["credit_days"])
	assert.Equal(t, "call after 5pm", out.Attrs["note"], "confidential: international-team sees it")

	ops, err := p.Redact(t.Context(), as("sales-ops"), &c)
	require.NoError(t, err)
	assert.Equal(t, "c***", ops.Attrs["note"], "sales-ops masks confidential custom fields")
	assert.NotContains(t, ops.Attrs, "National_ID", "restricted: hidden from sales-ops")
	assert.Equal(t, 30.0, ops.Attrs["credit_days"], "internal: shown")
}

// TestRedactCoversEveryField: every JSON field of strata.Customer (and of
// its channels and consents) has a built-in tag, and a role that may see
// nothing gets a record without any personal value.
func TestRedactCoversEveryField(t *testing.T) {
	tags := map[string]bool{}
	for _, tg := range compliance.BuiltinTags() {
		tags[tg.Field] = true
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[strata.Customer]()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		assert.True(t, tags[name], "strata.Customer.%s (%s) has no built-in tag", f.Name, name)
	}
	cfg := compliance.StarterConfig("CN")
	cfg.Roles = append(cfg.Roles, compliance.Role{Name: "nobody", See: compliance.Public, Mask: compliance.Public,
		Grants: []compliance.Grant{{Tiers: []string{"*"}, Scope: compliance.ScopeAny, Actions: []compliance.Action{compliance.ActionView}}}})
	p, err := compliance.New(cfg)
	require.NoError(t, err)
	c := overseas()
	c.Languages, c.Products, c.Segments, c.Tags = []string{"en"}, []string{"yarn"}, []string{"s"}, []string{"t"}
	c.Scores = strata.Scores{Value: 1, Grade: strata.GradeA}
	out, err := p.Redact(t.Context(), as("nobody"), &c)
	require.NoError(t, err)
	assert.Equal(t, strata.Customer{}, out, "a role that sees nothing gets nothing")
}

func TestConfigErrors(t *testing.T) {
	cfg := compliance.StarterConfig("CN")
	cfg.Home = "China"
	cfg.Roles = append(cfg.Roles,
		compliance.Role{Name: "sales-rep", See: compliance.Public, Mask: compliance.Public,
			Grants: []compliance.Grant{{Tiers: []string{"*"}, Scope: compliance.ScopeAny, Actions: []compliance.Action{"view"}}}},
		compliance.Role{Name: "x", See: compliance.Restricted, Mask: compliance.Internal,
			Grants: []compliance.Grant{{Tiers: []string{"vip"}, Scope: "moon", Actions: []compliance.Action{"fly"}}, {}},
			Fields: map[string]compliance.Visibility{"shoe_size": compliance.Hidden, "name": "blurred"}},
		compliance.Role{Name: "unset"},
	)
	cfg.Tags = append(cfg.Tags, compliance.FieldTag{Field: "attrs.passport_no"}, compliance.FieldTag{Field: "attrs.National-ID", Sensitivity: compliance.Internal})
	_, err := compliance.New(cfg)
	require.Error(t, err)
	var got []string
	for _, e := range strata.Problems(err) {
		var ce *strata.ConfigError
		require.ErrorAs(t, e, &ce)
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		`home: "China" is not an ISO 3166-1 alpha-2 country code`,
		`tags[2].sensitivity: required: public, internal, confidential or restricted`,
		`tags[3].field: "attrs.National-ID" tags the same field as tags[0]`,
		`roles[7].name: duplicate role "sales-rep"`,
		`roles[8]: see (restricted) must not be above mask (internal)`,
		`roles[8].grants[0].scope: "moon": want any, domestic or overseas`,
		`roles[8].grants[0].actions[0]: unknown action "fly" (want view, edit, export, assign, email or comment)`,
		`roles[8].grants[1].scope: required: any, domestic or overseas`,
		`roles[8].grants[1].tiers: required: the tiers the grant covers, or ["*"] for every tier`,
		`roles[8].grants[1].actions: a grant needs actions`,
		`roles[8].fields.name: "blurred": want visible, masked or hidden`,
		`roles[8].fields.shoe_size: unknown field (tag it in tags first)`,
		`roles[9].see: required: public, internal, confidential or restricted`,
		`roles[9].mask: required: public, internal, confidential or restricted`,
		`roles[9].grants: a role needs at least one grant`,
	}, got)
}

// TestZeroSensitivityIsRefused: a tag written without a sensitivity used to
// be public, so a PIPL-sensitive national ID was visible to an intern.
func TestZeroSensitivityIsRefused(t *testing.T) {
	yaml := `
home: CN
roles:
  - {name: intern, see: public, mask: internal, grants: [{tiers: ["*"], scope: any, actions: [view]}]}
tags:
  - {field: attrs.national_id, pipl_sensitive: true}
`
	_, err := compliance.ParseConfig([]byte(yaml))
	require.ErrorContains(t, err, "tags[0].sensitivity: required")
	cfg := compliance.Config{Home: "CN", Roles: []compliance.Role{{Name: "intern", See: compliance.Public, Mask: compliance.Internal,
		Grants: []compliance.Grant{{Tiers: []string{"*"}, Scope: compliance.ScopeAny, Actions: []compliance.Action{"view"}}}}},
		Tags: []compliance.FieldTag{{Field: "attrs.national_id", PIPLSensitive: true}}}
	_, err = compliance.New(cfg)
	require.ErrorContains(t, err, "tags[0].sensitivity: required")
}

func TestSensitivityJSON(t *testing.T) {
	for _, s := range []compliance.Sensitivity{compliance.Public, compliance.Internal, compliance.Confidential, compliance.Restricted} {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back compliance.Sensitivity
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s, back)
	}
	var s compliance.Sensitivity
	assert.Equal(t, "unset", s.String())
	assert.Error(t, json.Unmarshal([]byte(`""`), &s))
	assert.Error(t, json.Unmarshal([]byte(`"top-secret"`), &s))
	assert.Error(t, json.Unmarshal([]byte(`3`), &s))
}

func TestConfigIsCopied(t *testing.T) {
	cfg := compliance.StarterConfig("CN")
	p, err := compliance.New(cfg)
	require.NoError(t, err)
	cfg.Roles[0].Grants[0].Tiers[0] = "changed"
	cfg.Roles[2].Fields["revenue"] = compliance.Visible
	assert.Equal(t, compliance.StarterConfig("CN"), p.Config(), "the caller's later changes do not reach the policy")
	got := p.Config()
	got.Roles[0].Name = "changed"
	assert.Equal(t, "sales-director", p.Config().Roles[0].Name)
	var nilPolicy *compliance.Policy
	assert.Equal(t, compliance.Config{}, nilPolicy.Config())
	assert.Nil(t, nilPolicy.Tags())
}

// TestRedactIsConsistentWithVisibility: for every role and field Redact
// reveals a field in full only when Visibility says visible.
func TestRedactIsConsistentWithVisibility(t *testing.T) {
	p := starterPolicy(t)
	c := overseas()
	for _, role := range roles {
		out, err := p.Redact(t.Context(), as(role), &c)
		require.NoError(t, err)
		for field, got := range map[string]any{"name": out.Name, "city": out.City, "revenue": out.Revenue, "profit": out.Profit} {
			v, err := p.Visibility(as(role), field)
			require.NoError(t, err)
			orig := map[string]any{"name": c.Name, "city": c.City, "revenue": c.Revenue, "profit": c.Profit}[field]
			assert.Equal(t, v == compliance.Visible, reflect.DeepEqual(orig, got), "%s %s: %s", role, field, v)
		}
	}
}

var roles = []string{"sales-director", "account-manager", "sales-rep", "support", "marketing-specialist", "international-team", "sales-ops"}

func TestErrorsNameNoPersonalData(t *testing.T) {
	p := starterPolicy(t)
	c := overseas()
	_, err := p.Decide(t.Context(), as("ghost"), &c, compliance.ActionView)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Blue Harbor")
	err = fmt.Errorf("refused %v: %w", c, err)
	for _, s := range []string{c.Name, c.Channels[0].Value, c.City, c.Consents[0].Source} {
		assert.NotContains(t, err.Error(), s)
	}
	long := strings.Repeat("r", 10_000)
	_, err = p.Decide(t.Context(), as(long), &c, compliance.ActionView)
	require.ErrorIs(t, err, compliance.ErrUnknownRole)
	assert.Less(t, len(err.Error()), 200, "a long role name is cut in the message")
	assert.True(t, errors.Is(err, compliance.ErrUnknownRole))
}
