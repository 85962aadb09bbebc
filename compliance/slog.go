package compliance

import (
	"context"
	"log/slog"
	"strings"
)

// DefaultLogKeys are the attribute keys the redacting handler masks, and
// how: personal names, contact details and identity numbers under the keys
// hosts usually log them with.
func DefaultLogKeys() map[string]MaskKind {
	return map[string]MaskKind{
		"name": MaskKindName, "contact": MaskKindName, "contact_person": MaskKindName, "company": MaskKindName,
		"email": MaskKindEmail, "mail": MaskKindEmail,
		"phone": MaskKindPhone, "mobile": MaskKindPhone, "tel": MaskKindPhone, "whatsapp": MaskKindPhone,
		"wechat": MaskKindHandle, "line": MaskKindHandle, "kakaotalk": MaskKindHandle, "zalo": MaskKindHandle,
		"telegram": MaskKindHandle, "linkedin": MaskKindHandle,
		"national_id": MaskKindPRCID, "id_number": MaskKindPRCID, "passport": MaskKindPRCID,
		"city": MaskKindText, "address": MaskKindText,
	}
}

// RedactingHandler wraps a slog.Handler and masks attributes that carry
// personal data, by key, in any record and any nested group, before the
// wrapped handler sees them. Values are resolved first, so a LogValuer
// cannot smuggle data past it. It is safe for concurrent use if the wrapped
// handler is.
type RedactingHandler struct {
	inner slog.Handler
	keys  map[string]MaskKind
}

// NewRedactingHandler wraps h. keys maps lower-case attribute keys to
// maskers; nil means DefaultLogKeys. Restricted tags of the policy (if p is
// not nil) are added: their last path segment is masked too.
func NewRedactingHandler(h slog.Handler, p *Policy, keys map[string]MaskKind) *RedactingHandler {
	if keys == nil {
		keys = DefaultLogKeys()
	}
	all := make(map[string]MaskKind, len(keys))
	for k, v := range keys {
		all[strings.ToLower(k)] = v
	}
	if p != nil {
		for field, t := range p.tags {
			if t.Sensitivity >= Confidential && t.Personal {
				seg := field[strings.LastIndexByte(field, '.')+1:]
				if _, ok := all[seg]; !ok && seg != "value" && seg != "channels" {
					all[seg] = t.Mask
				}
			}
		}
	}
	return &RedactingHandler{inner: h, keys: all}
}

// Enabled implements slog.Handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.redact(a, 0))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.redact(a, 0)
	}
	return &RedactingHandler{inner: h.inner.WithAttrs(red), keys: h.keys}
}

// WithGroup implements slog.Handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{inner: h.inner.WithGroup(name), keys: h.keys}
}

func (h *RedactingHandler) redact(a slog.Attr, depth int) slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		if depth > 16 {
			return slog.String(a.Key, "[REDACTED]")
		}
		group := a.Value.Group()
		red := make([]slog.Attr, len(group))
		for i, g := range group {
			red[i] = h.redact(g, depth+1)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(red...)}
	}
	kind, ok := h.keys[strings.ToLower(a.Key)]
	if !ok {
		return a
	}
	if a.Value.Kind() != slog.KindString {
		return slog.String(a.Key, "[REDACTED]")
	}
	masked := maskString(kind, a.Value.String())
	if masked == "" {
		masked = "[REDACTED]"
	}
	return slog.String(a.Key, masked)
}
