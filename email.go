package strata

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrInvalidEmail is the condition every error of NormalizeEmail matches.
var ErrInvalidEmail = errors.New("invalid email address")

// ErrInvalidDomain is the condition every error of NormalizeHost (and of
// match.RegistrableDomain) matches.
var ErrInvalidDomain = errors.New("invalid domain")

// Email is an email address normalised for storing and for comparing.
//
// Its fields are personal data: String and GoString print it masked
// ("w***@example.cn").
type Email struct {
	// Address is the address to store and show: trimmed, in lower case,
	// its domain in Unicode (例子.中国, not xn--fsqu00a.xn--fiqs8s).
	Address string `json:"address"`
	// Key identifies the mailbox for comparisons: the domain in ASCII
	// (punycode), googlemail.com as gmail.com, the "+tag" dropped where
	// the provider delivers "name+tag" to "name" (Gmail, Outlook.com and
	// Hotmail, iCloud, Fastmail, ProtonMail, Zoho), and the dots of a
	// Gmail name dropped. A company's own domain keeps its address as it
	// is: whether its server honours "+tag" is not known.
	Key string `json:"key"`
	// Domain is the domain in ASCII, lower case ("xn--fsqu00a.xn--fiqs8s").
	Domain string `json:"domain"`
}

// Masked returns the address with all but the first character of its
// local part hidden: "w***@example.cn".
func (e Email) Masked() string {
	local, domain, ok := strings.Cut(e.Address, "@")
	if !ok || local == "" {
		return ""
	}
	_, size := firstRune(local)
	return local[:size] + "***@" + domain
}

// String implements fmt.Stringer with the masked address.
func (e Email) String() string { return e.Masked() }

// GoString implements fmt.GoStringer with the masked address, for %#v.
func (e Email) GoString() string { return "strata.Email(" + e.Masked() + ")" }

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// plusProviders are the mail providers that deliver name+tag@ to name@
// (sub-addressing), by registrable domain.
var plusProviders = map[string]bool{
	"gmail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true, "msn.com": true,
	"icloud.com": true, "me.com": true, "mac.com": true, "fastmail.com": true, "fastmail.fm": true,
	"protonmail.com": true, "proton.me": true, "pm.me": true, "zoho.com": true, "zohomail.com": true,
}

// NormalizeEmail checks an email address and returns its stored form and
// its comparison key (see Email). It accepts one address without a display
// name ("Li <li@x.cn>" is refused), with a domain of at least two labels;
// internationalised domains may be written in Unicode or punycode and give
// the same Key. Errors match ErrInvalidEmail and never quote the address.
func NormalizeEmail(s string) (Email, error) {
	s = strings.TrimSpace(s)
	if len(s) > 254 {
		return Email{}, emailErr("longer than 254 characters")
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
		return Email{}, emailErr("not valid UTF-8 text, or has control characters")
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return Email{}, emailErr("want one local part, '@' and a domain")
	}
	local, host := s[:at], s[at+1:]
	if len(local) > 64 || strings.ContainsAny(local, " \t\"<>()[],;:\\@") || strings.HasPrefix(local, ".") ||
		strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return Email{}, emailErr("the part before '@' is not a mailbox name")
	}
	ascii, unicode, err := domainForms(host)
	if err != nil {
		return Email{}, emailErr("the domain " + err.Error())
	}
	lower := strings.ToLower(local)
	e := Email{Address: s, Domain: ascii}
	if lower != local || unicode != host {
		e.Address = lower + "@" + unicode // else s is already in its stored form
	}
	key, keyDomain := lower, ascii
	if keyDomain == "googlemail.com" {
		keyDomain = "gmail.com"
	}
	if plusProviders[keyDomain] {
		key, _, _ = strings.Cut(key, "+")
	}
	if keyDomain == "gmail.com" {
		key = strings.ReplaceAll(key, ".", "")
	}
	if key == lower && keyDomain == unicode {
		e.Key = e.Address // an ASCII address whose provider rewrites nothing
	} else {
		e.Key = key + "@" + keyDomain
	}
	return e, nil
}

func emailErr(msg string) error { return &emailError{msg} }

type emailError struct{ msg string }

func (e *emailError) Error() string        { return "invalid email address: " + e.msg }
func (e *emailError) Is(target error) bool { return target == ErrInvalidEmail }

// domainForms returns a host name's ASCII (punycode) and Unicode forms,
// lower case, with a trailing dot removed. It needs at least two labels.
func domainForms(host string) (ascii, unicode string, err error) {
	host = strings.TrimSuffix(host, ".")
	if host == "" || len(host) > 253 {
		return "", "", errors.New("is empty or too long")
	}
	if isASCII(host) {
		host = strings.ToLower(host)
	}
	if isLowerASCIIHost(host) && !strings.Contains(host, "xn--") {
		ascii, unicode = host, host
	} else {
		if ascii, err = idna.Lookup.ToASCII(host); err != nil {
			return "", "", errors.New("is not a valid (internationalised) domain name")
		}
		if unicode, err = idna.Lookup.ToUnicode(ascii); err != nil {
			return "", "", errors.New("is not a valid (internationalised) domain name")
		}
	}
	for _, form := range []string{ascii, unicode} {
		if !strings.Contains(form, ".") || strings.Contains(form, "..") || strings.HasPrefix(form, ".") || strings.HasSuffix(form, ".") {
			return "", "", errors.New("needs at least two labels, none empty")
		}
	}
	return ascii, unicode, nil
}

// isLowerASCIIHost reports whether s is made of lower-case ASCII letters,
// digits, '-' and '.', with no label starting or ending in '-'.
func isLowerASCIIHost(s string) bool {
	prev := byte('.')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-':
			if prev == '.' || i+1 == len(s) || s[i+1] == '.' {
				return false
			}
		case c == '.':
		default:
			return false
		}
		prev = c
	}
	return true
}

// NormalizeHost returns the host name in a bare host, a URL or an email
// address, in lower-case ASCII (punycode for internationalised names):
// "https://www.Huaxin-Elec.com/contact" gives "www.huaxin-elec.com",
// "li@例子.中国" gives "xn--fsqu00a.xn--fiqs8s". It needs at least two
// labels; an IP address is an error. Errors match ErrInvalidDomain and never
// quote the input. (match.RegistrableDomain takes it to the domain an
// organisation registers, by the Public Suffix List; that list lives in
// package match so that programs that do not match records do not link it.)
func NormalizeHost(s string) (string, error) {
	if isLowerASCIIHost(s) {
		// A bare host name in its normal form already (what NormalizeEmail
		// stores as Email.Domain): nothing to cut away.
		return normalizeBareHost(s)
	}
	host := strings.TrimSpace(s)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host, "]") {
		host = host[:i]
	}
	return normalizeBareHost(host)
}

// normalizeBareHost is NormalizeHost of a host name without scheme, path,
// user or port.
func normalizeBareHost(host string) (string, error) {
	if host == "" || strings.HasPrefix(host, "[") || isIPv4(host) {
		return "", domainErr("not a domain name")
	}
	ascii, _, err := domainForms(host)
	if err != nil {
		return "", domainErr(err.Error())
	}
	return ascii, nil
}

func domainErr(msg string) error { return &domainError{msg} }

type domainError struct{ msg string }

func (e *domainError) Error() string        { return "invalid domain: " + e.msg }
func (e *domainError) Is(target error) bool { return target == ErrInvalidDomain }

func isIPv4(s string) bool {
	return strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") == 3
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
