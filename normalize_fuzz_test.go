package strata_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/strata-go/strata"
)

func FuzzCompanyKey(f *testing.F) {
	for _, s := range []string{"Shenzhen Huaxin Electronics Co., Ltd.", "深圳華信電子有限公司", "㈱トヨタ", "(주)삼성", "Müller GmbH & Co. KG", "Co., Ltd.", "", " . ", "ＡＢＣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k := strata.CompanyKey(name)
		if !utf8.ValidString(k) || strings.Contains(k, "  ") || strings.TrimSpace(k) != k {
			t.Fatalf("CompanyKey(%q) = %q", name, k)
		}
		if strings.ToLower(k) != k && strings.IndexFunc(k, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0 {
			t.Fatalf("CompanyKey(%q) = %q has capitals", name, k)
		}
		if len(k) > 4*len(name)+16 {
			t.Fatalf("CompanyKey(%q) grew to %d bytes", name, len(k))
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"Wang.Xiao+crm@GoogleMail.com", "li@例子.中国", "LI@XN--FSQU00A.XN--FIQS8S", "a@b", "@", "x@y..z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := strata.NormalizeEmail(s)
		if err != nil {
			return
		}
		again, err := strata.NormalizeEmail(e.Address)
		if err != nil || again != e {
			t.Fatalf("NormalizeEmail(%q) = %+v; of its address: %+v, %v", s, []string{e.Address, e.Key}, []string{again.Address, again.Key}, err)
		}
	})
}

func FuzzNormalizeHost(f *testing.F) {
	for _, s := range []string{"https://www.Huaxin-Elec.com/x", "例子.中国", "a.b.c.co.uk", "com.cn", "[::1]", "x@y.cn:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := strata.NormalizeHost(s)
		if err != nil {
			return
		}
		again, err := strata.NormalizeHost(h)
		if err != nil || again != h {
			t.Fatalf("NormalizeHost(%q) = %q, then %q, %v", s, h, again, err)
		}
	})
}

// FuzzNormalize: Normalize never panics, never changes its input, and is
// idempotent: after Apply, Normalize finds nothing more to change.
func FuzzNormalize(f *testing.F) {
	f.Add("  深圳华信电子\u3000有限公司 ", "cn", "138 0013 5678", "Li@Huaxin-Elec.COM", "+86 138 0013 5678")
	f.Add("ＡＢＣ", "DE", "030 123456 ext. 9", "x@例子.中国", "")
	f.Fuzz(func(t *testing.T, name, country, phone, email, mobile string) {
		c := strata.Customer{ID: "C", Name: name, Country: country, Channels: []strata.Channel{
			{Kind: strata.ChannelPhone, Value: phone}, {Kind: strata.ChannelEmail, Value: email}, {Kind: strata.ChannelMobile, Value: mobile}}}
		n, err := strata.Normalize(&c)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != name || c.Channels[0].Value != phone {
			t.Fatal("Normalize changed its input")
		}
		n.Apply(&c)
		again, _ := strata.Normalize(&c)
		if len(again.Changes) > 0 {
			t.Fatalf("not idempotent: %v", again.Changes)
		}
		_ = n.String()
	})
}
