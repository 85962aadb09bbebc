// Package synth makes synthetic companies and the records a CRM keeps of
// them, written the many ways people write them, for package match's
// labelled test set and benchmarks. Everything is drawn from a seeded
// math/rand/v2 source: the same seed gives the same records.
//
// The names, numbers and addresses are invented: phone numbers use valid
// prefixes of each country's plan with random subscriber digits, domains
// are made-up brands.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/strata-go/strata"
)

// Company is one invented company: what is true of it.
type Company struct {
	Country   string
	City      string // English
	NameLocal string // in the country's script and style
	NameEN    string
	Domain    string
	Phone     string // switchboard, E.164
	Mobiles   []string
	Contacts  []string // local parts of staff mailboxes
}

type cnCity struct{ zh, en, area string }

var cnCities = []cnCity{{"深圳", "Shenzhen", "755"}, {"广州", "Guangzhou", "20"}, {"上海", "Shanghai", "21"},
	{"宁波", "Ningbo", "574"}, {"苏州", "Suzhou", "512"}, {"杭州", "Hangzhou", "571"}, {"东莞", "Dongguan", "769"},
	{"厦门", "Xiamen", "592"}, {"青岛", "Qingdao", "532"}, {"佛山", "Foshan", "757"}}

type brand struct{ zh, en string }

var brands = []brand{{"华信", "Huaxin"}, {"宏达", "Hongda"}, {"永盛", "Yongsheng"}, {"金龙", "Jinlong"}, {"鑫源", "Xinyuan"},
	{"恒通", "Hengtong"}, {"天成", "Tiancheng"}, {"瑞丰", "Ruifeng"}, {"中泰", "Zhongtai"}, {"海诚", "Haicheng"},
	{"新科", "Xinke"}, {"联发", "Lianfa"}, {"德邦", "Debang"}, {"安达", "Anda"}, {"富华", "Fuhua"}, {"长城", "Changcheng"},
	{"东方", "Dongfang"}, {"明辉", "Minghui"}, {"国泰", "Guotai"}, {"佳美", "Jiamei"}, {"博远", "Boyuan"}, {"汇丰", "Huifeng"},
	{"正大", "Zhengda"}, {"光明", "Guangming"}, {"兴业", "Xingye"}, {"凯达", "Kaida"}, {"荣昌", "Rongchang"}, {"立信", "Lixin"}}

type industry struct{ zh, en, abbr string }

var industries = []industry{{"电子", "Electronics", "elec"}, {"纺织", "Textile", "tex"}, {"机械", "Machinery", "mach"},
	{"化工", "Chemical", "chem"}, {"塑胶", "Plastics", "plast"}, {"照明", "Lighting", "light"}, {"五金", "Hardware", "hw"},
	{"包装", "Packaging", "pack"}, {"服饰", "Garments", "garm"}, {"科技", "Technology", "tech"}}

var zhForms = []string{"有限公司", "股份有限公司", "有限责任公司"}

type foreign struct {
	country, city, cc string
	first             []string // leading digits of the national number
	length            int
	names             []string
	forms             []string
}

var foreigners = []foreign{
	{"DE", "Hamburg", "49", []string{"40"}, 10, []string{"Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann"}, []string{"GmbH", "AG", "GmbH & Co. KG"}},
	{"US", "Chicago", "1", []string{"312"}, 10, []string{"Lakeside", "Midwest", "Prairie", "Summit", "Harbor", "Keystone"}, []string{"Inc.", "LLC", "Corp."}},
	{"FR", "Lyon", "33", []string{"4"}, 9, []string{"Durand", "Lefèvre", "Moreau", "Girard", "Bonnet", "Fontaine"}, []string{"S.A.", "SARL", "SAS"}},
	{"ES", "Valencia", "34", []string{"96"}, 9, []string{"García", "Martínez", "López", "Sánchez", "Romero", "Navarro"}, []string{"S.L.", "S.A."}},
	{"GB", "Leeds", "44", []string{"113"}, 10, []string{"Ashford", "Whitby", "Carlton", "Hargreaves", "Pennington", "Thornton"}, []string{"Ltd", "Limited", "PLC"}},
}

