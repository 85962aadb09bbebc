package match_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strata-go/strata"
	"github.com/strata-go/strata/routing/match"
	"github.com/strata-go/strata/routing/match/internal/synth"
)

// codec is one of the two ways to store a profile.
type codec struct {
	name      string
	marshal   func(match.Profile) ([]byte, error)
	unmarshal func(*match.Profile, []byte) error
}

var (
	binaryCodec  = codec{"binary", match.Profile.MarshalBinary, (*match.Profile).UnmarshalBinary}
	jsonCodec    = codec{"JSON", match.Profile.MarshalJSON, (*match.Profile).UnmarshalJSON}
	format1Codec = codec{"binary format 1", match.MarshalFormat1, (*match.Profile).UnmarshalBinary}
)

// decoderCodec is MarshalBinary with one ProfileDecoder for every profile
// decoded through it, so that they cross its chunks' boundaries.
func decoderCodec() codec {
	var dec match.ProfileDecoder
	return codec{"ProfileDecoder", match.Profile.MarshalBinary, func(p *match.Profile, data []byte) error { return dec.Decode(data, p) }}
}

// stored returns the profiles as a host gets them back from its database:
// encoded, decoded and checked against the Matcher.
func stored(t *testing.T, m *match.Matcher, ps []match.Profile, c codec) []match.Profile {
	t.Helper()
	out := make([]match.Profile, len(ps))
	for i := range ps {
		data, err := c.marshal(ps[i])
		require.NoError(t, err)
		require.NoError(t, c.unmarshal(&out[i], data))
		require.NoError(t, m.CheckProfile(&out[i]))
	}
	return out
}

// labelledRecords are the records of the labelled set, raw and as
// strata.Normalize stores them, and the Huaxin book.
func labelledRecords(t *testing.T) []strata.Customer {
	var recs []strata.Customer
	for _, p := range synth.Pairs(2026, 1000) {
		recs = append(recs, p.A, p.B, normalised(t, p.A), normalised(t, p.B))
	}
	return append(recs, huaxinBook()...)
}

// TestStoredProfileRoundTrip is the property over the labelled set: a
// profile stored and decoded (binary or JSON) encodes to the same bytes
// again, the two encodings decode to the same profile, it passes
// CheckProfile, and its Keys are the record's; a profile stored in format 1
// decodes to the profile format 2 stores, through UnmarshalBinary and a
// ProfileDecoder alike.
func TestStoredProfileRoundTrip(t *testing.T) {
	m := newMatcher(t)
	var dec match.ProfileDecoder
	for i, rec := range labelledRecords(t) {
		p := m.Profile(&rec)
		bin, err := p.MarshalBinary()
		require.NoError(t, err)
		js, err := json.Marshal(p)
		require.NoError(t, err)
		var fromBin, fromJSON match.Profile
		require.NoError(t, fromBin.UnmarshalBinary(bin), "record %d", i)
		require.NoError(t, json.Unmarshal(js, &fromJSON), "record %d", i)
		again, err := fromJSON.MarshalBinary()
		require.NoError(t, err)
		assert.Equal(t, bin, again, "record %d: JSON then binary", i)
		againJS, err := fromBin.MarshalJSON()
		require.NoError(t, err)
		assert.JSONEq(t, string(js), string(againJS), "record %d: binary then JSON", i)
		assert.Equal(t, m.Keys(&rec), fromBin.Keys(), "record %d", i)
		assert.NoError(t, m.CheckProfile(&fromBin), "record %d", i)
		v1, err := match.MarshalFormat1(p)
		require.NoError(t, err)
		var fromV1, viaDecoder match.Profile
		require.NoError(t, fromV1.UnmarshalBinary(v1), "record %d", i)
		require.NoError(t, dec.Decode(bin, &viaDecoder), "record %d", i)
		for name, q := range map[string]*match.Profile{"format 1": &fromV1, "ProfileDecoder": &viaDecoder} {
			again, err := q.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, bin, again, "record %d: %s", i, name)
		}
	}
}

// sampleProfile is a profile with every field set.
func sampleProfile(t *testing.T, m *match.Matcher) match.Profile {
	t.Helper()
	rec := strata.Customer{ID: "C-100", Owner: "wang", Name: "深圳华信电子有限公司", Country: "CN", City: "Shenzhen",
		Channels: []strata.Channel{ch(strata.ChannelPhone, "+8675588881234"), ch(strata.ChannelMobile, "+8613922223333"),
			ch(strata.ChannelEmail, "li.ming@huaxin-elec.com"), ch(strata.ChannelEmail, "hx.buyer@gmail.com")},
		Attrs: map[string]any{"website": "www.huaxin-elec.com"}}
	return m.Profile(&rec)
}

