package timezone

// subdivisionZones gives the zone of each part of the countries that span
// several zones, by ISO 3166-2 code. Where a part itself spans zones, the
// zone most of its people live in.
var subdivisionZones = map[string]string{}

func init() {
	add := func(zone string, codes ...string) {
		for _, c := range codes {
			subdivisionZones[c] = zone
		}
	}
	// United States.
	add("America/New_York", "US-CT", "US-DE", "US-DC", "US-GA", "US-ME", "US-MD", "US-MA", "US-NH", "US-NJ", "US-NY",
		"US-NC", "US-OH", "US-PA", "US-RI", "US-SC", "US-VT", "US-VA", "US-WV", "US-FL")
	add("America/Detroit", "US-MI")
	add("America/Indiana/Indianapolis", "US-IN")
	add("America/Kentucky/Louisville", "US-KY")
	add("America/Chicago", "US-AL", "US-AR", "US-IL", "US-IA", "US-KS", "US-LA", "US-MN", "US-MS", "US-MO", "US-NE",
		"US-ND", "US-OK", "US-SD", "US-TN", "US-TX", "US-WI")
	add("America/Denver", "US-CO", "US-MT", "US-NM", "US-UT", "US-WY")
	add("America/Boise", "US-ID")
	add("America/Phoenix", "US-AZ")
	add("America/Los_Angeles", "US-CA", "US-NV", "US-OR", "US-WA")
	add("America/Anchorage", "US-AK")
	add("Pacific/Honolulu", "US-HI")
	add("America/Puerto_Rico", "US-PR")
	add("Pacific/Guam", "US-GU")
	add("America/St_Thomas", "US-VI")
	add("Pacific/Pago_Pago", "US-AS")
	add("Pacific/Saipan", "US-MP")
	// Canada.
	add("America/Vancouver", "CA-BC")
	add("America/Edmonton", "CA-AB", "CA-NT")
	add("America/Regina", "CA-SK")
	add("America/Winnipeg", "CA-MB")
	add("America/Toronto", "CA-ON", "CA-QC")
	add("America/Moncton", "CA-NB")
	add("America/Halifax", "CA-NS", "CA-PE")
	add("America/St_Johns", "CA-NL")
	add("America/Whitehorse", "CA-YT")
	add("America/Iqaluit", "CA-NU")
	// Mexico.
	add("America/Tijuana", "MX-BCN")
	add("America/Mazatlan", "MX-BCS", "MX-SIN", "MX-NAY")
	add("America/Hermosillo", "MX-SON")
	add("America/Chihuahua", "MX-CHH")
	add("America/Monterrey", "MX-NLE", "MX-COA", "MX-TAM", "MX-DUR")
	add("America/Merida", "MX-YUC", "MX-CAM")
	add("America/Cancun", "MX-ROO")
	add("America/Mexico_City", "MX-CMX", "MX-MEX", "MX-JAL", "MX-PUE", "MX-GUA", "MX-VER", "MX-MIC", "MX-OAX",
		"MX-CHP", "MX-GRO", "MX-HID", "MX-QUE", "MX-SLP", "MX-TAB", "MX-TLA", "MX-ZAC", "MX-AGU", "MX-COL", "MX-MOR")
	// Brazil.
	add("America/Sao_Paulo", "BR-SP", "BR-RJ", "BR-MG", "BR-ES", "BR-PR", "BR-SC", "BR-RS", "BR-GO", "BR-DF")
	add("America/Bahia", "BR-BA")
	add("America/Maceio", "BR-AL", "BR-SE")
	add("America/Recife", "BR-PE")
	add("America/Fortaleza", "BR-CE", "BR-MA", "BR-PI", "BR-RN", "BR-PB")
	add("America/Belem", "BR-PA", "BR-AP")
	add("America/Araguaina", "BR-TO")
	add("America/Campo_Grande", "BR-MS")
	add("America/Cuiaba", "BR-MT")
	add("America/Porto_Velho", "BR-RO")
	add("America/Boa_Vista", "BR-RR")
	add("America/Manaus", "BR-AM")
	add("America/Rio_Branco", "BR-AC")
	// Russia: subjects outside Moscow time.
	add("Europe/Kaliningrad", "RU-KGD")
	add("Europe/Samara", "RU-SAM", "RU-UD")
	add("Europe/Ulyanovsk", "RU-ULY")
	add("Europe/Saratov", "RU-SAR")
	add("Europe/Astrakhan", "RU-AST")
	add("Europe/Volgograd", "RU-VGG")
	add("Europe/Kirov", "RU-KIR")
	add("Asia/Yekaterinburg", "RU-SVE", "RU-CHE", "RU-KGN", "RU-TYU", "RU-KHM", "RU-YAN", "RU-BA", "RU-ORE", "RU-PER")
	add("Asia/Omsk", "RU-OMS")
	add("Asia/Novosibirsk", "RU-NVS")
	add("Asia/Barnaul", "RU-ALT", "RU-AL")
	add("Asia/Tomsk", "RU-TOM")
	add("Asia/Novokuznetsk", "RU-KEM")
	add("Asia/Krasnoyarsk", "RU-KYA", "RU-TY", "RU-KK")
	add("Asia/Irkutsk", "RU-IRK", "RU-BU")
	add("Asia/Chita", "RU-ZAB")
	add("Asia/Yakutsk", "RU-SA")
	add("Asia/Vladivostok", "RU-PRI", "RU-KHA", "RU-YEV")
	add("Asia/Sakhalin", "RU-SAK")
	add("Asia/Magadan", "RU-MAG")
	add("Asia/Kamchatka", "RU-KAM")
	add("Asia/Anadyr", "RU-CHU")
	add("Europe/Moscow", "RU-MOW", "RU-SPE", "RU-MOS", "RU-LEN", "RU-NIZ", "RU-TA", "RU-KDA", "RU-ROS", "RU-VOR")
	// Australia (Lord Howe Island, in New South Wales, keeps its own zone:
	// set it on the record).
	add("Australia/Sydney", "AU-NSW", "AU-ACT")
	add("Australia/Melbourne", "AU-VIC")
	add("Australia/Brisbane", "AU-QLD")
	add("Australia/Adelaide", "AU-SA")
	add("Australia/Perth", "AU-WA")
	add("Australia/Hobart", "AU-TAS")
	add("Australia/Darwin", "AU-NT")
	// Indonesia: WIB, WITA and WIT.
	add("Asia/Jakarta", "ID-AC", "ID-SU", "ID-SB", "ID-RI", "ID-JA", "ID-BE", "ID-SS", "ID-BB", "ID-LA", "ID-KR",
		"ID-BT", "ID-JK", "ID-JB", "ID-JT", "ID-YO", "ID-JI")
	add("Asia/Pontianak", "ID-KB", "ID-KT")
	add("Asia/Makassar", "ID-BA", "ID-NB", "ID-NT", "ID-KS", "ID-KI", "ID-KU", "ID-SA", "ID-ST", "ID-SG", "ID-SN",
		"ID-SR", "ID-GO")
	add("Asia/Jayapura", "ID-MA", "ID-MU", "ID-PA", "ID-PB", "ID-PD", "ID-PE", "ID-PS", "ID-PT")
	// Kazakhstan: one offset (+05) since March 2024, several zone names;
	// ISO 3166-2:KZ codes are numeric since 2021.
	add("Asia/Almaty", "KZ-10", "KZ-11", "KZ-19", "KZ-31", "KZ-33", "KZ-35", "KZ-55", "KZ-59", "KZ-61", "KZ-62",
		"KZ-63", "KZ-71", "KZ-75", "KZ-79")
	add("Asia/Aqtobe", "KZ-15")
	add("Asia/Atyrau", "KZ-23")
	add("Asia/Oral", "KZ-27")
	add("Asia/Qostanay", "KZ-39")
	add("Asia/Qyzylorda", "KZ-43")
	add("Asia/Aqtau", "KZ-47")
}