var enGoods = []string{"Trading", "Imports", "Supplies", "Components", "Industries", "Distribution", "Textiles", "Tools"}

var people = []string{"li", "wang", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "anna", "tom", "maria", "jose", "kate", "lukas"}

// FreeMail are the providers synthetic people write from.
var FreeMail = []string{"gmail.com", "qq.com", "163.com", "126.com", "outlook.com", "hotmail.com", "yahoo.com", "foxmail.com", "sina.com", "icloud.com"}

// NewCompany invents a company; about four in five are Chinese.
func NewCompany(r *rand.Rand, serial int) Company {
	if r.IntN(5) > 0 {
		return chinese(r, serial)
	}
	return overseas(r, serial)
}

func chinese(r *rand.Rand, serial int) Company {
	city := cnCities[r.IntN(len(cnCities))]
	b := brands[r.IntN(len(brands))]
	ind := industries[r.IntN(len(industries))]
	tld := []string{".com", ".cn", ".com.cn"}[r.IntN(3)]
	c := Company{
		Country:   "CN",
		City:      city.en,
		NameLocal: city.zh + b.zh + ind.zh + zhForms[r.IntN(len(zhForms))],
		NameEN:    city.en + " " + b.en + " " + ind.en + " Co., Ltd.",
		Domain:    fmt.Sprintf("%s-%s%d%s", strings.ToLower(b.en), ind.abbr, serial, tld),
	}
	for try := 0; c.Phone == "" || !strata.IsPhone(c.Phone, ""); try++ {
		if try == 100 {
			panic("synth: no valid switchboard number for " + city.en)
		}
		c.Phone = "+86" + city.area + digits(r, 8-try%2, "8") // 8 digits, or 7 in some cities
	}
	for range 1 + r.IntN(2) {
		c.Mobiles = append(c.Mobiles, "+86"+[]string{"138", "139", "150", "186", "135"}[r.IntN(5)]+digits(r, 8, ""))
	}
	for range 2 + r.IntN(2) {
		c.Contacts = append(c.Contacts, people[r.IntN(len(people))]+fmt.Sprint(r.IntN(100)))
	}
	return c
}

func overseas(r *rand.Rand, serial int) Company {
	f := foreigners[r.IntN(len(foreigners))]
	base := f.names[r.IntN(len(f.names))] + " " + enGoods[r.IntN(len(enGoods))]
	first := f.first[r.IntN(len(f.first))]
	c := Company{
		Country:   f.country,
		City:      f.city,
		NameLocal: base + " " + f.forms[r.IntN(len(f.forms))],
		Domain:    fmt.Sprintf("%s%d.%s", strings.ToLower(strings.NewReplacer(" ", "-", "ü", "ue", "è", "e", "í", "i", "á", "a").Replace(base)), serial, strings.ToLower(map[string]string{"GB": "co.uk", "US": "com"}[f.country]+map[string]string{"DE": "de", "FR": "fr", "ES": "es"}[f.country])),
	}
	for try := 0; c.Phone == "" || !strata.IsPhone(c.Phone, ""); try++ {
		if try == 100 {
			panic("synth: no valid switchboard number for " + f.city)
		}
		c.Phone = "+" + f.cc + first + digits(r, f.length-len(first), "2")
	}
	c.NameEN = c.NameLocal
	for range 1 + r.IntN(2) {
		c.Contacts = append(c.Contacts, people[r.IntN(len(people))]+fmt.Sprint(r.IntN(100)))
	}
	return c
}

// digits returns n random digits, the first not '0' (or from first).
func digits(r *rand.Rand, n int, first string) string {
	var b strings.Builder
	b.WriteString(first)
	for b.Len() < n {
		d := r.IntN(10)
		if b.Len() == 0 && d == 0 {
			d = 1
		}
		b.WriteByte(byte('0' + d))
	}
	return b.String()[:n]
}

