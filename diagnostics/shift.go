package diagnostics

import "github.com/dockerfile-ls/dockerfile-ls/dockerfile"

// Shift moves findings computed for a text to the text after edit e:
// findings after the edit move with it, findings it touches are dropped
// (their cause may be gone), and related locations follow the same rule.
// It lets a fast publish carry slower findings forward without flicker.
func Shift(fs []Finding, e dockerfile.Edit) []Finding {
	delta := len(e.Text) - (e.End - e.Start)
	var out []Finding
	for _, f := range fs {
		span, ok := shiftSpan(f.Span, e, delta)
		if !ok {
			continue
		}
		f.Span = span
		var rel []Related
		for _, r := range f.Related {
			if sp, ok := shiftSpan(r.Span, e, delta); ok {
				r.Span = sp
				rel = append(rel, r)
			}
		}
		f.Related = rel
		out = append(out, f)
	}
	return out
}

func shiftSpan(s dockerfile.Span, e dockerfile.Edit, delta int) (dockerfile.Span, bool) {
	switch {
	case s.End < e.Start:
		return s, true
	case s.Start > e.End:
		return s.Shift(delta), true
	}
	return s, false
}
