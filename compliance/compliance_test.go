package compliance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
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

func seedPolicy(t testing.TB, opts ...compliance.Option) *compliance.Policy {
	t.Helper()
	p, err := compliance.New(compliance.StarterConfig("CN"), opts...)
	require.NoError(t, err)
	return p
}

func overseas() strata.Customer {
	return strata.Customer{
		ID: "C-US-7", Name: "Blue Harbor Trading", Kind: strata.KindEnterprise, Country: "US", Subdivision: "US-CA", City: "Los Angeles",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "buyer@blueharbor.example.com"},
			{Kind: strata.ChannelPhone, Value: "+1 213 555 0147"}, {Kind: strata.ChannelWhatsApp, Value: "+1 213 555 0199"}},
		Revenue: strata.MoneyOf(decimal.NewFromInt(2_600_000), "USD"), Profit: strata.MoneyOf(decimal.NewFromInt(410_000), "USD"),
		Orders: 22, Tier: "vip", Attrs: map[string]any{"national_id": "110105199003071234", "credit_days": 60.0},
		FirstOrderAt: now.AddDate(-3, 0, 0), LastOrderAt: now.AddDate(0, 0, -12),
	}
}

func TestDecide(t *testing.T) {
	p := seedPolicy(t)
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
		{"intern", domestic("vip"), compliance.ActionView, false, "unknown role intern"},
		{"sales-director", domestic("vip"), "delete", false, "unknown action delete"},
	} {
		d := p.Decide("u1", tt.role, tt.c, tt.action)
		assert.Equal(t, tt.allow, d.Allowed, "%s %s %s", tt.role, tt.action, tt.c.Tier)
		assert.Equal(t, tt.reason, d.Reason)
	}
}

func TestAudit(t *testing.T) {
	var mu sync.Mutex
	var log []compliance.AuditEvent
	p := seedPolicy(t, compliance.WithAudit(func(e compliance.AuditEvent) { mu.Lock(); log = append(log, e); mu.Unlock() }))
	c := overseas()
	p.Decide("li.wei", "marketing-specialist", &c, compliance.ActionExport)
	p.Decide("anna", "international-team", &c, compliance.ActionView)
	require.Len(t, log, 2)
	assert.Equal(t, "li.wei", log[0].Viewer)
	assert.False(t, log[0].Decision.Allowed)
	assert.Equal(t, "C-US-7", log[0].Decision.Customer)
	assert.True(t, log[1].Decision.Allowed)
}

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{
		"+86 138 0013 5678": "+86 138****5678",
		"+8613800135678":    "+86 138****5678",
		"+1 213 555 0147":   "+1 21****0147",
		"+49 30 1234 5678":  "+49 30****5678",
		"+65 9123 4567":     "+65 ****4567",
		"0213-555":          "*****55",
		"12":                "***",
	} {
		assert.Equal(t, want, compliance.MaskPhone(in), in)
	}
	for in, want := range map[string]string{
		"buyer@jinlun.example.cn": "***@jinlun.example.cn",
		"anna.schmidt@firma.de":   "***@firma.de",
		"sales@acme.com.sg":       "***@acme.com.sg",
		"not-an-email":            "***",
	} {
		assert.Equal(t, want, compliance.MaskEmail(in), in)
	}
	assert.Equal(t, "110105********1234", compliance.MaskPRCID("110105199003071234"))
	assert.Equal(t, "11010519900307123X"[:6]+"********"+"123X", compliance.MaskPRCID("11010519900307123X"))
	assert.Equal(t, "****5678", compliance.MaskPRCID("G12345678"[1:]))
	assert.Equal(t, "上海********", compliance.MaskName("上海锦纶纺织有限公司"))
	assert.Equal(t, "B*** H*** T***", compliance.MaskName("Blue Harbor Trading"))
	assert.Equal(t, "wx***", compliance.MaskHandle("wx_buyer_01"))
	assert.Equal(t, "5000000.00 CNY", compliance.MaskMoney(strata.MoneyOf(decimal.RequireFromString("5600000.55"), "CNY")).String())
	assert.Equal(t, "-40000.00 USD", compliance.MaskMoney(strata.MoneyOf(decimal.NewFromInt(-41_999), "USD")).String())
	assert.Equal(t, "0.00 USD", compliance.MaskMoney(strata.MoneyOf(decimal.RequireFromString("0.5"), "USD")).String())
}

