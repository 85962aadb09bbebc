package strata_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

// TestNormalizePhoneCountries reads numbers from 34 countries the way people
// there write them (national format, with the trunk prefix where there is
// one) and in international forms, and writes each in E.164 with its type.
func TestNormalizePhoneCountries(t *testing.T) {
	cases := []struct {
		country, national, e164 string
		typ                     strata.PhoneType
	}{
		{"CN", "131 2345 6789", "+8613123456789", strata.PhoneMobile},
		{"CN", "010-1234 5678", "+861012345678", strata.PhoneFixedLine},
		{"HK", "5123 4567", "+85251234567", strata.PhoneMobile},
		{"TW", "0912-345-678", "+886912345678", strata.PhoneMobile},
		{"JP", "090-1234-5678", "+819012345678", strata.PhoneMobile},
		{"JP", "03-1234-5678", "+81312345678", strata.PhoneFixedLine},
		{"KR", "010-2000-0000", "+821020000000", strata.PhoneMobile},
		{"SG", "8123 4567", "+6581234567", strata.PhoneMobile},
		{"MY", "012-345 6789", "+60123456789", strata.PhoneMobile},
		{"TH", "081 234 5678", "+66812345678", strata.PhoneMobile},
		{"VN", "0912 345 678", "+84912345678", strata.PhoneMobile},
		{"ID", "0812-345-678", "+62812345678", strata.PhoneMobile},
		{"PH", "0905 123 4567", "+639051234567", strata.PhoneMobile},
		{"IN", "081234 56789", "+918123456789", strata.PhoneMobile},
		{"AE", "050 123 4567", "+971501234567", strata.PhoneMobile},
		{"SA", "051 234 5678", "+966512345678", strata.PhoneMobile},
		{"TR", "0501 234 56 78", "+905012345678", strata.PhoneMobile},
		{"RU", "8 (912) 345-67-89", "+79123456789", strata.PhoneMobile},
		{"DE", "01512 3456789", "+4915123456789", strata.PhoneMobile},
		{"DE", "030 123456", "+4930123456", strata.PhoneFixedLine},
		{"FR", "06 12 34 56 78", "+33612345678", strata.PhoneMobile},
		{"GB", "07400 123456", "+447400123456", strata.PhoneMobile},
		{"GB", "0121 234 5678", "+441212345678", strata.PhoneFixedLine},
		{"IT", "02 1234 5678", "+390212345678", strata.PhoneFixedLine}, // Italy keeps the 0
		{"ES", "612 34 56 78", "+34612345678", strata.PhoneMobile},
		{"NL", "06 12345678", "+31612345678", strata.PhoneMobile},
		{"PL", "512 345 678", "+48512345678", strata.PhoneMobile},
		{"SE", "070-123 45 67", "+46701234567", strata.PhoneMobile},
		{"CH", "078 123 45 67", "+41781234567", strata.PhoneMobile},
		{"US", "(201) 555-0123", "+12015550123", strata.PhoneFixedLineOrMobile},
		{"CA", "(506) 234-5678", "+15062345678", strata.PhoneFixedLineOrMobile},
		{"MX", "222 123 4567", "+522221234567", strata.PhoneFixedLineOrMobile},
		{"BR", "(11) 96123-4567", "+5511961234567", strata.PhoneMobile},
		{"AR", "011 15-2345-6789", "+5491123456789", strata.PhoneMobile}, // the 15 marks a mobile, dialled as 9
		{"AU", "0412 345 678", "+61412345678", strata.PhoneMobile},
		{"NZ", "021 123 4567", "+64211234567", strata.PhoneMobile},
		{"ZA", "071 123 4567", "+27711234567", strata.PhoneMobile},
		{"NG", "0802 123 4567", "+2348021234567", strata.PhoneMobile},
		{"EG", "010 01234567", "+201001234567", strata.PhoneMobile},
		{"KE", "0712 123456", "+254712123456", strata.PhoneMobile},
	}
	for _, c := range cases {
		t.Run(c.country+"/"+c.e164[:4], func(t *testing.T) {
			for _, in := range []struct{ s, country string }{
				{c.national, c.country}, // national format, read in its country
				{c.e164, ""},            // E.164
				{c.e164[:len(c.e164)-4] + " " + c.e164[len(c.e164)-4:], "DE"}, // '+' wins over the country
			} {
				p, err := strata.NormalizePhone(in.s, in.country)
				require.NoError(t, err, in.s)
				assert.Equal(t, c.e164, p.E164, in.s)
				assert.Equal(t, c.typ, p.Type, in.s)
				assert.Equal(t, c.country, p.Country, in.s)
			}
		})
	}
}

