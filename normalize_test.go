package strata_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
)

func TestCompanyKey(t *testing.T) {
	cases := []struct{ names []string }{
		{[]string{"Shenzhen Huaxin Electronics Co., Ltd.", "SHENZHEN HUAXIN ELECTRONICS CO LTD", "Huaxin Electronics (Shenzhen) Co. Ltd", "ＳＨＥＮＺＨＥＮ　ＨＵＡＸＩＮ ＥＬＥＣＴＲＯＮＩＣＳ Co., Limited", "Shenzhen Huaxin Electronics Company Limited"}},
		{[]string{"深圳华信电子有限公司", "深圳華信電子有限公司", "深圳华信电子股份有限公司", "深圳华信电子有限责任公司", "深圳華信電子有限責任公司", "深圳华信电子"}},
		{[]string{"トヨタ自動車株式会社", "トヨタ自動車㈱", "株式会社トヨタ自動車", "トヨタ自動車（株）"}},
		{[]string{"삼성전자 주식회사", "㈜삼성전자", "(주)삼성전자", "주식회사 삼성전자"}},
		{[]string{"Müller GmbH & Co. KG", "Mueller", "Müller GmbH"}[0:1]},
		{[]string{"Müller GmbH & Co. KG", "MÜLLER GMBH", "Müller AG", "muller"}},
		{[]string{"Société Générale S.A.", "Societe Generale SA", "SOCIÉTÉ GÉNÉRALE"}},
		{[]string{"Grupo Bimbo, S.A.B. de C.V.", "Grupo Bimbo SAB de CV", "Grupo Bimbo"}},
		{[]string{"Telefónica, S.L.", "Telefonica SL", "Telefónica S.A."}},
		{[]string{"PT Bank Central Asia Tbk", "Bank Central Asia", "PT. Bank Central Asia"}},
		{[]string{"Acme Inc.", "ACME, Inc", "Acme LLC", "Acme Corp.", "Acme Corporation", "The Acme Company"}},
		{[]string{"Maersk A/S", "Maersk AS"}},
		{[]string{"ООО «Ромашка»", "Ромашка"}},
	}
	for _, c := range cases {
		t.Run(c.names[0], func(t *testing.T) {
			want := strata.CompanyKey(c.names[0])
			require.NotEmpty(t, want)
			for _, n := range c.names[1:] {
				assert.Equal(t, want, strata.CompanyKey(n), n)
			}
		})
	}
	assert.NotEqual(t, strata.CompanyKey("深圳华信电子有限公司"), strata.CompanyKey("Shenzhen Huaxin Electronics Co., Ltd."), "no guessing across scripts")
	assert.NotEqual(t, strata.CompanyKey("Huaxin Electronics"), strata.CompanyKey("Huaxin Trading"))
	assert.Equal(t, "co ltd", strata.CompanyKey("Co., Ltd."), "a name that is only a legal form keeps it")
	assert.Empty(t, strata.CompanyKey(""))
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, address, key string }{
		{" Wang.Xiao+crm@GoogleMail.com ", "wang.xiao+crm@googlemail.com", "wangxiao@gmail.com"},
		{"wangxiao@gmail.com", "wangxiao@gmail.com", "wangxiao@gmail.com"},
		{"Li+news@Outlook.com", "li+news@outlook.com", "li@outlook.com"},
		{"li.ming@hotmail.com", "li.ming@hotmail.com", "li.ming@hotmail.com"},                // dots matter outside Gmail
		{"sales+cn@huaxin-elec.com", "sales+cn@huaxin-elec.com", "sales+cn@huaxin-elec.com"}, // unknown server: kept
		{"12345+a@qq.com", "12345+a@qq.com", "12345+a@qq.com"},
		{"li@例子.中国", "li@例子.中国", "li@xn--fsqu00a.xn--fiqs8s"},
		{"LI@XN--FSQU00A.XN--FIQS8S", "li@例子.中国", "li@xn--fsqu00a.xn--fiqs8s"},
		{"info@ｅｘａｍｐｌｅ．ｃｏｍ", "info@example.com", "info@example.com"},
		{"kontakt@müller.de", "kontakt@müller.de", "kontakt@xn--mller-kva.de"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			e, err := strata.NormalizeEmail(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.address, e.Address)
			assert.Equal(t, c.key, e.Key)
			assert.NotContains(t, fmt.Sprintf("%v %+v %#v", e, e, e), e.Address[1:])
		})
	}
	for _, bad := range []string{"", "li", "li@", "@x.cn", "li@localhost", "Li <li@x.cn>", "li..ming@x.cn", "li@-x.cn", "a b@x.cn", "li@x..cn"} {
		_, err := strata.NormalizeEmail(bad)
		require.ErrorIs(t, err, strata.ErrInvalidEmail, bad)
		if len(bad) > 3 {
			assert.NotContains(t, err.Error(), bad)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Huaxin-Elec.com/contact?x=1": "www.huaxin-elec.com",
		"li@mail.huaxin-elec.com":                 "mail.huaxin-elec.com",
		"http://shop.example.co.uk:8080/":         "shop.example.co.uk",
		"例子.中国":                                   "xn--fsqu00a.xn--fiqs8s",
		"ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ":                         "www.example.com",
	} {
		got, err := strata.NormalizeHost(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "192.168.1.1", "localhost", "http://[::1]/", "exa mple.com", "x.xn--"} {
		_, err := strata.NormalizeHost(bad)
		assert.ErrorIs(t, err, strata.ErrInvalidDomain, bad)
	}
}

func TestNormalize(t *testing.T) {
	c := strata.Customer{
		ID: "C-1", Name: "  深圳华信电子有限公司\u3000 ＨＸ ", Country: "cn",
		Channels: []strata.Channel{
			{Kind: strata.ChannelMobile, Value: "138 0013 5678"},
			{Kind: strata.ChannelEmail, Value: "Li.Ming@Huaxin-Elec.COM "},
			{Kind: strata.ChannelPhone, Value: "0086-138-0013-5678", Preferred: true}, // not a repeat: another kind
			{Kind: strata.ChannelMobile, Value: "+86 138 0013 5678", Preferred: true}, // repeats channels[0]
			{Kind: strata.ChannelMobile, Value: "010 6552 9988"},                      // a fixed line
			{Kind: strata.ChannelWhatsApp, Value: "12345"},                            // cannot be read
			{Kind: strata.ChannelWeChat, Value: " wx_li "},
		},
	}
	orig := c
	orig.Channels = append([]strata.Channel(nil), c.Channels...)
	n, err := strata.Normalize(&c)
	require.NoError(t, err)
	assert.Equal(t, orig, c, "Normalize does not change the record")

	var paths []string
	for _, ch := range n.Changes {
		paths = append(paths, ch.Path)
	}
	assert.Equal(t, []string{"name", "country", "channels[0].value", "channels[1].value", "channels[2].value",
		"channels[3]", "channels[0].preferred", "channels[4].value", "channels[6].value"}, paths)
	require.Len(t, n.Problems, 1)
	assert.Equal(t, "channels[5].value: a local number in CN (+86): add the area code", n.Problems[0].Error())
	require.Len(t, n.Notes, 1)
	assert.Equal(t, "channels[4].kind", n.Notes[0].Path)

	out := n.String() + fmt.Sprintf("%v %+v", n, n)
	js, err := json.Marshal(n)
	require.NoError(t, err)
	for _, secret := range []string{"0013", "li.ming", "6552", "wx_li", "华信"} {
		assert.NotContains(t, out, secret)
		assert.NotContains(t, string(js), secret)
	}

	n.Apply(&c)
	assert.Equal(t, "深圳华信电子有限公司 HX", c.Name)
	assert.Equal(t, "CN", c.Country)
	assert.Equal(t, []strata.Channel{
		{Kind: strata.ChannelMobile, Value: "+8613800135678", Preferred: true},
		{Kind: strata.ChannelEmail, Value: "li.ming@huaxin-elec.com"},
		{Kind: strata.ChannelPhone, Value: "+8613800135678", Preferred: true},
		{Kind: strata.ChannelMobile, Value: "+861065529988"},
		{Kind: strata.ChannelWhatsApp, Value: "12345"},
		{Kind: strata.ChannelWeChat, Value: "wx_li"},
	}, c.Channels)
	assert.Equal(t, "+86 138 0013 5678", orig.Channels[3].Value, "Apply does not write through a shared slice")
	err = c.Validate() // the number Normalize could not read is still refused, and said so
	require.Error(t, err)
	assert.Len(t, strata.Problems(err), 1)
	assert.Contains(t, err.Error(), "channels[4].value: not a valid phone number")
}
