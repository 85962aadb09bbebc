// holidays.cjs prints, as JSON, the public holidays that the npm package
// date-holidays computes for the given countries, their subdivisions
// ("states" in date-holidays) and years. internal/gen/holidays runs it and
// turns its output into Go source.
//
// Usage: node holidays.cjs NODE_MODULES FIRST_YEAR LAST_YEAR CC...
//
// Only holidays of type "public" are kept (not bank holidays, school
// holidays, optional days or observances). Names are in English where
// date-holidays has an English name, else in the local language. A holiday
// that lasts several days (Eid al-Fitr "P4D") gives one entry per day; one
// that starts during the day ("12-24 14:00") gives its start time.
'use strict'
const path = require('path')
const [modules, first, last, ...countries] = process.argv.slice(2)
const Holidays = require(path.join(modules, 'date-holidays'))
const version = require(path.join(modules, 'date-holidays', 'package.json')).version

const DAY = 24 * 3600 * 1000

function days (hd, year) {
  const out = []
  for (const h of hd.getHolidays(Number(year), 'en')) {
    if (h.type !== 'public') continue
    // h.date is "YYYY-MM-DD HH:MM:SS", with " -0600" when the holiday begins
    // the evening before (Islamic days begin at sunset).
    const [date, time, offset] = h.date.split(' ')
    const from = (offset === undefined && time !== '00:00:00') ? time.slice(0, 5) : ''
    const n = Math.max(1, Math.round((h.end - h.start) / DAY))
    const start = new Date(date + 'T00:00:00Z')
    for (let i = 0; i < n; i++) {
      const d = new Date(start.getTime() + i * DAY).toISOString().slice(0, 10)
      out.push({ date: d, name: h.name, from: i === 0 ? from : '', substitute: !!h.substitute })
    }
  }
  return out
}

const regions = []
const hd = new Holidays()
for (const cc of countries) {
  const national = new Holidays(cc)
  const names = hd.getCountries('en')
  const entry = { region: cc, name: names[cc], days: [] }
  for (let y = Number(first); y <= Number(last); y++) entry.days.push(...days(national, y))
  regions.push(entry)
  const states = hd.getStates(cc, 'en') || {}
  for (const st of Object.keys(states).sort()) {
    const sub = new Holidays(cc, st)
    const e = { region: cc + '-' + st, name: states[st], days: [] }
    for (let y = Number(first); y <= Number(last); y++) e.days.push(...days(sub, y))
    regions.push(e)
  }
}
process.stdout.write(JSON.stringify({ package: 'date-holidays', version, regions }, null, 1) + '\n')