// TestNormalizePhoneOneNumber: the three spellings of one number (and
// more) are one E.164 value.
func TestNormalizePhoneOneNumber(t *testing.T) {
	for _, in := range []struct{ s, country string }{
		{"+86 138 0013 5678", ""}, {"+8613800135678", ""}, {"0086-138-0013-5678", "CN"},
		{"138 0013 5678", "CN"}, {"8613800135678", "CN"}, {"(+86) 138-0013-5678", ""},
		{"＋８６ １３８ ００１３ ５６７８", ""}, {"tel:+86-138-0013-5678", ""}, {"+86 (0)138 0013 5678", ""},
		{"00 86 138 0013 5678", "DE"}, {"011 86 138 0013 5678", "US"},
	} {
		p, err := strata.NormalizePhone(in.s, in.country)
		require.NoError(t, err, in.s)
		assert.Equal(t, "+8613800135678", p.E164, in.s)
		assert.Equal(t, strata.PhoneMobile, p.Type, in.s)
	}
}

// TestNormalizePhoneRefused: invalid numbers are refused with the reason, and
// the error never quotes the number.
func TestNormalizePhoneRefused(t *testing.T) {
	cases := []struct {
		s, country string
		reason     strata.PhoneReason
		msg        string
	}{
		{"", "CN", strata.PhoneNotANumber, "fewer than two digits"},
		{"138 0013 5678", "", strata.PhoneNeedsCountry, "national format needs the customer's country"},
		{"+86 138 0013 567", "", strata.PhoneInvalid, "not a number of CN (+86)"},
		{"+86 138 0013 56789 1", "", strata.PhoneTooLong, "too long for CN (+86): 13 digits, want"},
		{"+33 6 12 34", "", strata.PhoneTooShort, "too short for FR (+33): 5 digits, want 9"},
		{"+999 1234 5678", "", strata.PhoneUnknownCode, "no country uses the calling code"},
		{"1-800-FLOWERS", "US", strata.PhoneLetters, "contains letters"},
		{"12345", "CN", strata.PhoneLocalOnly, "a local number in CN (+86): add the area code"},
		{"138 0013 5678", "XX", strata.PhoneUnknownCountry, `no numbering plan for country "XX"`},
		{"+86 138+0013", "", strata.PhoneNotANumber, "'+' after the first digit"},
		{"+1 (201) 055-0123", "", strata.PhoneInvalid, "not a number of US (+1)"},
	}
	for _, c := range cases {
		t.Run(string(c.reason), func(t *testing.T) {
			_, err := strata.NormalizePhone(c.s, c.country)
			require.Error(t, err)
			require.ErrorIs(t, err, strata.ErrInvalidPhone)
			pe, ok := errors.AsType[*strata.PhoneError](err)
			require.True(t, ok)
			assert.Equal(t, c.reason, pe.Reason)
			assert.Contains(t, err.Error(), c.msg)
			if len(c.s) > 6 {
				assert.NotContains(t, err.Error(), c.s[len(c.s)-4:], "the error quotes the number")
			}
		})
	}
}

func TestPhoneExtensionAndMask(t *testing.T) {
	for _, s := range []string{"+49 89 1234567 ext. 204", "+49 89 1234567 x204", "+49 89 1234567 转204", "+49 89 1234567;ext=204", "+49 89 1234567 分机 204"} {
		p, err := strata.NormalizePhone(s, "")
		require.NoError(t, err, s)
		assert.Equal(t, "+49891234567", p.E164, s)
		assert.Equal(t, "204", p.Extension, s)
	}
	p, err := strata.NormalizePhone("+86 138 0013 5678", "")
	require.NoError(t, err)
	assert.Equal(t, "+86 138****5678", p.Masked())
	assert.Equal(t, "13800135678", p.National())
	for _, verb := range []string{"%v", "%+v", "%s", "%#v"} {
		out := fmt.Sprintf(verb, p)
		assert.NotContains(t, out, "0013", verb)
	}
	assert.NotContains(t, fmt.Sprintf("%v", []strata.Phone{p}), "0013")
	assert.True(t, strata.IsPhone("138 0013 5678", "CN"))
	assert.False(t, strata.IsPhone("138 0013 5678", ""))
}

// TestNormalizePhoneConcurrent: the first numbers of many countries read
// at once, each country's patterns compiled once (run with -race).
func TestNormalizePhoneConcurrent(t *testing.T) {
	numbers := []string{"+8613123456789", "+819012345678", "+4915123456789", "+33612345678", "+12015550123",
		"+5511961234567", "+61412345678", "+27711234567", "+971501234567", "+905012345678"}
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range numbers {
				n := numbers[(i+g)%len(numbers)]
				p, err := strata.NormalizePhone(n, "")
				if err == nil && p.E164 != n {
					err = fmt.Errorf("%s became %s", n, p.E164)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-done)
	}
}

func TestSourcesNameTheNewTables(t *testing.T) {
	var tables []string
	for _, s := range strata.Sources() {
		tables = append(tables, s.Table)
		assert.NotEmpty(t, s.License, s.Table)
	}
	assert.Contains(t, tables, "telephone numbering plans")
	assert.Contains(t, tables, "traditional to simplified Chinese characters")
}