// header is the binary encoding's fixed part: format 1, normalisation 1,
// the config fingerprint, flags, country and city.
func header(config []byte) []byte {
	b := []byte{1, 1}
	b = append(b, config...)
	return append(b, 0, 'C', 'N', 0, 0, 0, 0, 0, 0, 0, 0)
}

// refusal is an input decoding must refuse, and what the error says.
type refusal struct {
	name  string
	data  []byte
	stale bool
	want  string
}

// TestUnmarshalBinaryRefuses: unknown versions, truncated, oversized and
// malformed input in format 1 are errors that say what is wrong, never a
// panic; a profile of another normalisation version is ErrStaleProfile.
func TestUnmarshalBinaryRefuses(t *testing.T) {
	m := newMatcher(t)
	good, err := match.MarshalFormat1(sampleProfile(t, m))
	require.NoError(t, err)
	with := func(f func([]byte) []byte) []byte { return f(bytes.Clone(good)) }
	cfg := good[2:10]
	tests := []refusal{
		{"empty", nil, false, "truncated"},
		{"unknown format", with(func(b []byte) []byte { b[0] = 3; return b }), false, "unknown format version 3"},
		{"format 0", with(func(b []byte) []byte { b[0] = 0; return b }), false, "unknown format version 0"},
		{"older normalisation", with(func(b []byte) []byte { b[1] = 0; return b }), true, "normalisation version 0"},
		{"newer normalisation", with(func(b []byte) []byte { b[1] = 2; return b }), true, "rebuild it"},
		{"trailing byte", append(bytes.Clone(good), 0), false, "1 bytes after the profile"},
		{"unknown flags", with(func(b []byte) []byte { b[10] = 2; return b }), false, "unknown flags"},
		{"oversized", make([]byte, match.MaxProfileBytes+1), false, "more than 65536"},
		{"too many phones", binary.AppendUvarint(append(header(cfg), 0, 0, 0), match.MaxProfileKeys+1), false, "length 257: more than 256"},
		{"string too long", binary.AppendUvarint(header(cfg), match.MaxProfileString+1), false, "length 4097: more than 4096"},
		{"length past the end", append(binary.AppendUvarint(header(cfg), 100), "C-1"...), false, "truncated"},
		{"malformed number", append(header(cfg), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), false, "malformed number"},
		{"unsorted phones", append(append(header(cfg), 0, 0, 0, 2, 0, 0), "\x03+86\x03+11"...), false, "phones[1]: not sorted, or repeated"},
		{"repeated email", append(append(header(cfg), 0, 0, 0, 0, 2, 0), "\x03a@b\x03a@b"...), false, "emails[1]: not sorted"},
		{"empty domain", append(append(header(cfg), 0, 0, 0, 0, 0, 1), 0), false, "domains[0]: empty"},
		{"not UTF-8", append(header(cfg), 1, 0xff, 0, 0, 0, 0, 0), false, "id: not UTF-8"},
		{"country not ASCII", with(func(b []byte) []byte { b[11] = 0xc3; return b }), false, "country"},
	}
	for i := range len(good) {
		tests = append(tests, refusal{fmt.Sprintf("cut at %d", i), good[:i], false, "truncated"})
	}
	checkRefusals(t, tests)
}

// f2 is where the parts of a format 2 encoding are, by its documented
// layout: the 37-byte header, the lengths of the list entries, the key
// hashes, the bigrams, the text.
type f2 struct{ np, ne, nd, ng, keys, grams, text int }

func layout2(b []byte) f2 {
	u16 := func(at int) int { return int(binary.LittleEndian.Uint16(b[at:])) }
	l := f2{np: u16(29), ne: u16(31), nd: u16(33), ng: u16(35)}
	nk := l.np + l.ne + l.nd
	l.keys = 37 + 2*nk
	l.grams = l.keys + 8*nk
	l.text = l.grams + 6*l.ng
	return l
}