// Record writes one CRM record of company c, as one source would: in the
// local or the English name (with the usual variations), with some of its
// numbers and mailboxes, written any of the usual ways. Hard makes the
// record thin: a free-mail address and a name, nothing else.
func Record(r *rand.Rand, c Company, id string, hard bool) strata.Customer {
	rec := strata.Customer{ID: id, Country: c.Country, Kind: strata.KindEnterprise}
	if r.IntN(3) > 0 {
		rec.City = c.City
	}
	if hard {
		rec.Name = variantName(r, c, true)
		rec.Channels = []strata.Channel{{Kind: strata.ChannelEmail, Value: people[r.IntN(len(people))] + fmt.Sprint(r.IntN(1000)) + "@" + FreeMail[r.IntN(len(FreeMail))]}}
		return rec
	}
	rec.Name = variantName(r, c, false)
	evidence := 0
	if r.IntN(10) < 6 {
		rec.Channels = append(rec.Channels, strata.Channel{Kind: strata.ChannelPhone, Value: writePhone(r, c.Phone, c.Country)})
		evidence++
	}
	if len(c.Mobiles) > 0 && r.IntN(3) == 0 {
		rec.Channels = append(rec.Channels, strata.Channel{Kind: strata.ChannelMobile, Value: writePhone(r, c.Mobiles[r.IntN(len(c.Mobiles))], c.Country)})
	}
	if r.IntN(10) < 7 || evidence == 0 {
		local := c.Contacts[r.IntN(len(c.Contacts))]
		rec.Channels = append(rec.Channels, strata.Channel{Kind: strata.ChannelEmail, Value: writeEmail(r, local+"@"+c.Domain)})
	}
	if r.IntN(4) == 0 {
		rec.Attrs = map[string]any{"website": []string{"https://www.", "http://", "www.", ""}[r.IntN(4)] + c.Domain + []string{"", "/", "/en/contact"}[r.IntN(3)]}
	}
	if r.IntN(5) == 0 {
		rec.Channels = append(rec.Channels, strata.Channel{Kind: strata.ChannelEmail, Value: people[r.IntN(len(people))] + fmt.Sprint(r.IntN(1000)) + "@" + FreeMail[r.IntN(len(FreeMail))]})
	}
	return rec
}

// variantName writes the company's name the way one source would.
func variantName(r *rand.Rand, c Company, sameScriptAsLocal bool) string {
	name := c.NameLocal
	if !sameScriptAsLocal && r.IntN(2) == 0 {
		name = c.NameEN
	}
	switch r.IntN(6) {
	case 0:
		name = strings.ToUpper(name)
	case 1:
		name = strings.NewReplacer(",", "", ".", "").Replace(name)
	case 2:
		name = strings.NewReplacer("华", "華", "电", "電", "东", "東", "丰", "豐", "达", "達", "龙", "龍", "兴", "興", "国", "國", "业", "業").Replace(name)
	case 3:
		for _, f := range append(zhForms, " Co., Ltd.", " GmbH", " Inc.", " LLC", " S.A.", " Ltd") {
			name = strings.TrimSuffix(name, f)
		}
	case 4:
		name = toFullWidth(name)
	}
	return name
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7F {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writePhone writes an E.164 number the way people do.
func writePhone(r *rand.Rand, e164, country string) string {
	p, err := strata.NormalizePhone(e164, "")
	if err != nil {
		return e164
	}
	nsn := p.National()
	cc := fmt.Sprint(p.CallingCode)
	trunk := map[string]string{"CN": "0", "DE": "0", "FR": "0", "ES": "", "GB": "0", "US": "1 "}[country]
	switch r.IntN(5) {
	case 0:
		return e164
	case 1:
		return "+" + cc + " " + nsn[:3] + " " + nsn[3:]
	case 2:
		return "00" + cc + "-" + nsn[:3] + "-" + nsn[3:]
	case 3:
		return trunk + nsn[:3] + "-" + nsn[3:]
	}
	return "(+" + cc + ") " + nsn
}

func writeEmail(r *rand.Rand, addr string) string {
	if r.IntN(3) == 0 {
		return strings.ToUpper(addr[:1]) + addr[1:]
	}
	return addr
}

// Pair is two records and whether they are one company.
type Pair struct {
	A, B strata.Customer
	Same bool
	Note string
}

// Pairs returns n labelled pairs, about half of them the same company
// (one in twenty of those thin, so that only a person could tell) and half two
// look-alike companies (same brand, industry or city).
func Pairs(seed uint64, n int) []Pair {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]Pair, 0, n)
	for i := range n {
		c := NewCompany(r, i)
		if i%2 == 0 {
			hard := r.IntN(20) == 0
			note := "same company"
			if hard {
				note = "same company, thin record"
			}
			out = append(out, Pair{A: Record(r, c, fmt.Sprintf("A-%d", i), false), B: Record(r, c, fmt.Sprintf("B-%d", i), hard), Same: true, Note: note})
			continue
		}
		d := lookAlike(r, c, i)
		out = append(out, Pair{A: Record(r, c, fmt.Sprintf("A-%d", i), false), B: Record(r, d, fmt.Sprintf("B-%d", i), r.IntN(10) == 0), Note: "look-alike companies"})
	}
	return out
}

