package law_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/compliance/law"
)

func TestCheckTransfer(t *testing.T) {
	e := engine(t)
	eu := &strata.Customer{ID: "eu", Country: "DE"}
	uk := &strata.Customer{ID: "uk", Country: "GB"}
	cn := &strata.Customer{ID: "cn", Country: "CN", Consents: []strata.Consent{consent(law.PurposeTransfer, strata.ConsentGranted, "2025-01-01", true)}}
	cnNoConsent := &strata.Customer{ID: "cn2", Country: "CN"}
	to := func(country string, g ...law.Safeguard) law.Recipient {
		return law.Recipient{Country: country, Safeguards: g}
	}
	pipl := func(v law.PIPLExport) *law.PIPLExport { return &v }
	for _, tt := range []struct {
		name string
		c    *strata.Customer
		t    law.Transfer
		at   string
		want law.TransferOutcome
	}{
		{"within the EEA", eu, law.Transfer{From: "DE", To: to("NO")}, "2026-11-23", law.TransferAllowed},
		{"EU to China needs SCCs", eu, law.Transfer{From: "DE", To: to("CN")}, "2026-11-23", law.TransferNeedsSCC},
		{"EU to China with SCCs signed", eu, law.Transfer{From: "DE", To: to("CN", law.SafeguardSCC)}, "2026-11-23", law.TransferAllowed},
		{"EU to Japan: adequacy", eu, law.Transfer{From: "DE", To: to("JP")}, "2026-11-23", law.TransferAllowed},
		{"EU to the US, DPF-certified", eu, law.Transfer{From: "DE", To: to("US", law.SafeguardDPF)}, "2026-11-23", law.TransferAllowed},
		{"EU to the US, not certified", eu, law.Transfer{From: "DE", To: to("US")}, "2026-11-23", law.TransferNeedsSCC},
		{"EU to the UK on the last day of adequacy", eu, law.Transfer{From: "DE", To: to("GB")}, "2031-12-26", law.TransferAllowed},
		{"EU to the UK after adequacy expires", eu, law.Transfer{From: "DE", To: to("GB")}, "2031-12-27", law.TransferNeedsSCC},
		{"EU to Brazil the day before adequacy", eu, law.Transfer{From: "DE", To: to("BR")}, "2026-01-25", law.TransferNeedsSCC},
		{"EU to Brazil from 26 January 2026", eu, law.Transfer{From: "DE", To: to("BR")}, "2026-01-26", law.TransferAllowed},
		{"UK to the EEA", uk, law.Transfer{From: "GB", To: to("FR")}, "2026-11-23", law.TransferAllowed},
		{"UK to China", uk, law.Transfer{From: "GB", To: to("CN")}, "2026-11-23", law.TransferNeedsSCC},
		// DPA 2018 Sch. 21 para. 5: the UK's adequacy covers the Crown
		// dependencies and Gibraltar.
		{"UK to Guernsey", uk, law.Transfer{From: "GB", To: to("GG")}, "2026-11-23", law.TransferAllowed},
		{"UK to Jersey", uk, law.Transfer{From: "GB", To: to("JE")}, "2026-11-23", law.TransferAllowed},
		{"UK to the Isle of Man", uk, law.Transfer{From: "GB", To: to("IM")}, "2026-11-23", law.TransferAllowed},
		{"UK to Gibraltar", uk, law.Transfer{From: "GB", To: to("GI")}, "2026-11-23", law.TransferAllowed},
		{"UK to Korea", uk, law.Transfer{From: "GB", To: to("KR")}, "2026-11-23", law.TransferAllowed},
		{"UK to the US, certified", uk, law.Transfer{From: "GB", To: to("US", law.SafeguardDPF)}, "2026-11-23", law.TransferAllowed},
		{"Brazil to the EEA", &strata.Customer{Country: "BR"}, law.Transfer{From: "BR", To: to("PT")}, "2026-11-23", law.TransferAllowed},
		{"Brazil to the EEA before Resolution 32/2026", &strata.Customer{Country: "BR"}, law.Transfer{From: "BR", To: to("PT")}, "2025-11-23", law.TransferNeedsSCC},
		{"Brazil to China", &strata.Customer{Country: "BR"}, law.Transfer{From: "BR", To: to("CN")}, "2026-11-23", law.TransferNeedsSCC},
		{"Hong Kong: no statutory restriction", &strata.Customer{Country: "HK"}, law.Transfer{From: "HK", To: to("CN")}, "2026-11-23", law.TransferAllowed},
		{"Vietnam: needs the filed impact assessment", &strata.Customer{Country: "VN"}, law.Transfer{From: "VN", To: to("CN")}, "2026-11-23", law.TransferNeedsFiling},
		{"Vietnam: filed", &strata.Customer{Country: "VN"}, law.Transfer{From: "VN", To: to("CN", law.SafeguardFiled)}, "2026-11-23", law.TransferAllowed},
		{"India after commencement: no restricted list yet", &strata.Customer{Country: "IN"}, law.Transfer{From: "IN", To: to("US")}, "2027-06-01", law.TransferAllowed},
		{"Japan: consent of the individual", &strata.Customer{Country: "JP", Consents: []strata.Consent{consent(law.PurposeTransfer, strata.ConsentGranted, "2026-01-01", false)}},
			law.Transfer{From: "JP", To: to("CN")}, "2026-11-23", law.TransferAllowed},
		{"Japan to the EEA", &strata.Customer{Country: "JP"}, law.Transfer{From: "JP", To: to("FR")}, "2026-11-23", law.TransferAllowed},
		{"Japan to China without consent", &strata.Customer{Country: "JP"}, law.Transfer{From: "JP", To: to("CN")}, "2026-11-23", law.TransferNeedsSCC},
		{"no rules for the exporter", &strata.Customer{Country: "AQ"}, law.Transfer{From: "AQ", To: to("CN")}, "2026-11-23", law.TransferAllowed},
		{"withdrawn transfer consent: denied", &strata.Customer{Country: "DE", Consents: []strata.Consent{consent(law.PurposeTransfer, strata.ConsentWithdrawn, "2026-01-01", false)}},
			law.Transfer{From: "DE", To: to("FR")}, "2026-11-23", law.TransferDenied},
		// PIPL, in the order of the 2024 Provisions.
		{"PIPL 99,999 individuals: exempt", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 99_999})}, "2026-11-23", law.TransferExempt},
		{"PIPL 100,000: standard contract", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 100_000})}, "2026-11-23", law.TransferNeedsPIPLFiling},
		{"PIPL 999,999: standard contract", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 999_999})}, "2026-11-23", law.TransferNeedsPIPLFiling},
		{"PIPL 1,000,000: assessment", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 1_000_000})}, "2026-11-23", law.TransferNeedsAssessment},
		{"PIPL sensitive 9,999: standard contract", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 10, SensitiveIndividuals: 9_999})}, "2026-11-23", law.TransferNeedsPIPLFiling},
		{"PIPL sensitive 10,000: assessment", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{Individuals: 10, SensitiveIndividuals: 10_000})}, "2026-11-23", law.TransferNeedsAssessment},
		{"PIPL CIIO under 100,000: assessment (no volume exemption)", cn, law.Transfer{From: "CN", To: to("DE"), PIPL: pipl(law.PIPLExport{CIIO: true, Individuals: 50})}, "2026-11-23", law.TransferNeedsAssessment},
		{"PIPL contract filed", cn, law.Transfer{From: "CN", To: to("DE", law.SafeguardPIPLContract), PIPL: pipl(law.PIPLExport{Individuals: 200_000})}, "2026-11-23", law.TransferAllowed},
		{"PIPL assessment passed", cn, law.Transfer{From: "CN", To: to("DE", law.SafeguardPIPLAssessed), PIPL: pipl(law.PIPLExport{Individuals: 2_000_000})}, "2026-11-23", law.TransferAllowed},
		// Art. 5(1)–(3): exempt whatever the volume, CIIO or not, and
		// without separate consent (the basis is not consent).
		{"PIPL contract necessity, 2,000,000 individuals: exempt", cnNoConsent, law.Transfer{From: "CN", To: to("US"), PIPL: pipl(law.PIPLExport{Individuals: 2_000_000, ContractNecessity: true})}, "2026-11-23", law.TransferExempt},
		{"PIPL contract necessity, 50,000 sensitive: exempt", cnNoConsent, law.Transfer{From: "CN", To: to("US"), PIPL: pipl(law.PIPLExport{SensitiveIndividuals: 50_000, ContractNecessity: true})}, "2026-11-23", law.TransferExempt},
		{"PIPL contract necessity by a CIIO: exempt", cnNoConsent, law.Transfer{From: "CN", To: to("US"), PIPL: pipl(law.PIPLExport{CIIO: true, Individuals: 5_000_000, ContractNecessity: true})}, "2026-11-23", law.TransferExempt},
		{"PIPL cross-border HR management: exempt", cnNoConsent, law.Transfer{From: "CN", To: to("SG"), PIPL: pipl(law.PIPLExport{Individuals: 3_000_000, HRManagement: true})}, "2026-11-23", law.TransferExempt},
		{"PIPL emergency: exempt", cnNoConsent, law.Transfer{From: "CN", To: to("JP"), PIPL: pipl(law.PIPLExport{Individuals: 3_000_000, Emergency: true})}, "2026-11-23", law.TransferExempt},
		{"PIPL important data still needs an assessment", cnNoConsent, law.Transfer{From: "CN", To: to("US"), PIPL: pipl(law.PIPLExport{ImportantData: true, ContractNecessity: true})}, "2026-11-23", law.TransferNeedsAssessment},
		{"PIPL without separate consent: denied", cnNoConsent, law.Transfer{From: "CN", To: to("US"), PIPL: pipl(law.PIPLExport{})}, "2026-11-23", law.TransferDenied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := e.CheckTransfer(tt.c, tt.t, day(tt.at))
			require.NoError(t, err)
			assert.Equal(t, tt.want, d.Outcome, d.Reason)
			assert.NotEmpty(t, d.Reason)
			assert.Equal(t, tt.want == law.TransferAllowed || tt.want == law.TransferExempt, d.Permitted())
		})
	}
	d, err := e.CheckTransfer(eu, law.Transfer{From: "DE", To: to("GB")}, day("2026-11-23"))
	require.NoError(t, err)
	assert.Contains(t, d.Reason, "until 2031-12-27")
	d, err = e.CheckTransfer(uk, law.Transfer{From: "GB", To: to("GG")}, day("2026-11-23"))
	require.NoError(t, err)
	assert.Contains(t, d.Reason, "DPA 2018 Sch. 21 para. 5")
}

