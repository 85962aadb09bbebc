package strata

import (
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
)

// libType maps libphonenumber's types to ours.
var libType = map[phonenumbers.PhoneNumberType]PhoneType{
	phonenumbers.FIXED_LINE: PhoneFixedLine, phonenumbers.MOBILE: PhoneMobile,
	phonenumbers.FIXED_LINE_OR_MOBILE: PhoneFixedLineOrMobile, phonenumbers.TOLL_FREE: PhoneTollFree,
	phonenumbers.PREMIUM_RATE: PhonePremiumRate, phonenumbers.SHARED_COST: PhoneSharedCost,
	phonenumbers.VOIP: PhoneVoIP, phonenumbers.PERSONAL_NUMBER: PhonePersonalNumber,
	phonenumbers.PAGER: PhonePager, phonenumbers.UAN: PhoneUAN, phonenumbers.VOICEMAIL: PhoneVoicemail,
}

// lib parses with libphonenumber (the Go port our tables come from) and
// returns what NormalizePhone should: the E.164 form, region and type of a
// valid number, or ok false.
func lib(s, region string) (e164, country string, typ PhoneType, ok bool) {
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", "", "", false
	}
	country = phonenumbers.GetRegionCodeForNumber(n)
	if country == "001" {
		country = ""
	}
	return phonenumbers.Format(n, phonenumbers.E164), country, libType[phonenumbers.GetNumberType(n)], true
}

// phoneCorpus writes every example number of every region and type in the
// usual formats, and variants one digit shorter, longer and changed.
func phoneCorpus() [][2]string {
	var out [][2]string
	regions := make([]string, 0, 250)
	for r := range phonenumbers.GetSupportedRegions() {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER,
		phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	for _, r := range regions {
		for _, t := range types {
			n := phonenumbers.GetExampleNumberForType(r, t)
			if n == nil {
				continue
			}
			e := phonenumbers.Format(n, phonenumbers.E164)
			nat := phonenumbers.Format(n, phonenumbers.NATIONAL)
			out = append(out,
				[2]string{e, ""}, [2]string{e, r},
				[2]string{phonenumbers.Format(n, phonenumbers.INTERNATIONAL), ""},
				[2]string{nat, r},
				[2]string{strings.TrimPrefix(e, "+"), r},
				[2]string{"00" + strings.TrimPrefix(e, "+"), r},
				[2]string{e[:len(e)-1], ""}, [2]string{e + "5", ""}, [2]string{nat + "1", r},
				[2]string{e[:len(e)-2] + "00", ""},
			)
			for d := '0'; d <= '9'; d++ {
				cc := len(e) - len(phonenumbers.GetNationalSignificantNumber(n))
				out = append(out, [2]string{e[:cc] + string(d) + e[cc+1:], ""}, [2]string{string(d) + nat, r})
			}
		}
	}
	return out
}

// TestNormalizePhoneAgreesWithLibphonenumber is a differential test: over every
// example number of every region and type, written the usual ways and
// mutated, NormalizePhone accepts what libphonenumber calls valid, with the
// same E.164 form, region and type, and refuses the rest.
func TestNormalizePhoneAgreesWithLibphonenumber(t *testing.T) {
	corpus := phoneCorpus()
	mismatches := 0
	for _, c := range corpus {
		want, wantCountry, wantType, wantOK := lib(c[0], c[1])
		got, err := NormalizePhone(c[0], c[1])
		if (err == nil) != wantOK || got.E164 != want || got.Country != wantCountry || got.Type != wantType {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("NormalizePhone(%q, %q) = %s %s %s, %v; libphonenumber: %s %s %s valid=%v",
					c[0], c[1], got.E164, got.Country, got.Type, err, want, wantCountry, wantType, wantOK)
			}
		}
	}
	assert.Zero(t, mismatches, "of %d inputs", len(corpus))
	t.Logf("%d inputs agree", len(corpus)-mismatches)
}

// FuzzNormalizePhone: NormalizePhone never panics; a number it accepts is written
// in E.164, reads back as itself, and libphonenumber calls it valid with
// the same type.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+86 138 0013 5678", "0086-138-0013-5678", "138 0013 5678", "＋８６ １３８", "+1 (201) 555-0123 ext. 7",
		"8 (912) 345-67-89", "011 15-2345-6789", "tel:+49-30-123456", "+", "00", "+0", "٠١٢٣٤٥٦٧٨٩", "+44 (0) 20 7946 0018"} {
		for _, c := range []string{"", "CN", "US", "AR", "RU", "GB"} {
			f.Add(s, c)
		}
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		p, err := NormalizePhone(s, country)
		if err != nil {
			return
		}
		if p.E164 == "" || p.E164[0] != '+' || strings.Trim(p.E164[1:], "0123456789") != "" || len(p.E164) > 21 {
			t.Fatalf("NormalizePhone(%q, %q).E164 = %q", s, country, p.E164)
		}
		again, err := NormalizePhone(p.E164, "")
		if err != nil || again.E164 != p.E164 || again.Type != p.Type || again.Country != p.Country {
			t.Fatalf("%q does not read back: %v %v", p.E164, again, err)
		}
		if e, _, typ, ok := lib(p.E164, ""); !ok || e != p.E164 || typ != p.Type {
			t.Fatalf("libphonenumber disagrees on %q: %q %s %v", p.E164, e, typ, ok)
		}
	})
}
