package match_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
)

func TestRegistrableDomain(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Huaxin-Elec.com/contact?x=1": "huaxin-elec.com",
		"huaxin-elec.com":                         "huaxin-elec.com",
		"sales.huaxin-elec.com.cn":                "huaxin-elec.com.cn",
		"li@mail.huaxin-elec.com":                 "huaxin-elec.com",
		"http://shop.example.co.uk:8080/":         "example.co.uk",
		"例子.中国":                                   "xn--fsqu00a.xn--fiqs8s",
		"www.xn--fsqu00a.xn--fiqs8s":              "xn--fsqu00a.xn--fiqs8s",
		"foo.github.io":                           "foo.github.io",
	} {
		got, err := match.RegistrableDomain(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "com.cn", "github.io", "192.168.1.1", "localhost", "http://[::1]/", "exa mple.com"} {
		_, err := match.RegistrableDomain(bad)
		assert.ErrorIs(t, err, strata.ErrInvalidDomain, bad)
	}
}

func FuzzRegistrableDomain(f *testing.F) {
	for _, s := range []string{"https://www.Huaxin-Elec.com/x", "例子.中国", "a.b.c.co.uk", "com.cn", "[::1]", "x@y.cn:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := match.RegistrableDomain(s)
		if err != nil {
			return
		}
		again, err := match.RegistrableDomain(d)
		if err != nil || again != d {
			t.Fatalf("RegistrableDomain(%q) = %q, then %q, %v", s, d, again, err)
		}
	})
}

func ExampleRegistrableDomain() {
	for _, s := range []string{"https://www.Huaxin-Elec.com/contact", "sales.huaxin-elec.com.cn", "li@例子.中国"} {
		d, _ := match.RegistrableDomain(s)
		fmt.Println(d)
	}
	// Output:
	// huaxin-elec.com
	// huaxin-elec.com.cn
	// xn--fsqu00a.xn--fiqs8s
}

func ExampleSources() {
	for _, s := range match.Sources() {
		fmt.Println(s.Table)
	}
	// Output:
	// public suffix list
	// free-mail domains (FreeMailDomains)
}
