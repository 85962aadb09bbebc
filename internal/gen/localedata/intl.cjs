// intl.cjs writes locale/testdata/intl.json: what CLDR's own formatting
// (ICU, through Node's Intl.NumberFormat) makes of sample amounts in every
// declared locale. package locale's TestFormatterMatchesCLDR compares the
// Formatter with it, so a gap in the generated tables shows as a failing
// locale. Run it with a Node whose ICU carries the same CLDR release as
// internal/gen/localedata (Node 20 with ICU 78 carries CLDR 48):
//
//	node internal/gen/localedata/intl.cjs > locale/testdata/intl.json
//
// Amounts are passed as strings, so Intl formats the exact decimal; Intl
// rounds half away from zero ("halfExpand"), as Strata does; signDisplay
// "negative" writes an amount that rounds to zero without a minus sign, as
// Strata does.
'use strict'
const fs = require('fs')
const path = require('path')

// The declared locales, read from the Go generator so the two lists agree.
const src = fs.readFileSync(path.join(__dirname, 'main.go'), 'utf8')
const list = src.slice(src.indexOf('var Locales = []string{'), src.indexOf('}', src.indexOf('var Locales = []string{')))
const locales = [...list.matchAll(/"([^"]+)"/g)].map(m => m[1])

// The currency of each locale's region, besides the common ones.
const local = {
  'en-GB': 'GBP', 'en-AU': 'AUD', 'en-CA': 'CAD', 'en-IN': 'INR', 'en-SG': 'SGD', 'en-HK': 'HKD', 'en-PK': 'PKR',
  'en-NZ': 'NZD', 'en-IE': 'EUR', 'en-ZA': 'ZAR', 'en-PH': 'PHP', 'en-MY': 'MYR', 'en-AE': 'AED', 'zh-Hant': 'TWD',
  'zh-Hant-HK': 'HKD', ja: 'JPY', ko: 'KRW', 'de-CH': 'CHF', 'fr-CA': 'CAD', 'fr-CH': 'CHF', pl: 'PLN', ru: 'RUB',
  tr: 'TRY', sv: 'SEK', da: 'DKK', nb: 'NOK', cs: 'CZK', hu: 'HUF', ro: 'RON', uk: 'UAH', he: 'ILS', 'es-MX': 'MXN',
  'es-AR': 'ARS', 'es-CO': 'COP', 'es-CL': 'CLP', pt: 'BRL', 'ar-SA': 'SAR', 'ar-EG': 'EGP', 'ar-AE': 'AED', hi: 'INR',
  th: 'THB', vi: 'VND', id: 'IDR', ms: 'MYR', fil: 'PHP', ur: 'PKR'
}
const common = ['USD', 'EUR', 'CNY', 'JPY', 'BHD']
const moneyAmounts = ['1234.5', '-1234.567', '0.125', '1000000', '-0.004']
const decimalAmounts = ['1234567.891', '-1234.5', '1234', '0.005', '12345678901234.5']
const compactAmounts = ['0', '999', '1234', '9999', '12345', '99999', '123456', '1000000', '1234567', '99999999',
  '120000000', '3000', '5000000000', '1000000000000', '-1234567']

const cases = []
for (const loc of locales) {
  for (const cur of [...new Set([...common, local[loc] || 'USD'])]) {
    const f = new Intl.NumberFormat(loc, { style: 'currency', currency: cur, signDisplay: 'negative' })
    for (const a of moneyAmounts) cases.push({ locale: loc, kind: 'money', amount: a, currency: cur, want: f.format(a) })
  }
  const d = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'negative' })
  for (const a of decimalAmounts) cases.push({ locale: loc, kind: 'decimal', amount: a, want: d.format(a) })
  const c = new Intl.NumberFormat(loc, { notation: 'compact', signDisplay: 'negative' })
  for (const a of compactAmounts) cases.push({ locale: loc, kind: 'compact', amount: a, want: c.format(a) })
}
const out = { node: process.version, icu: process.versions.icu, cldr: process.versions.cldr, cases }
process.stdout.write(JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n')
