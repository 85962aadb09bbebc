package strata_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/strata-go/strata"
)

// piiCustomer returns a customer full of personal data and the raw values
// that must never be printed.
func piiCustomer(r *rand.Rand, i int) (strata.Customer, []string) {
	name := fmt.Sprintf("Secretname%06d GmbH", r.IntN(1_000_000))
	city := fmt.Sprintf("Secretcity%06d", r.IntN(1_000_000))
	email := fmt.Sprintf("person%06d@mail.example.com", r.IntN(1_000_000))
	phone := fmt.Sprintf("+86 139 %04d %04d", r.IntN(10_000), r.IntN(10_000))
	handle := fmt.Sprintf("wxhandle%06d", r.IntN(1_000_000))
	nationalID := fmt.Sprintf("110105%08d%04d", 19000000+r.IntN(1_000_000), r.IntN(10_000))
	source := fmt.Sprintf("signed by Secretperson%06d", r.IntN(1_000_000))
	c := strata.Customer{
		ID: fmt.Sprint("C-", i), Name: name, Kind: strata.KindEnterprise, Country: "DE", Subdivision: "DE-BY", City: city,
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: email}, {Kind: strata.ChannelMobile, Value: phone, Preferred: true},
			{Kind: strata.ChannelWeChat, Value: handle}},
		Revenue: strata.MoneyOf(decimal.NewFromInt(1_000_000), "EUR"), Tier: "vip", Owner: "rep-1",
		Attrs:    map[string]any{"national_id": nationalID, "nested": map[string]any{"ids": []any{nationalID}}},
		Consents: []strata.Consent{{Purpose: "marketing_email", State: strata.ConsentGranted, At: t0, Source: source}},
	}
	return c, []string{name, city, email, phone, handle, nationalID, source, "Secret"}
}

// TestRecordsPrintWithoutPersonalData formats random customers, their
// channels and consents with every fmt verb, inside errors, and through
// slog's JSON and text handlers, and searches the output for personal data.
func TestRecordsPrintWithoutPersonalData(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10v", "%-30s"}
	for i := range 200 {
		c, secrets := piiCustomer(r, i)
		var out []string
		for _, v := range verbs {
			out = append(out, fmt.Sprintf(v, c), fmt.Sprintf(v, &c), fmt.Sprintf(v, c.Channels), fmt.Sprintf(v, c.Channels[0]),
				fmt.Sprintf(v, c.Consents), fmt.Sprintf(v, []strata.Customer{c}), fmt.Sprintf(v, map[string]*strata.Customer{"a": &c}),
				fmt.Sprintf(v, struct{ C strata.Customer }{c}))
		}
		err := fmt.Errorf("customer %v: %w", c, errors.New("refused"))
		out = append(out, err.Error(), fmt.Sprint(c), fmt.Sprintln(c, &c), c.String(), c.GoString())
		var buf bytes.Buffer
		for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
			slog.New(h).Info("x", "customer", c, "ptr", &c, "channel", c.Channels[0], "consent", c.Consents[0])
		}
		out = append(out, buf.String())
		all := strings.Join(out, "\n")
		for _, s := range secrets {
			if strings.Contains(all, s) {
				t.Fatalf("personal data %q printed:\n%s", s, all)
			}
		}
		assert.Contains(t, all, c.ID)
	}
}

func TestFormatShapes(t *testing.T) {
	c := strata.Customer{ID: "C-7", Name: "Secret", Kind: strata.KindEnterprise, Country: "US", Subdivision: "US-CA", Tier: "vip",
		Channels: []strata.Channel{{Kind: strata.ChannelEmail, Value: "a@b.example"}, {Kind: strata.ChannelPhone, Value: "+1 2", Preferred: true}}}
	for _, tt := range []struct{ format, want string }{
		{"%v", "{id=C-7 kind=enterprise country=US subdivision=US-CA tier=vip channels=[email phone]}"},
		{"%s", "{id=C-7 kind=enterprise country=US subdivision=US-CA tier=vip channels=[email phone]}"},
		{"%#v", `strata.Customer{ID:"C-7", Kind:"enterprise", Country:"US", Subdivision:"US-CA", Tier:"vip", /* personal data redacted */}`},
		{"%q", `"{id=C-7 kind=enterprise country=US subdivision=US-CA tier=vip channels=[email phone]}"`},
	} {
		t.Run(tt.format, func(t *testing.T) {
			assert.Equal(t, tt.want, fmt.Sprintf(tt.format, c))
		})
	}
	assert.Equal(t, "[{kind=email} {kind=phone preferred}]", fmt.Sprint(c.Channels))
	assert.Equal(t, `strata.Channel{Kind:"email", Preferred:false, /* value redacted */}`, fmt.Sprintf("%#v", c.Channels[0]))
	assert.Equal(t, "|     {kind=email}|", fmt.Sprintf("|%17v|", c.Channels[0]))
	cs := strata.Consent{Purpose: "marketing_email", Basis: "consent", State: strata.ConsentGranted, At: t0, Source: "Secret", Separate: true}
	assert.Equal(t, "{purpose=marketing_email basis=consent state=granted at=2026-11-22T09:00:00Z separate}", fmt.Sprint(cs))
	var nilc *strata.Customer
	assert.Equal(t, "<nil>", fmt.Sprint(nilc))
}
