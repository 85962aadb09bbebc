package strata_test

import (
	"testing"

	"github.com/strata-go/strata"
)

// importRecord is a record as a CRM import brings it: a name with stray
// spaces, a lower-case country, numbers in national and international
// formats, a mixed-case address.
func importRecord() strata.Customer {
	return strata.Customer{ID: "C-1", Name: " 深圳华信电子有限公司 ", Country: "cn", City: "Shenzhen",
		Channels: []strata.Channel{
			{Kind: strata.ChannelPhone, Value: "0755-8888 1234"},
			{Kind: strata.ChannelMobile, Value: "+86 138 0013 5678"},
			{Kind: strata.ChannelEmail, Value: "Li.Ming@Huaxin-Elec.com"},
			{Kind: strata.ChannelWeChat, Value: "wx_liming"},
		}}
}

// BenchmarkNormalize: the goal is ≤ 5 µs per record.
func BenchmarkNormalize(b *testing.B) {
	c := importRecord()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := strata.Normalize(&c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := strata.NormalizePhone("0755-8888 1234", "CN"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompanyKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		strata.CompanyKey("Shenzhen Huaxin Electronics Co., Ltd.")
	}
}

func BenchmarkNormalizeEmail(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := strata.NormalizeEmail("Li.Ming@Huaxin-Elec.com"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate checks a record as the service's route requests bring
// it (lead: ID, kind, country, subdivision, one language), a record with
// lists, money, scores and custom fields but no contact channels (crm),
// and the full sample record (full, whose email and phone checks parse).
func BenchmarkValidate(b *testing.B) {
	crm := good()
	crm.Channels = nil
	for _, bc := range []struct {
		name string
		c    strata.Customer
	}{
		{"lead", strata.Customer{ID: "c-1-2", Kind: strata.KindEnterprise, Country: "CN", Subdivision: "CN-SH", Languages: []string{"zh"}}},
		{"crm", crm},
		{"full", good()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.c.Validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