// TestUnmarshalBinaryRefusesFormat2: format 2's header, lengths, strings,
// key hashes and bigrams are checked against the documented layout, as
// format 1's are; every refusal is the same through a ProfileDecoder.
func TestUnmarshalBinaryRefusesFormat2(t *testing.T) {
	m := newMatcher(t)
	good, err := sampleProfile(t, m).MarshalBinary()
	require.NoError(t, err)
	require.Equal(t, byte(2), good[0])
	l := layout2(good)
	require.Equal(t, [4]int{2, 2, 1}, [4]int{l.np, l.ne, l.nd}, "the sample's lists")
	require.Greater(t, l.ng, 2)
	with := func(f func([]byte)) []byte {
		b := bytes.Clone(good)
		f(b)
		return b
	}
	put16 := func(at, v int) []byte {
		return with(func(b []byte) { binary.LittleEndian.PutUint16(b[at:], uint16(v)) })
	}
	swap := func(at, n int) []byte { // swaps the n bytes at at with the n after them
		return with(func(b []byte) {
			x := bytes.Clone(b[at : at+n])
			copy(b[at:], b[at+n:at+2*n])
			copy(b[at+n:], x)
		})
	}
	lenID, lenOwner := int(good[23]), int(good[25])
	tests := []refusal{
		{"unknown format", with(func(b []byte) { b[0] = 3 }), false, "unknown format version 3"},
		{"older normalisation", put16(1, 0), true, "normalisation version 0"},
		{"newer normalisation", put16(1, 2), true, "rebuild it"},
		{"trailing byte", append(bytes.Clone(good), 0), false, "1 bytes after the profile"},
		{"unknown flags", with(func(b []byte) { b[11] = 2 }), false, "unknown flags"},
		{"country not ASCII", with(func(b []byte) { b[12] = 0xc3 }), false, "country"},
		{"unknown script", with(func(b []byte) { b[22] = 4 }), false, "script 4"},
		{"no script with a name", with(func(b []byte) { b[22] = 0 }), false, "script 0"},
		{"id too long", put16(23, match.MaxProfileString+1), false, "length 4097: more than 4096"},
		{"too many phones", put16(29, match.MaxProfileKeys+1), false, "length 257: more than 256"},
		{"more bigrams than the name's bytes", put16(35, int(good[27])+1), false, "more than"},
		{"empty phone", put16(37, 0), false, "phones[0]: length 0"},
		{"longer phone", put16(37, int(good[37])+1), false, "truncated"},
		{"key of another kind", with(func(b []byte) { b[l.keys+7] ^= 0xc0 }), false, "key hash 0"},
		{"keys not ascending", swap(l.keys, 8), false, "key hash 1"},
		{"bigrams not ascending", swap(l.grams, 6), false, "bigram 1"},
		{"bigram not a rune", with(func(b []byte) { b[l.grams+5] = 0xff }), false, "bigram 0"},
		{"id not UTF-8", with(func(b []byte) { b[l.text] = 0xff }), false, "id: not UTF-8"},
		{"a rune across owner and name", with(func(b []byte) {
			binary.LittleEndian.PutUint16(b[25:], uint16(lenOwner+1))
			binary.LittleEndian.PutUint16(b[27:], uint16(int(b[27])-1))
		}), false, "not UTF-8"},
		{"unsorted phones", swap(l.text+lenID+lenOwner+int(good[27]), 14), false, "phones[1]: not sorted"},
	}
	for i := range len(good) {
		tests = append(tests, refusal{fmt.Sprintf("cut at %d", i), good[:i], false, "truncated"})
	}
	checkRefusals(t, tests)
}

func checkRefusals(t *testing.T, tests []refusal) {
	t.Helper()
	var dec match.ProfileDecoder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for name, decode := range map[string]func(*match.Profile, []byte) error{
				"UnmarshalBinary": (*match.Profile).UnmarshalBinary,
				"ProfileDecoder":  func(p *match.Profile, data []byte) error { return dec.Decode(data, p) },
			} {
				p := match.Profile{ID: "untouched"}
				err := decode(&p, tc.data)
				require.Error(t, err, name)
				assert.Contains(t, err.Error(), tc.want, name)
				assert.Equal(t, tc.stale, errors.Is(err, match.ErrStaleProfile), name)
				if !tc.stale {
					_, ok := errors.AsType[*match.ProfileError](err)
					assert.True(t, ok, name)
				}
				assert.Equal(t, "untouched", p.ID, "%s: p unchanged on error", name)
				assert.NotContains(t, err.Error(), "13922223333", name)
				assert.NotContains(t, err.Error(), "li.ming", name)
			}
		})
	}
}