func TestRedactByRole(t *testing.T) {
	p := seedPolicy(t)
	c := overseas()
	director := p.Redact(c, "sales-director")
	assert.Equal(t, c.Name, director.Name)
	assert.Equal(t, c.Channels, director.Channels)
	assert.Equal(t, "110105199003071234", director.Attrs["national_id"], "directors see restricted fields")

	marketing := p.Redact(c, "marketing-specialist")
	assert.Equal(t, "B*** H*** T***", marketing.Name)
	assert.Equal(t, "***@blueharbor.example.com", marketing.Channels[0].Value)
	assert.Equal(t, "+1 21****0147", marketing.Channels[1].Value)
	assert.Equal(t, strata.Money{}, marketing.Revenue)
	assert.Nil(t, marketing.Attrs["national_id"])
	assert.Equal(t, "L***", marketing.City)
	assert.Equal(t, "US", marketing.Country)

	intl := p.Redact(c, "international-team")
	assert.Equal(t, "2000000.00 USD", intl.Revenue.String(), "money as a band")
	assert.Equal(t, "110105********1234", intl.Attrs["national_id"], "restricted: masked with the PRC ID masker")

	assert.Equal(t, strata.Customer{ID: "C-US-7"}, p.Redact(c, "nobody"))
	assert.Equal(t, "Blue Harbor Trading", c.Name, "the original is untouched")
	assert.Equal(t, "110105199003071234", c.Attrs["national_id"])

	assert.Equal(t, compliance.Masked, p.Visibility("sales-rep", "revenue"))
	assert.Equal(t, compliance.Visible, p.Visibility("sales-rep", "channels.value"))
	assert.Equal(t, compliance.Hidden, p.Visibility("marketing-specialist", "attrs.credit_days"), "attrs hidden covers every custom field")
	tag, ok := p.Tag("attrs.national_id")
	require.True(t, ok)
	assert.True(t, tag.PIPLSensitive && tag.CPRASensitive && !tag.GDPRSpecial, "sensitivity differs by law")
	rev, _ := p.Tag("revenue")
	assert.True(t, rev.PIPLSensitive, "financial information is sensitive under PIPL")
	assert.False(t, rev.GDPRSpecial, "but not a GDPR special category")
}

// genCustomer makes a varied customer full of personal data.
func genCustomer(r *rand.Rand, i int) strata.Customer {
	tiers := []string{"vip", "key", "regular", "basic", "potential", ""}
	return strata.Customer{
		ID: fmt.Sprint("C", i), Name: []string{"上海锦纶纺织有限公司", "Blue Harbor Trading", "Müller & Söhne GmbH", "Nguyễn Văn An"}[r.IntN(4)] + fmt.Sprint(r.IntN(1000)),
		Country: []string{"CN", "US", "DE", "SG", "VN"}[r.IntN(5)], City: fmt.Sprintf("City%06d", r.IntN(1_000_000)), Tier: tiers[r.IntN(len(tiers))],
		Channels: []strata.Channel{
			{Kind: strata.ChannelEmail, Value: fmt.Sprintf("person%06d@mail%03d.example.com", r.IntN(1_000_000), r.IntN(1000))},
			{Kind: strata.ChannelMobile, Value: fmt.Sprintf("+86 1%02d %04d %04d", r.IntN(100), r.IntN(10000), r.IntN(10000))},
			{Kind: strata.ChannelWeChat, Value: fmt.Sprintf("wx_secret_%06d", r.IntN(1_000_000))},
		},
		Revenue: strata.MoneyOf(decimal.NewFromInt(int64(1_000_000+r.IntN(9_000_000))), "CNY"),
		Attrs:   map[string]any{"national_id": fmt.Sprintf("110105%08d%04d", 19000000+r.IntN(1000000), r.IntN(10000))},
	}
}