func TestDeadlines(t *testing.T) {
	e := engine(t)
	for _, tt := range []struct {
		name                string
		c                   strata.Customer
		received            string
		regime              law.Regime
		due, ext, notice    string
		target, wordingPart string
	}{
		{"GDPR: one month, clamped", strata.Customer{Country: "DE"}, "2026-01-31", law.GDPR, "2026-02-28", "2026-04-28", "", "", "one month"},
		{"GDPR", strata.Customer{Country: "FR"}, "2026-03-15", law.GDPR, "2026-04-15", "2026-06-15", "", "", "one month"},
		{"CCPA: 45 + 45 days", strata.Customer{Country: "US", Subdivision: "US-CA"}, "2026-03-01", law.CCPA, "2026-04-15", "2026-05-30", "", "", "45 calendar days"},
		{"PIPL: no statutory days, GB/T 35273 practice", strata.Customer{Country: "CN"}, "2026-03-01", law.PIPL, "", "", "", "2026-03-31", "timely"},
		{"APPI: without delay", strata.Customer{Country: "JP"}, "2026-03-01", law.APPI, "", "", "", "", "without delay"},
		{"Singapore: a 30-day notice, not an answer period", strata.Customer{Country: "SG"}, "2026-03-01", law.PDPASG, "", "", "2026-03-31", "", "as soon as reasonably possible"},
		{"Hong Kong: 40 days", strata.Customer{Country: "HK"}, "2026-03-01", law.PDPOHK, "2026-04-10", "", "", "", "40 days"},
		{"Taiwan: 15 + 15 days", strata.Customer{Country: "TW"}, "2026-03-01", law.PDPATW, "2026-03-16", "2026-03-31", "", "", "15 days"},
		{"Malaysia: 21 + 14 days", strata.Customer{Country: "MY"}, "2026-03-01", law.PDPAMY, "2026-03-22", "2026-04-05", "", "", "21 days"},
		{"Iowa: 90 days", strata.Customer{Country: "US", Subdivision: "US-IA"}, "2026-03-01", "us_ia", "2026-05-30", "2026-07-14", "", "", "90 days"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dd, err := e.Deadlines(&tt.c, day(tt.received))
			require.NoError(t, err)
			require.NotEmpty(t, dd)
			d := dd[0]
			assert.Equal(t, tt.regime, d.Regime)
			date := func(s string) string {
				if s == "" {
					return "0001-01-01"
				}
				return s
			}
			assert.Equal(t, date(tt.due), d.Due.Format("2006-01-02"), "due")
			assert.Equal(t, date(tt.ext), d.Extended.Format("2006-01-02"), "extended")
			assert.Equal(t, date(tt.notice), d.Notice.Format("2006-01-02"), "notice")
			assert.Equal(t, date(tt.target), d.Target.Format("2006-01-02"), "target")
			assert.Contains(t, d.Wording, tt.wordingPart)
			assert.NotEmpty(t, d.Source)
		})
	}
	dd, err := e.Deadlines(&strata.Customer{Country: "US", Subdivision: "US-VA", Kind: strata.KindEnterprise}, day("2026-03-01"))
	require.NoError(t, err)
	assert.Empty(t, dd, "Virginia's law does not cover business contacts")
	dd, err = e.Deadlines(&strata.Customer{Country: "AQ"}, day("2026-03-01"))
	require.NoError(t, err)
	assert.Empty(t, dd)
}

