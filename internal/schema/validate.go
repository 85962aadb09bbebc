package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

type checker struct {
	root map[string]any
	errs []string
}

func (c *checker) fail(path, format string, args ...any) {
	if path == "" {
		path = "(root)"
	}
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		defs, _ := c.root["$defs"].(map[string]any)
		target, _ := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		if target == nil {
			return map[string]any{"not": map[string]any{}}
		}
		s = target
	}
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := x.Int64(); err == nil || !strings.ContainsAny(x.String(), ".eE") {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

func (c *checker) check(s map[string]any, v any, path string) {
	s = c.resolve(s)
	if _, ok := s["not"]; ok {
		c.fail(path, "unresolvable reference")
		return
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			sub := checker{root: c.root}
			sub.check(alt.(map[string]any), v, path)
			if len(sub.errs) == 0 {
				return
			}
		}
		c.fail(path, "matches none of the allowed forms")
		return
	}
	if !c.typeOK(s, v, path) {
		return
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		c.fail(path, "%v is not one of %v", v, enum)
	}
	switch x := v.(type) {
	case string:
		c.str(s, x, path)
	case json.Number:
		c.num(s, x, path)
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				c.check(items, e, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	case map[string]any:
		c.object(s, x, path)
	}
}

func (c *checker) typeOK(s map[string]any, v any, path string) bool {
	var allowed []string
	switch t := s["type"].(type) {
	case string:
		allowed = []string{t}
	case []any:
		for _, x := range t {
			allowed = append(allowed, x.(string))
		}
	default:
		return true
	}
	got := typeOf(v)
	if slices.Contains(allowed, got) || got == "integer" && slices.Contains(allowed, "number") {
		return true
	}
	c.fail(path, "want %s, not %s", strings.Join(allowed, " or "), got)
	return false
}

func (c *checker) str(s map[string]any, x, path string) {
	if p, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err != nil || !re.MatchString(x) {
			c.fail(path, "%q does not match %s", x, p)
		}
	}
	switch s["format"] {
	case "date":
		if _, err := time.Parse(time.DateOnly, x); err != nil {
			c.fail(path, "%q is not a date", x)
		}
	case "date-time":
		if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
			c.fail(path, "%q is not a date-time", x)
		}
	}
}

func (c *checker) num(s map[string]any, x json.Number, path string) {
	f, _ := x.Float64()
	if m, ok := s["minimum"].(float64); ok && f < m {
		c.fail(path, "%s is below %v", x, m)
	}
	if m, ok := s["maximum"].(float64); ok && f > m {
		c.fail(path, "%s is above %v", x, m)
	}
}

func (c *checker) object(s map[string]any, x map[string]any, path string) {
	props, _ := s["properties"].(map[string]any)
	for _, r := range asStrings(s["required"]) {
		if _, ok := x[r]; !ok {
			c.fail(join(path, r), "required")
		}
	}
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if ps, ok := props[k].(map[string]any); ok {
			c.check(ps, x[k], join(path, k))
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				c.fail(join(path, k), "unknown field")
			}
		case map[string]any:
			c.check(ap, x[k], join(path, k))
		}
	}
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}
