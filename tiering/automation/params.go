package automation

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Param is one parameter of a task's action.
type Param struct {
	Name  string
	Value string
}

// Params are a task's parameters, sorted by name: the action's params from
// the configuration. Each task has its own copy. JSON writes them as an
// object, {"role": "senior-sales-manager"}, and reads them back from one.
type Params []Param

// Get returns the value of the named parameter, or "".
func (p Params) Get(name string) string {
	if i, ok := slices.BinarySearchFunc(p, name, func(q Param, n string) int { return strings.Compare(q.Name, n) }); ok {
		return p[i].Value
	}
	return ""
}

// Map returns the parameters as a new map.
func (p Params) Map() map[string]string {
	m := make(map[string]string, len(p))
	for _, q := range p {
		m[q.Name] = q.Value
	}
	return m
}

// MarshalJSON writes the parameters as a JSON object, in name order.
func (p Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, q := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(q.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(q.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a JSON object of strings, sorting it by name.
func (p *Params) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*p = paramsOf(m)
	return nil
}

// paramsOf returns a map's entries as Params, sorted by name; nil for none.
func paramsOf(m map[string]string) Params {
	if len(m) == 0 {
		return nil
	}
	out := make(Params, 0, len(m))
	for k, v := range m {
		out = append(out, Param{k, v})
	}
	slices.SortFunc(out, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	return out
}
