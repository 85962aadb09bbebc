package timezone

// builtinRegion is one region's generated holidays: a country's days, or a
// subdivision's differences from its country (days added, dates dropped).
type builtinRegion struct {
	code, name, parent string
	days               []holidayDay
	drop               []int32 // YYYYMMDD
}

// holidayDay is a day off: its date as YYYYMMDD, its name's index in
// holidayNames, and the minute of the day it starts at (0: all day).
type holidayDay struct {
	date int32
	name uint16
	from uint16
}
