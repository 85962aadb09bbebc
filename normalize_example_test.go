package strata_test

import (
	"fmt"

	"github.com/strata-go/strata"
)

func ExampleNormalizePhone() {
	for _, in := range []struct{ number, country string }{
		{"+86 138 0013 5678", ""},
		{"0086-138-0013-5678", "CN"},
		{"138 0013 5678", "CN"},
		{"030 123456", "DE"},
		{"+86 138 0013 567", ""},
	} {
		p, err := strata.NormalizePhone(in.number, in.country)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p.E164, p.Country, p.Type, p) // %v masks the number
	}
	// Output:
	// +8613800135678 CN mobile +86 138****5678
	// +8613800135678 CN mobile +86 138****5678
	// +8613800135678 CN mobile +86 138****5678
	// +4930123456 DE fixed_line +49 30****56
	// invalid phone number: not a number of CN (+86): no number there has these leading digits and 10 digits in all
}

func ExampleNormalizeEmail() {
	e, _ := strata.NormalizeEmail(" Wang.Xiao+crm@GoogleMail.com")
	fmt.Println(e.Address)
	fmt.Println(e.Key) // the mailbox, for comparisons
	fmt.Println(e)     // masked
	// Output:
	// wang.xiao+crm@googlemail.com
	// wangxiao@gmail.com
	// w***@googlemail.com
}

func ExampleNormalizeHost() {
	for _, s := range []string{"https://www.Huaxin-Elec.com/contact", "li@例子.中国"} {
		h, _ := strata.NormalizeHost(s)
		fmt.Println(h)
	}
	// Output:
	// www.huaxin-elec.com
	// xn--fsqu00a.xn--fiqs8s
}

func ExampleCompanyKey() {
	fmt.Println(strata.CompanyKey("Shenzhen Huaxin Electronics Co., Ltd."))
	fmt.Println(strata.CompanyKey("HUAXIN ELECTRONICS (SHENZHEN) CO LTD"))
	fmt.Println(strata.CompanyKey("深圳華信電子有限公司"))
	fmt.Println(strata.CompanyKey("Müller GmbH & Co. KG"))
	fmt.Println(strata.CompanyKey("トヨタ自動車㈱"))
	// Output:
	// electronics huaxin shenzhen
	// electronics huaxin shenzhen
	// 深圳华信电子
	// muller
	// トヨタ自动车
}

func ExampleNormalizeName() {
	fmt.Printf("%q\n", strata.NormalizeName("  深圳华信电子有限公司\u3000ＨＸ  "))
	// Output:
	// "深圳华信电子有限公司 HX"
}

func ExampleNormalize() {
	c := strata.Customer{ID: "C-1", Country: "cn", Channels: []strata.Channel{
		{Kind: strata.ChannelMobile, Value: "138 0013 5678"},
		{Kind: strata.ChannelEmail, Value: "Li.Ming@Huaxin-Elec.COM"},
		{Kind: strata.ChannelMobile, Value: "+86 138-0013-5678"},
		{Kind: strata.ChannelWhatsApp, Value: "12345"},
	}}
	n, _ := strata.Normalize(&c)
	fmt.Print(n) // what would change, masked
	n.Apply(&c)
	fmt.Println(c.Country, c.Channels[0].Value, len(c.Channels))
	// Output:
	// country: ISO 3166-1 code in upper case ("C*")
	// channels[0].value: written in E.164 ("+86 138****5678")
	// channels[1].value: address in lower case, domain in Unicode ("l***@huaxin-elec.com")
	// channels[2]: repeats channels[0]: removed
	// left as it is: channels[3].value: a local number in CN (+86): add the area code
	// CN +8613800135678 3
}

func ExamplePhone_Masked() {
	p, _ := strata.NormalizePhone("+86 755 8888 1234", "")
	fmt.Println(p.Masked(), p.Type)
	// Output:
	// +86 755****1234 fixed_line
}