// TestNoPIILeaks: for every role and many customers, no raw value of a field
// the policy masks or hides appears in the Redact output or in logs written
// through the redacting handler.
func TestNoPIILeaks(t *testing.T) {
	p := seedPolicy(t)
	r := rand.New(rand.NewPCG(3, 4))
	roles := []string{"sales-director", "account-manager", "sales-rep", "support", "marketing-specialist", "international-team", "sales-ops", "nobody"}
	var buf bytes.Buffer
	logger := slog.New(compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), p, nil))
	for i := range 300 {
		c := genCustomer(r, i)
		secrets := map[string]string{"name": c.Name, "city": c.City, "channels.value": c.Channels[0].Value,
			"attrs.national_id": c.Attrs["national_id"].(string)}
		for _, ch := range c.Channels {
			secrets["channels.value:"+string(ch.Kind)] = ch.Value
		}
		for _, role := range roles {
			out, err := json.Marshal(p.Redact(c, role))
			require.NoError(t, err)
			for field, raw := range secrets {
				base, _, _ := strings.Cut(field, ":")
				if p.Visibility(role, base) != compliance.Visible {
					require.NotContains(t, string(out), raw, "role %s leaks %s", role, field)
				}
			}
		}
		buf.Reset()
		logger.Info("customer updated", "customer", c, "name", c.Name, "email", c.Channels[0].Value,
			slog.Group("contact", "mobile", c.Channels[1].Value, "wechat", c.Channels[2].Value, slog.Group("id", "national_id", c.Attrs["national_id"])),
			"city", c.City)
		for field, raw := range secrets {
			require.NotContains(t, buf.String(), raw, "the log leaks %s", field)
		}
	}
}

func TestRedactingHandlerKeepsTheRest(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), nil, nil)).With("email", "ops@corp.example.cn").WithGroup("req")
	logger.Info("routed", "lead", "L-1", "phone", "+86 138 0013 5678", "amount", 42)
	s := buf.String()
	assert.Contains(t, s, `"email":"***@corp.example.cn"`)
	assert.Contains(t, s, `"req":{"lead":"L-1","phone":"+86 138****5678","amount":42}`)
}

func TestCompileErrors(t *testing.T) {
	cfg := compliance.StarterConfig("CN")
	cfg.Home = "China"
	cfg.Roles = append(cfg.Roles, compliance.Role{Name: "sales-rep"},
		compliance.Role{Name: "x", See: compliance.Restricted, Mask: compliance.Internal,
			Grants: []compliance.Grant{{Scope: "moon", Actions: []compliance.Action{"fly"}}, {}},
			Fields: map[string]compliance.Visibility{"shoe_size": compliance.Hidden, "name": "blurred"}})
	_, err := compliance.New(cfg)
	require.Error(t, err)
	for _, want := range []string{`home: "China"`, `roles[7].name: duplicate role "sales-rep"`, "roles[8]: see (restricted) must not be above mask (internal)",
		`roles[8].grants[0].scope: "moon"`, `roles[8].grants[0].actions[0]: unknown action "fly"`, "roles[8].grants[1].actions: a grant needs actions",
		"roles[8].fields.shoe_size: unknown field", `roles[8].fields.name: "blurred"`} {
		assert.ErrorContains(t, err, want)
	}
	var ce *strata.ConfigError
	assert.ErrorAs(t, err, &ce)
}

func TestPolicyJSONRoundTrip(t *testing.T) {
	cfg := compliance.StarterConfig("CN")
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"see":"restricted"`)
	var back compliance.Config
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, cfg, back)
	assert.Error(t, json.Unmarshal([]byte(`{"roles":[{"see":"top-secret"}]}`), &back))
}

func FuzzPolicyAndCustomer(f *testing.F) {
	pol, _ := json.Marshal(compliance.StarterConfig("CN"))
	cust, _ := json.Marshal(overseas())
	f.Add(pol, cust, "marketing-specialist")
	f.Add([]byte(`{"home":"CN","roles":[{"name":"r","see":"public","mask":"restricted","grants":[{"actions":["view"]}],"fields":{"attrs":"masked"}}]}`),
		[]byte(`{"id":"x","name":"李","channels":[{"kind":"mobile","value":"+"},{"kind":"email","value":"@"}],"attrs":{"k":[1,{"a":"b"}]}}`), "r")
	f.Fuzz(func(t *testing.T, policy, customer []byte, role string) {
		var cfg compliance.Config
		var c strata.Customer
		if json.Unmarshal(policy, &cfg) != nil || json.Unmarshal(customer, &c) != nil {
			return
		}
		p, err := compliance.New(cfg)
		if err != nil {
			var ce *strata.ConfigError
			require.True(t, errors.As(err, &ce), "typed errors only: %v", err)
			return
		}
		for _, a := range []compliance.Action{"view", "export", "x"} {
			_ = p.Decide("fuzz", role, &c, a)
		}
		_ = p.Redact(c, role)
		for _, ch := range c.Channels {
			_ = compliance.MaskPhone(ch.Value)
			_ = compliance.MaskEmail(ch.Value)
			_ = compliance.MaskName(ch.Value)
			_ = compliance.MaskPRCID(ch.Value)
		}
	})
}