// lookAlike invents another company resembling c: the same brand in
// another industry or city, or a neighbour sharing the switchboard of a
// business park.
func lookAlike(r *rand.Rand, c Company, serial int) Company {
	for {
		d := NewCompany(r, serial+1_000_000)
		if d.Country != c.Country {
			continue
		}
		switch r.IntN(6) {
		case 0: // same brand, another industry
			if c.Country == "CN" {
				b := c.NameLocal[len("深圳") : len("深圳")+len("华信")]
				d.NameLocal = strings.Replace(d.NameLocal, d.NameLocal[len("深圳"):len("深圳")+len("华信")], b, 1)
			}
		case 1, 3, 4: // same city
			d.City = c.City
		case 2: // a business park's shared switchboard
			d.Phone = c.Phone
		}
		if strata.CompanyKey(d.NameLocal) == strata.CompanyKey(c.NameLocal) {
			continue // two companies of one name in one country: not a look-alike, a mistake
		}
		return d
	}
}

// syllables spell the unique brands of BookCompany.
var syllables = [40][2]string{
	{"安", "an"}, {"宝", "bao"}, {"昌", "chang"}, {"达", "da"}, {"东", "dong"}, {"丰", "feng"}, {"福", "fu"}, {"光", "guang"},
	{"海", "hai"}, {"恒", "heng"}, {"宏", "hong"}, {"华", "hua"}, {"汇", "hui"}, {"佳", "jia"}, {"金", "jin"}, {"凯", "kai"},
	{"康", "kang"}, {"立", "li"}, {"联", "lian"}, {"龙", "long"}, {"美", "mei"}, {"明", "ming"}, {"鹏", "peng"}, {"荣", "rong"},
	{"瑞", "rui"}, {"胜", "sheng"}, {"盛", "sheng"}, {"泰", "tai"}, {"天", "tian"}, {"通", "tong"}, {"伟", "wei"}, {"祥", "xiang"},
	{"新", "xin"}, {"鑫", "xin"}, {"兴", "xing"}, {"业", "ye"}, {"益", "yi"}, {"永", "yong"}, {"源", "yuan"}, {"卓", "zhuo"},
}

// BookCompany is NewCompany with a brand of four syllables spelt from
// serial, so that the companies of a synthetic book of up to 2.56 million
// have distinct names, as companies registered in one place do.
func BookCompany(r *rand.Rand, serial int) Company {
	c := NewCompany(r, serial)
	var zh, en strings.Builder
	n := serial
	for i := range 4 {
		s := syllables[n%40]
		n /= 40
		zh.WriteString(s[0])
		if i == 0 {
			en.WriteString(strings.ToUpper(s[1][:1]) + s[1][1:])
		} else {
			en.WriteString(s[1])
		}
	}
	if c.Country == "CN" {
		// city (2 characters) + brand (2) + …: put the unique brand in.
		c.NameLocal = c.NameLocal[:len("深圳")] + zh.String() + c.NameLocal[len("深圳华信"):]
		words := strings.SplitN(c.NameEN, " ", 3)
		c.NameEN = words[0] + " " + en.String() + " " + words[2]
		return c
	}
	c.NameLocal = en.String() + " " + c.NameLocal
	c.NameEN = c.NameLocal
	return c
}