// TestUnmarshalJSONRefuses: the JSON form refuses what the binary one does.
func TestUnmarshalJSONRefuses(t *testing.T) {
	m := newMatcher(t)
	good, err := json.Marshal(sampleProfile(t, m))
	require.NoError(t, err)
	edit := func(old, new string) []byte {
		require.Contains(t, string(good), old)
		return []byte(strings.Replace(string(good), old, new, 1))
	}
	tests := []struct {
		name  string
		data  []byte
		stale bool
		want  string
	}{
		{"not JSON", []byte(`{"format":1,`), false, "JSON"},
		{"unknown format", edit(`"format":1`, `"format":9`), false, "unknown format version 9"},
		{"no format", edit(`"format":1,`, ``), false, "unknown format version 0"},
		{"older normalisation", edit(`"norm":1`, `"norm":0`), true, "rebuild it"},
		{"unknown field", edit(`"format":1`, `"format":1,"extra":true`), false, `unknown field "extra"`},
		{"wrong type", edit(`"format":1`, `"format":"1"`), false, "wrong type"},
		{"data after", append(bytes.Clone(good), "{}"...), false, "after the profile"},
		{"bad config", edit(`"config":"`, `"config":"x`), false, "config: not 16 hexadecimal digits"},
		{"country of three", edit(`"country":"CN"`, `"country":"CHN"`), false, "country"},
		{"unsorted phones", edit(`"phones":["+8613922223333","+8675588881234"]`, `"phones":["+8675588881234","+8613922223333"]`), false, "phones[1]"},
		{"oversized", make([]byte, 6*match.MaxProfileBytes+1), false, "more than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := match.Profile{ID: "untouched"}
			err := p.UnmarshalJSON(tc.data)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, tc.stale, errors.Is(err, match.ErrStaleProfile))
			assert.Equal(t, "untouched", p.ID)
			assert.NotContains(t, err.Error(), "13922223333")
		})
	}
}

// TestMarshalRefusesBeyondBounds: what could not be decoded is not
// encoded.
func TestMarshalRefusesBeyondBounds(t *testing.T) {
	m := newMatcher(t)
	long := strata.Customer{ID: strings.Repeat("x", match.MaxProfileString+1)}
	bad := strata.Customer{ID: "C-1\xff"}
	foreign := strata.Customer{ID: "C-2", Country: "É"} // two bytes, not two letters
	for name, rec := range map[string]strata.Customer{"long id": long, "not UTF-8": bad, "country": foreign} {
		t.Run(name, func(t *testing.T) {
			p := m.Profile(&rec)
			_, err := p.MarshalBinary()
			require.Error(t, err)
			_, err = p.MarshalJSON()
			require.Error(t, err)
		})
	}
}

// TestCheckProfile: a profile belongs to the configuration that built it;
// the thresholds may change, the free-mail domains and website fields may
// not.
func TestCheckProfile(t *testing.T) {
	m := newMatcher(t)
	p := sampleProfile(t, m)
	data, err := p.MarshalBinary()
	require.NoError(t, err)
	var q match.Profile
	require.NoError(t, q.UnmarshalBinary(data))
	cfg := match.StarterConfig()
	cfg.Match, cfg.Review, cfg.Points.Phone = 80, 40, 70
	same, err := match.New(cfg)
	require.NoError(t, err)
	assert.NoError(t, same.CheckProfile(&q), "thresholds and points do not shape a profile")
	reordered := match.StarterConfig()
	reordered.WebsiteAttrs = []string{"website"}
	m2, err := match.New(reordered)
	require.NoError(t, err)
	assert.NoError(t, m2.CheckProfile(&q), "the default website field, named")
	for name, change := range map[string]func(*match.Config){
		"free mail": func(c *match.Config) { c.FreeMail = []string{"example-isp.cn"} },
		"website":   func(c *match.Config) { c.WebsiteAttrs = []string{"homepage"} },
	} {
		t.Run(name, func(t *testing.T) {
			c := match.StarterConfig()
			change(&c)
			other, err := match.New(c)
			require.NoError(t, err)
			err = other.CheckProfile(&q)
			require.ErrorIs(t, err, match.ErrStaleProfile)
			assert.Contains(t, err.Error(), "rebuild")
		})
	}
	require.ErrorIs(t, m.CheckProfile(&match.Profile{ID: "C-1"}), match.ErrStaleProfile, "built by no Matcher")
	require.Error(t, m.CheckProfile(nil))
	var nilM *match.Matcher
	require.Error(t, nilM.CheckProfile(&q))
	require.Error(t, (*match.Profile)(nil).UnmarshalBinary(data))
	require.Error(t, (*match.Profile)(nil).UnmarshalJSON([]byte("{}")))
}

