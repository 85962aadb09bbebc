package compliance_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance"
	"github.com/strata-go/strata/routing"
)

// secrets is the raw personal data of one generated customer, by field.
type secrets map[string]string

// genCustomer makes a varied customer full of personal data, with the raw
// values that no output may show unmasked.
func genCustomer(r *rand.Rand, i int) (strata.Customer, secrets) {
	n := func() int { return r.IntN(1_000_000) }
	s := secrets{
		"name":           fmt.Sprintf("%s%06d", []string{"上海锦纶纺织有限公司", "Blue Harbor Trading ", "Müller & Söhne GmbH ", "Nguyễn Văn An "}[r.IntN(4)], n()),
		"city":           fmt.Sprintf("Cityname%06d", n()),
		"email":          fmt.Sprintf("person%06d@mail%03d.example.com", n(), r.IntN(1000)),
		"mobile":         fmt.Sprintf("+86 1%02d %04d %04d", r.IntN(100), r.IntN(10000), r.IntN(10000)),
		"wechat":         fmt.Sprintf("wx_secret_%06d", n()),
		"national_id":    fmt.Sprintf("110105%08d%04d", 19000000+r.IntN(1000000), r.IntN(10000)),
		"nested_id":      fmt.Sprintf("310101%08d%04d", 19000000+r.IntN(1000000), r.IntN(10000)),
		"consent_source": fmt.Sprintf("signed by Witness%06d at the fair", n()),
	}
	tiers := []string{"vip", "key", "regular", "basic", "potential", ""}
	c := strata.Customer{
		ID: fmt.Sprint("C", i), Name: s["name"], Kind: []strata.Kind{"", strata.KindEnterprise, strata.KindIndividual}[r.IntN(3)],
		Country: []string{"CN", "US", "DE", "SG", "VN"}[r.IntN(5)], City: s["city"], Tier: tiers[r.IntN(len(tiers))],
		Channels: []strata.Channel{
			{Kind: strata.ChannelEmail, Value: s["email"]},
			{Kind: strata.ChannelMobile, Value: s["mobile"]},
			{Kind: strata.ChannelWeChat, Value: s["wechat"]},
		},
		Revenue: strata.MoneyOf(decimal.NewFromInt(int64(1_000_000+r.IntN(9_000_000))), "CNY"),
		Attrs: map[string]any{
			[]string{"national_id", "National_ID", "nationalId"}[r.IntN(3)]: s["national_id"],
			"kyc": map[string]any{"docs": []any{map[string]any{"national-id": s["nested_id"]}}},
		},
		Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: now, Source: s["consent_source"]}},
	}
	return c, s
}

// fieldOf says which field each secret lives in, for Visibility.
var fieldOf = map[string]string{
	"name": "name", "city": "city", "email": "channels.value", "mobile": "channels.value", "wechat": "channels.value",
	"national_id": "attrs.national_id", "nested_id": "attrs.kyc.docs.national_id", "consent_source": "consents.source",
}

// TestNoPIILeaks is the privacy property: for random customers, no output
// shows a raw personal value it may not — Redact for every role (each
// secret only where Visibility says visible), the redacting handler with
// JSON and text output and every value shape, every fmt verb, and errors.
func TestNoPIILeaks(t *testing.T) {
	p := starterPolicy(t)
	r := rand.New(rand.NewPCG(3, 4))
	var buf bytes.Buffer
	logs := map[string]*slog.Logger{}
	for name, h := range map[string]slog.Handler{"json": slog.NewJSONHandler(&buf, nil), "text": slog.NewTextHandler(&buf, nil)} {
		rh, err := compliance.NewRedactingHandler(h, p)
		require.NoError(t, err)
		logs[name] = slog.New(rh)
	}
	for i := range 300 {
		c, s := genCustomer(r, i)
		for _, role := range roles {
			out, err := p.Redact(t.Context(), as(role), &c)
			require.NoError(t, err)
			b, err := json.Marshal(out)
			require.NoError(t, err)
			for key, raw := range s {
				v, err := p.Visibility(as(role), fieldOf[key])
				require.NoError(t, err)
				if v != compliance.Visible {
					require.NotContains(t, string(b), raw, "Redact for %s shows %s", role, key)
				}
			}
		}
		buf.Reset()
		for _, l := range logs {
			logEverything(l, c)
		}
		printed := buf.String() + "\n" + formatEverything(c)
		for key, raw := range s {
			require.NotContains(t, printed, raw, "a log line, a format verb or an error shows %s", key)
		}
	}
}

// request is a host's own type that carries a customer without a LogValue
// of its own (routing.Request is logged as itself beside it).
type request struct {
	Item     string
	Customer strata.Customer
	Lead     struct{ Contact, Phone string }
	secret   string //nolint:unused // an unexported field the handler must drop
}

