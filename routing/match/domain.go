package match

import (
	"fmt"

	"golang.org/x/net/publicsuffix"

	"github.com/strata-go/strata"
)

// RegistrableDomain returns the domain an organisation registers, by the
// Public Suffix List (the snapshot in golang.org/x/net/publicsuffix, see
// Sources): for "https://www.Huaxin-Elec.com/contact",
// "sales.huaxin-elec.com.cn" or an email address it returns
// "huaxin-elec.com" and "huaxin-elec.com.cn". It accepts what
// strata.NormalizeHost accepts and returns the ASCII (punycode) form. A
// public suffix itself ("com.cn", "github.io"), an IP address or a single
// label is an error matching strata.ErrInvalidDomain.
//
// It lives here rather than beside strata.NormalizeHost because
// golang.org/x/net/publicsuffix imports net/http (through
// net/http/cookiejar), about 2.5 MB of binary that a program importing only
// the root package should not carry.
func RegistrableDomain(s string) (string, error) {
	host, err := strata.NormalizeHost(s)
	if err != nil {
		return "", err
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return "", fmt.Errorf("%w: a public suffix, not a registrable domain", strata.ErrInvalidDomain)
	}
	return reg, nil
}

// Sources lists where this package's built-in tables come from.
func Sources() []strata.DataSource {
	return []strata.DataSource{
		{Table: "public suffix list", Source: "publicsuffix.org, via golang.org/x/net/publicsuffix v0.62.0",
			Version: "git d6c92f1bbb7433e5db7b8405c25d4035fb8ff376 (2026-02-06)", License: "MPL-2.0", URL: "https://publicsuffix.org",
			Checked: strata.Date{Year: 2026, Month: 12, Day: 1}},
		{Table: "free-mail domains (FreeMailDomains)", Source: "compiled for Strata from the mail domains the providers publish",
			Version: "2026-12", Checked: strata.Date{Year: 2026, Month: 12, Day: 1}},
	}
}