// TestStoredProfilePrintsNoPersonalData: a decoded profile prints its ID
// only, whatever the verb.
func TestStoredProfilePrintsNoPersonalData(t *testing.T) {
	m := newMatcher(t)
	data, err := sampleProfile(t, m).MarshalBinary()
	require.NoError(t, err)
	var p match.Profile
	require.NoError(t, p.UnmarshalBinary(data))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{p, &p, []match.Profile{p}} {
			out := fmt.Sprintf(verb, v)
			assert.Contains(t, out, "C-100", verb)
			for _, secret := range []string{"13922223333", "75588881234", "li.ming", "liming", "hxbuyer", "华信", "wang"} {
				assert.NotContains(t, out, secret, verb)
			}
		}
	}
}

// FuzzProfileUnmarshal: any input, read as the binary or the JSON form,
// is refused with an error or decodes to a profile that encodes and
// decodes to itself, passes or fails CheckProfile, and scores without a
// panic.
func FuzzProfileUnmarshal(f *testing.F) {
	m, err := match.New(match.StarterConfig())
	require.NoError(f, err)
	for _, rec := range huaxinBook() {
		p := m.Profile(&rec)
		bin, err := p.MarshalBinary()
		require.NoError(f, err)
		js, err := p.MarshalJSON()
		require.NoError(f, err)
		v1, err := match.MarshalFormat1(p)
		require.NoError(f, err)
		f.Add(bin)
		f.Add(js)
		f.Add(v1)
	}
	f.Add([]byte{1, 1})
	f.Add([]byte{2, 1, 0})
	f.Add([]byte(`{"format":1,"norm":1,"config":"0000000000000001","id":"x","phones":["+1"]}`))
	lead := m.Profile(&huaxinBook()[0])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range []codec{binaryCodec, jsonCodec} {
			var p match.Profile
			if err := c.unmarshal(&p, data); err != nil {
				continue
			}
			again, err := c.marshal(p)
			require.NoError(t, err, c.name)
			var q match.Profile
			require.NoError(t, c.unmarshal(&q, again), c.name)
			b1, err := p.MarshalBinary()
			require.NoError(t, err)
			b2, err := q.MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, b1, b2, c.name)
			_ = m.CheckProfile(&p)
			m.MatchProfiles(lead, []match.Profile{p, q})
			m.MatchProfiles(p, []match.Profile{lead})
		}
	})
}

// FuzzProfileDecoder is the differential fuzz test of the two binary
// decoders: for any input (stored profiles of format 1 and 2 as seeds), a
// ProfileDecoder and UnmarshalBinary both refuse it with the same error or
// both decode it to the same profile (the same encoding), which scores as
// the other does; the decoder's earlier profiles are left as they were.
func FuzzProfileDecoder(f *testing.F) {
	m, err := match.New(match.StarterConfig())
	require.NoError(f, err)
	for _, rec := range huaxinBook() {
		p := m.Profile(&rec)
		for _, marshal := range []func(match.Profile) ([]byte, error){match.Profile.MarshalBinary, match.MarshalFormat1} {
			data, err := marshal(p)
			require.NoError(f, err)
			f.Add(data)
		}
	}
	lead := m.Profile(&huaxinBook()[0])
	var dec match.ProfileDecoder
	var kept []match.Profile // every profile dec decoded, and its encoding then
	var keptBin [][]byte
	f.Fuzz(func(t *testing.T, data []byte) {
		var viaDecoder, viaUnmarshal match.Profile
		errD := dec.Decode(data, &viaDecoder)
		errU := viaUnmarshal.UnmarshalBinary(data)
		if errU != nil || errD != nil {
			require.Error(t, errD)
			require.Error(t, errU)
			assert.Equal(t, errU.Error(), errD.Error())
			return
		}
		b1, err := viaDecoder.MarshalBinary()
		require.NoError(t, err)
		b2, err := viaUnmarshal.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b2, b1)
		require.Equal(t, m.MatchProfiles(lead, []match.Profile{viaUnmarshal}), m.MatchProfiles(lead, []match.Profile{viaDecoder}))
		if len(kept) < 1000 {
			kept, keptBin = append(kept, viaDecoder), append(keptBin, b1)
		}
		for i := range kept {
			again, err := kept[i].MarshalBinary()
			require.NoError(t, err)
			require.Equal(t, keptBin[i], again, "an earlier profile changed")
		}
	})
}

