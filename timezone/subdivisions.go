package timezone

// subdivisionZones gives the zone of each part of the countries that span
// several zones, by ISO 3166-2 code. Where a part itself spans zones, the
// zone most of its people live in.
var subdivisionZones = func() map[string]string {
	m := map[string]string{}
	for _, row := range subdivisionZoneList {
		for _, c := range row.codes {
			m[c] = row.zone
		}
	}
	return m
}()

// subdivisionZoneList lists zones and the subdivisions that keep them.
var subdivisionZoneList = []struct {
	zone  string
	codes []string
}{
	// United States.
	{"America/New_York", []string{"US-CT", "US-DE", "US-DC", "US-GA", "US-ME", "US-MD", "US-MA", "US-NH", "US-NJ", "US-NY",
		"US-NC", "US-OH", "US-PA", "US-RI", "US-SC", "US-VT", "US-VA", "US-WV", "US-FL"}},
	{"America/Detroit", []string{"US-MI"}},
	{"America/Indiana/Indianapolis", []string{"US-IN"}},
	{"America/Kentucky/Louisville", []string{"US-KY"}},
	{"America/Chicago", []string{"US-AL", "US-AR", "US-IL", "US-IA", "US-KS", "US-LA", "US-MN", "US-MS", "US-MO", "US-NE",
		"US-ND", "US-OK", "US-SD", "US-TN", "US-TX", "US-WI"}},
	{"America/Denver", []string{"US-CO", "US-MT", "US-NM", "US-UT", "US-WY"}},
	{"America/Boise", []string{"US-ID"}},
	{"America/Phoenix", []string{"US-AZ"}},
	{"America/Los_Angeles", []string{"US-CA", "US-NV", "US-OR", "US-WA"}},
	{"America/Anchorage", []string{"US-AK"}},
	{"Pacific/Honolulu", []string{"US-HI"}},
	{"America/Puerto_Rico", []string{"US-PR"}},
	{"Pacific/Guam", []string{"US-GU"}},
	{"America/St_Thomas", []string{"US-VI"}},
	{"Pacific/Pago_Pago", []string{"US-AS"}},
	{"Pacific/Saipan", []string{"US-MP"}},
	// Canada.
	{"America/Vancouver", []string{"CA-BC"}},
	{"America/Edmonton", []string{"CA-AB", "CA-NT"}},
	{"America/Regina", []string{"CA-SK"}},
	{"America/Winnipeg", []string{"CA-MB"}},
	{"America/Toronto", []string{"CA-ON", "CA-QC"}},
	{"America/Moncton", []string{"CA-NB"}},
	{"America/Halifax", []string{"CA-NS", "CA-PE"}},
	{"America/St_Johns", []string{"CA-NL"}},
	{"America/Whitehorse", []string{"CA-YT"}},
	{"America/Iqaluit", []string{"CA-NU"}},
	// Mexico.
	{"America/Tijuana", []string{"MX-BCN"}},
	{"America/Mazatlan", []string{"MX-BCS", "MX-SIN", "MX-NAY"}},
	{"America/Hermosillo", []string{"MX-SON"}},
	{"America/Chihuahua", []string{"MX-CHH"}},
	{"America/Monterrey", []string{"MX-NLE", "MX-COA", "MX-TAM", "MX-DUR"}},
	{"America/Merida", []string{"MX-YUC", "MX-CAM"}},
	{"America/Cancun", []string{"MX-ROO"}},
	{"America/Mexico_City", []string{"MX-CMX", "MX-MEX", "MX-JAL", "MX-PUE", "MX-GUA", "MX-VER", "MX-MIC", "MX-OAX",
		"MX-CHP", "MX-GRO", "MX-HID", "MX-QUE", "MX-SLP", "MX-TAB", "MX-TLA", "MX-ZAC", "MX-AGU", "MX-COL", "MX-MOR"}},
	// Brazil.
	{"America/Sao_Paulo", []string{"BR-SP", "BR-RJ", "BR-MG", "BR-ES", "BR-PR", "BR-SC", "BR-RS", "BR-GO", "BR-DF"}},
	{"America/Bahia", []string{"BR-BA"}},
	{"America/Maceio", []string{"BR-AL", "BR-SE"}},
	{"America/Recife", []string{"BR-PE"}},
	{"America/Fortaleza", []string{"BR-CE", "BR-MA", "BR-PI", "BR-RN", "BR-PB"}},
	{"America/Belem", []string{"BR-PA", "BR-AP"}},
	{"America/Araguaina", []string{"BR-TO"}},
	{"America/Campo_Grande", []string{"BR-MS"}},
	{"America/Cuiaba", []string{"BR-MT"}},
	{"America/Porto_Velho", []string{"BR-RO"}},
	{"America/Boa_Vista", []string{"BR-RR"}},
	{"America/Manaus", []string{"BR-AM"}},
	{"America/Rio_Branco", []string{"BR-AC"}},
	// Russia: subjects outside Moscow time.
	{"Europe/Kaliningrad", []string{"RU-KGD"}},
	{"Europe/Samara", []string{"RU-SAM", "RU-UD"}},
	{"Europe/Ulyanovsk", []string{"RU-ULY"}},
	{"Europe/Saratov", []string{"RU-SAR"}},
	{"Europe/Astrakhan", []string{"RU-AST"}},
	{"Europe/Volgograd", []string{"RU-VGG"}},
	{"Europe/Kirov", []string{"RU-KIR"}},
	{"Asia/Yekaterinburg", []string{"RU-SVE", "RU-CHE", "RU-KGN", "RU-TYU", "RU-KHM", "RU-YAN", "RU-BA", "RU-ORE", "RU-PER"}},
	{"Asia/Omsk", []string{"RU-OMS"}},
	{"Asia/Novosibirsk", []string{"RU-NVS"}},
	{"Asia/Barnaul", []string{"RU-ALT", "RU-AL"}},
	{"Asia/Tomsk", []string{"RU-TOM"}},
	{"Asia/Novokuznetsk", []string{"RU-KEM"}},
	{"Asia/Krasnoyarsk", []string{"RU-KYA", "RU-TY", "RU-KK"}},
	{"Asia/Irkutsk", []string{"RU-IRK", "RU-BU"}},
	{"Asia/Chita", []string{"RU-ZAB"}},
	{"Asia/Yakutsk", []string{"RU-SA"}},
	{"Asia/Vladivostok", []string{"RU-PRI", "RU-KHA", "RU-YEV"}},
	{"Asia/Sakhalin", []string{"RU-SAK"}},
	{"Asia/Magadan", []string{"RU-MAG"}},
	{"Asia/Kamchatka", []string{"RU-KAM"}},
	{"Asia/Anadyr", []string{"RU-CHU"}},
	{"Europe/Moscow", []string{"RU-MOW", "RU-SPE", "RU-MOS", "RU-LEN", "RU-NIZ", "RU-TA", "RU-KDA", "RU-ROS", "RU-VOR"}},
	// Australia (Lord Howe Island, in New South Wales, keeps its own zone:
	// set it on the record).
	{"Australia/Sydney", []string{"AU-NSW", "AU-ACT"}},
	{"Australia/Melbourne", []string{"AU-VIC"}},
	{"Australia/Brisbane", []string{"AU-QLD"}},
	{"Australia/Adelaide", []string{"AU-SA"}},
	{"Australia/Perth", []string{"AU-WA"}},
	{"Australia/Hobart", []string{"AU-TAS"}},
	{"Australia/Darwin", []string{"AU-NT"}},
	// Indonesia: WIB, WITA and WIT.
	{"Asia/Jakarta", []string{"ID-AC", "ID-SU", "ID-SB", "ID-RI", "ID-JA", "ID-BE", "ID-SS", "ID-BB", "ID-LA", "ID-KR",
		"ID-BT", "ID-JK", "ID-JB", "ID-JT", "ID-YO", "ID-JI"}},
	{"Asia/Pontianak", []string{"ID-KB", "ID-KT"}},
	{"Asia/Makassar", []string{"ID-BA", "ID-NB", "ID-NT", "ID-KS", "ID-KI", "ID-KU", "ID-SA", "ID-ST", "ID-SG", "ID-SN",
		"ID-SR", "ID-GO"}},
	{"Asia/Jayapura", []string{"ID-MA", "ID-MU", "ID-PA", "ID-PB", "ID-PD", "ID-PE", "ID-PS", "ID-PT"}},
	// Kazakhstan: one offset (+05) since March 2024, several zone names;
	// ISO 3166-2:KZ codes are numeric since 2021.
	{"Asia/Almaty", []string{"KZ-10", "KZ-11", "KZ-19", "KZ-31", "KZ-33", "KZ-35", "KZ-55", "KZ-59", "KZ-61", "KZ-62",
		"KZ-63", "KZ-71", "KZ-75", "KZ-79"}},
	{"Asia/Aqtobe", []string{"KZ-15"}},
	{"Asia/Atyrau", []string{"KZ-23"}},
	{"Asia/Oral", []string{"KZ-27"}},
	{"Asia/Qostanay", []string{"KZ-39"}},
	{"Asia/Qyzylorda", []string{"KZ-43"}},
	{"Asia/Aqtau", []string{"KZ-47"}},
}