func TestApplies(t *testing.T) {
	e := engine(t)
	for _, tt := range []struct {
		regime law.Regime
		b      law.Business
		want   bool
	}{
		{"us_va", law.Business{Consumers: 100_000}, true},
		{"us_va", law.Business{Consumers: 99_999}, false},
		{"us_va", law.Business{Consumers: 25_000, SellsData: true, SalesRevenuePercent: 51}, true},
		{"us_va", law.Business{Consumers: 25_000, SellsData: true, SalesRevenuePercent: 50}, false},
		{"us_co", law.Business{Consumers: 25_000, SellsData: true, SalesRevenuePercent: 1}, true},
		{"us_ct", law.Business{Consumers: 35_000}, true},
		{"us_ct", law.Business{Consumers: 10, ProcessesSensitiveData: true}, true},
		{"us_ct", law.Business{Consumers: 10, SellsData: true}, true},
		{"us_ut", law.Business{Consumers: 200_000, AnnualRevenueUSD: 10_000_000}, false},
		{"us_ut", law.Business{Consumers: 200_000, AnnualRevenueUSD: 25_000_000}, true},
		{"us_tn", law.Business{Consumers: 150_000, AnnualRevenueUSD: 30_000_000}, false},
		{"us_tn", law.Business{Consumers: 175_000, AnnualRevenueUSD: 30_000_000}, true},
		{"us_tx", law.Business{SmallBusiness: true}, false},
		{"us_tx", law.Business{}, true},
		{law.CCPA, law.Business{AnnualRevenueUSD: 30_000_000}, true},
		{law.CCPA, law.Business{AnnualRevenueUSD: 1_000_000, Consumers: 1000}, false},
		{law.GDPR, law.Business{}, true},
	} {
		got, why, err := e.Applies(tt.regime, tt.b)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s %+v: %s", tt.regime, tt.b, why)
		assert.NotEmpty(t, why)
	}
}