// BenchmarkMatchStoredProfiles50: one lead against 50 candidates whose
// profiles the host stored (MarshalBinary) and fetched: the lead's profile,
// decoding the 50 stored ones with a ProfileDecoder kept across leads and
// checking them, and MatchProfiles (the goal is ≤ 50 µs).
func BenchmarkMatchStoredProfiles50(b *testing.B) {
	var dec match.ProfileDecoder
	benchStored(b, match.Profile.MarshalBinary, dec.Decode)
}

// BenchmarkMatchStored50: the same with MatchStored, which scores the 50
// stored profiles from their rows: the lead's profile, checking the rows
// (as decoding and CheckProfile do) and matching.
func BenchmarkMatchStored50(b *testing.B) {
	m := newMatcher(b)
	lead, cands := candidates50()
	rows := storedRows(b, profilesOf(m, cands), binaryCodec)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		if _, err := m.MatchStored(m.Profile(&lead), rows); err != nil { // the new lead's profile, as above
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchStoredProfiles50Unmarshal: the same, decoding each profile
// with UnmarshalBinary.
func BenchmarkMatchStoredProfiles50Unmarshal(b *testing.B) {
	benchStored(b, match.Profile.MarshalBinary, unmarshalBinary)
}

// BenchmarkMatchStoredProfiles50Format1: the same from profiles a host
// stored in format 1 (testdata/profiles_format1.txt's encoder), decoded
// with a ProfileDecoder.
func BenchmarkMatchStoredProfiles50Format1(b *testing.B) {
	var dec match.ProfileDecoder
	benchStored(b, match.MarshalFormat1, dec.Decode)
}

// BenchmarkMatchStoredProfiles50JSON: the same from the JSON form.
func BenchmarkMatchStoredProfiles50JSON(b *testing.B) {
	benchStored(b, match.Profile.MarshalJSON, func(data []byte, p *match.Profile) error { return p.UnmarshalJSON(data) })
}

func unmarshalBinary(data []byte, p *match.Profile) error { return p.UnmarshalBinary(data) }

func benchStored(b *testing.B, marshal func(match.Profile) ([]byte, error), decode func([]byte, *match.Profile) error) {
	m := newMatcher(b)
	lead, cands := candidates50()
	rows := make([][]byte, len(cands))
	for i := range cands {
		var err error
		rows[i], err = marshal(m.Profile(&cands[i]))
		require.NoError(b, err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		lp := m.Profile(&lead) // the new lead's, as in BenchmarkMatchProfiles50
		profiles := make([]match.Profile, len(rows))
		for i, row := range rows {
			if err := decode(row, &profiles[i]); err != nil {
				b.Fatal(err)
			}
			if err := m.CheckProfile(&profiles[i]); err != nil {
				b.Fatal(err)
			}
		}
		m.MatchProfiles(lp, profiles)
	}
}

// BenchmarkUnmarshalProfile: decoding one stored profile.
func BenchmarkUnmarshalProfile(b *testing.B) {
	benchDecode(b, match.Profile.MarshalBinary, unmarshalBinary)
}

// BenchmarkUnmarshalProfileFormat1: decoding one profile stored in format 1.
func BenchmarkUnmarshalProfileFormat1(b *testing.B) {
	benchDecode(b, match.MarshalFormat1, unmarshalBinary)
}

// BenchmarkUnmarshalProfileDecoder: decoding one stored profile with a
// ProfileDecoder.
func BenchmarkUnmarshalProfileDecoder(b *testing.B) {
	var dec match.ProfileDecoder
	benchDecode(b, match.Profile.MarshalBinary, dec.Decode)
}

func benchDecode(b *testing.B, marshal func(match.Profile) ([]byte, error), decode func([]byte, *match.Profile) error) {
	m := newMatcher(b)
	_, cands := candidates50()
	rows := make([][]byte, len(cands))
	for i := range cands {
		var err error
		rows[i], err = marshal(m.Profile(&cands[i]))
		require.NoError(b, err)
	}
	b.ReportAllocs()
	defer reportCPU(b)()
	i := 0
	var p match.Profile
	for b.Loop() {
		if err := decode(rows[i%len(rows)], &p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// format1Rows reads testdata/profiles_format1.txt: profiles of labelled
// records as MarshalBinary wrote them before format 2, by record index.
func format1Rows(t testing.TB) map[int][]byte {
	data, err := os.ReadFile("testdata/profiles_format1.txt")
	require.NoError(t, err)
	rows := map[int][]byte{}
	for line := range strings.Lines(string(data)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		idx, hx, ok := strings.Cut(strings.TrimSpace(line), " ")
		require.True(t, ok, line)
		i, err := strconv.Atoi(idx)
		require.NoError(t, err)
		rows[i], err = hex.DecodeString(hx)
		require.NoError(t, err)
	}
	return rows
}

// TestReadsStoredFormat1: the profiles hosts stored in format 1 (kept in
// testdata as that version wrote them) still decode, through
// UnmarshalBinary and a ProfileDecoder, to the profile of their record
// today: the same format 2 encoding, the same Keys, the same scores
// against every other record in the file; and the tests' format 1 encoder
// writes them byte for byte.
func TestReadsStoredFormat1(t *testing.T) {
	m := newMatcher(t)
	recs := labelledRecords(t)
	rows := format1Rows(t)
	require.Greater(t, len(rows), 400)
	var dec match.ProfileDecoder
	var fresh, decoded []match.Profile
	for i, row := range rows {
		want := m.Profile(&recs[i])
		var viaUnmarshal, viaDecoder match.Profile
		require.NoError(t, viaUnmarshal.UnmarshalBinary(row), "record %d", i)
		require.NoError(t, dec.Decode(row, &viaDecoder), "record %d", i)
		again, err := match.MarshalFormat1(viaUnmarshal)
		require.NoError(t, err)
		assert.Equal(t, row, again, "record %d: the format 1 encoder", i)
		bin, err := want.MarshalBinary()
		require.NoError(t, err)
		for _, q := range []match.Profile{viaUnmarshal, viaDecoder} {
			got, err := q.MarshalBinary()
			require.NoError(t, err)
			assert.Equal(t, bin, got, "record %d", i)
			assert.Equal(t, want.Keys(), q.Keys(), "record %d", i)
			assert.NoError(t, m.CheckProfile(&q), "record %d", i)
		}
		fresh, decoded = append(fresh, want), append(decoded, viaDecoder)
	}
	for i := 0; i < len(fresh); i += 7 {
		assert.Equal(t, m.MatchProfiles(fresh[i], fresh), m.MatchProfiles(fresh[i], decoded), "lead %s", fresh[i].ID)
	}
}

// TestDecodedProfileAllocations: a format 2 profile decodes into one copy
// of its encoding (UnmarshalBinary: one allocation; a ProfileDecoder: a
// chunk now and then), which the decoded profile reads its lists from;
// and MatchProfiles over 50 decoded candidates allocates its Result and a
// few evidence details, not per candidate.
func TestDecodedProfileAllocations(t *testing.T) {
	m := newMatcher(t)
	lead, cands := candidates50()
	rows := make([][]byte, len(cands))
	for i := range cands {
		var err error
		rows[i], err = m.Profile(&cands[i]).MarshalBinary()
		require.NoError(t, err)
	}
	var p match.Profile
	allocs := testing.AllocsPerRun(100, func() {
		if err := p.UnmarshalBinary(rows[7]); err != nil {
			t.Fatal(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "UnmarshalBinary of format 2")

	var dec match.ProfileDecoder
	decoded := make([]match.Profile, len(rows))
	allocs = testing.AllocsPerRun(100, func() {
		for i, row := range rows {
			if err := dec.Decode(row, &decoded[i]); err != nil {
				t.Fatal(err)
			}
		}
	})
	assert.LessOrEqual(t, allocs, 1.0, "ProfileDecoder, 50 profiles")

	lp := m.Profile(&lead)
	want := m.MatchProfiles(lp, decoded)
	require.Len(t, want.Candidates, len(cands))
	if raceEnabled { // MatchProfiles' evidence scratch is pooled
		return
	}
	allocs = testing.AllocsPerRun(100, func() { m.MatchProfiles(lp, decoded) })
	assert.LessOrEqual(t, allocs, float64(len(cands))/2, "MatchProfiles, 50 decoded candidates")
}