func logEverything(l *slog.Logger, c strata.Customer) {
	req := request{Item: "L-1", Customer: c}
	req.Lead.Contact, req.Lead.Phone = c.Name, c.Channels[1].Value
	rreq := routing.Request{Item: "L-1", Customer: c, Lead: routing.Lead{ID: "L-1", Product: "yarn",
		Attrs: map[string]any{"contact": c.Name, "phone": c.Channels[1].Value, "email": c.Channels[0].Value}}}
	l.Info("customer updated",
		"customer", c, "customer_ptr", &c,
		"customers", []strata.Customer{c}, "by_id", map[string]strata.Customer{c.ID: c}, "ptrs", []*strata.Customer{&c},
		"channel", c.Channels[0], "channels", c.Channels, "channel_ptr", &c.Channels[1],
		"consents", c.Consents, "request", req, "request_ptr", &req,
		"routing_request", rreq, "routing_request_ptr", &rreq, "routing_requests", []routing.Request{rreq},
		"name", c.Name, "phone_number", c.Channels[1].Value, "email_address", c.Channels[0].Value,
		"customer_phone", c.Channels[1].Value, "CustomerEmail", c.Channels[0].Value, "wechat_id", c.Channels[2].Value,
		"attrs", c.Attrs, "any", any(c), "list", []any{c.Channels[0].Value, c},
		slog.Group("contact", "mobile", c.Channels[1].Value, slog.Group("kyc", "National_ID", c.Attrs)),
		"city", c.City, "err", fmt.Errorf("refused %v", c))
}

func formatEverything(c strata.Customer) string {
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out = append(out, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, c.Channels), fmt.Sprintf(verb, c.Consents))
	}
	out = append(out, fmt.Errorf("customer %v: %w", c, errors.New("x")).Error())
	return strings.Join(out, "\n")
}

func TestRedactingHandlerKeys(t *testing.T) {
	var buf bytes.Buffer
	h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), nil, compliance.LogKey{Pattern: "vat", Mask: compliance.MaskKindText})
	require.NoError(t, err)
	logger := slog.New(h).With("email", "ops@corp.example.cn").WithGroup("req")
	logger.Info("routed", "lead", "L-1", "phone", "+86 138 0013 5678", "amount", 42, "pool_name", "europe", "rule", "vip",
		"phone_number", "+49 30 1234 5678", "email_address", "a@b.example", "customer_phone", "+1 213 555 0147",
		"customerPhone", "+1 213 555 0148", "Customer-Email", "c@d.example", "vat_no", "DE123", "birth_date", "1990-01-02",
		"first_name", "Anna", "national_id", 110105199003071234, "emails", []string{"x@y.example", "z@w.example"})
	s := buf.String()
	for _, want := range []string{`"email":"***@corp.example.cn"`, `"lead":"L-1"`, `"phone":"+86 138****5678"`, `"amount":42`,
		`"pool_name":"europe"`, `"rule":"vip"`, `"phone_number":"+49 30****5678"`, `"email_address":"***@b.example"`,
		`"customer_phone":"+1 21****0147"`, `"customerPhone":"+1 21****0148"`, `"Customer-Email":"***@d.example"`, `"vat_no":"D***"`,
		`"birth_date":"1***"`, `"first_name":"A***"`, `"national_id":"[REDACTED]"`, `"emails":["***@y.example","***@w.example"]`} {
		assert.Contains(t, s, want)
	}
	_, err = compliance.NewRedactingHandler(nil, nil)
	require.Error(t, err, "a nil handler is an error, not a panic later")
}

// TestRedactingHandlerValues: values that carry customers are rebuilt from
// their parts, whatever their shape.
func TestRedactingHandlerValues(t *testing.T) {
	var buf bytes.Buffer
	h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), nil)
	require.NoError(t, err)
	c := overseas()
	req := request{Item: "L-1", Customer: c, secret: "hidden"}
	slog.New(h).Info("x", "req", &req, "customers", map[string]*strata.Customer{"b": &c, "a": nil},
		"many", make([]strata.Channel, 150), "nilptr", (*request)(nil))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	r := got["req"].(map[string]any)
	assert.Equal(t, "L-1", r["Item"])
	assert.Equal(t, map[string]any{"id": "C-US-7", "kind": "enterprise", "country": "US", "subdivision": "US-CA", "tier": "vip",
		"channels": []any{"email", "phone", "whatsapp"}}, r["Customer"])
	assert.NotContains(t, r, "secret", "unexported fields are dropped")
	cs := got["customers"].(map[string]any)
	assert.Nil(t, cs["a"])
	assert.Equal(t, "C-US-7", cs["b"].(map[string]any)["id"])
	many := got["many"].([]any)
	assert.Len(t, many, 101, "lists are cut at 100 entries")
	assert.Equal(t, "… 50 more", many[100])
	assert.Nil(t, got["nilptr"])
}

// TestRedactingHandlerCycle: a value that refers to itself is cut at the
// depth limit, not followed forever.
func TestRedactingHandlerCycle(t *testing.T) {
	var buf bytes.Buffer
	h, err := compliance.NewRedactingHandler(slog.NewJSONHandler(&buf, nil), nil)
	require.NoError(t, err)
	m := map[string]any{"name": "Someone"}
	m["self"] = m
	slog.New(h).Info("x", "m", m)
	assert.Contains(t, buf.String(), "[REDACTED]")
	assert.NotContains(t, buf.String(), "Someone")
}

func TestRedactingHandlerPassesLevels(t *testing.T) {
	var buf bytes.Buffer
	h, err := compliance.NewRedactingHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}), nil)
	require.NoError(t, err)
	assert.False(t, h.Enabled(t.Context(), slog.LevelInfo))
	assert.True(t, h.Enabled(t.Context(), slog.LevelError))
}
