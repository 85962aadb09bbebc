package match

import "encoding/binary"

// MarshalFormat1 encodes a profile in format 1, as MarshalBinary did
// before format 2, for the tests of reading what hosts stored then
// (testdata/profiles_format1.txt pins it to what that version wrote).
var MarshalFormat1 = marshalFormat1

// marshalFormat1 is format 1's MarshalBinary (see decodeFormat1).
func marshalFormat1(p Profile) ([]byte, error) {
	if err := p.checkStored(); err != nil {
		return nil, err
	}
	phones, emails, domains := p.lists()
	n := 1 + binary.MaxVarintLen64 + 8 + 1 + 2 + 8
	for _, s := range [...]string{p.ID, p.Owner, p.name} {
		n += binary.MaxVarintLen64 + len(s)
	}
	for _, list := range [...][]string{phones, emails, domains} {
		n += binary.MaxVarintLen64
		for _, s := range list {
			n += binary.MaxVarintLen64 + len(s)
		}
	}
	b := make([]byte, 0, n)
	b = append(b, profileFormat1)
	b = binary.AppendUvarint(b, profileNorm)
	b = binary.LittleEndian.AppendUint64(b, p.config)
	var flags byte
	if p.freeMail {
		flags |= 1
	}
	b = append(b, flags, p.country[0], p.country[1])
	b = binary.LittleEndian.AppendUint64(b, p.city)
	for _, s := range [...]string{p.ID, p.Owner, p.name} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, list := range [...][]string{phones, emails, domains} {
		b = binary.AppendUvarint(b, uint64(len(list)))
	}
	for _, list := range [...][]string{phones, emails, domains} {
		for _, s := range list {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	if len(b) > MaxProfileBytes {
		return nil, profileErr(-1, "%d bytes encoded: more than %d", len(b), MaxProfileBytes)
	}
	return b, nil
}
