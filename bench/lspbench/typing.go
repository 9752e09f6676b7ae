package main

import (
	"fmt"
	"strings"
	"time"
)

// Typing is measured in bursts, as a person types a word and pauses: each
// burst types burstChars characters at one place, one per keystroke, then
// deletes them again one by one (so the text stays the same size), and
// then waits until the server has published everything for the last
// version before the next burst. Bursts go round the three places of
// positions.
const burstChars = 6

// positions are where the bursts type: the end of the first, the middle
// and the last "RUN echo" line (a shell command, as people mostly type).
var positions = []string{"start", "middle", "end"}

type point struct{ line, col int }

// typingPoints finds positions in text.
func typingPoints(text string) []point {
	lines := strings.Split(text, "\n")
	var echo []int
	for i, l := range lines {
		if strings.HasPrefix(l, "RUN echo") {
			echo = append(echo, i)
		}
	}
	if len(echo) == 0 {
		mid := len(lines) / 2
		return []point{{0, len(lines[0])}, {mid, len(lines[mid])}, {len(lines) - 1, 0}}
	}
	middle := echo[len(echo)-1]
	for _, i := range echo {
		if i >= len(lines)/2 {
			middle = i
			break
		}
	}
	pt := func(i int) point { return point{i, len(lines[i])} }
	return []point{pt(echo[0]), pt(middle), pt(echo[len(echo)-1])}
}

// keystroke is the change of the j-th keystroke of a burst at p: a letter
// typed for the first burstChars, then a backspace.
func keystroke(p point, j int) map[string]any {
	if j < burstChars {
		at := p.col + j
		return map[string]any{"range": lspRange(p.line, at, p.line, at), "text": string(rune('a' + j))}
	}
	at := p.col + 2*burstChars - j // characters left after this backspace, plus one
	return map[string]any{"range": lspRange(p.line, at-1, p.line, at), "text": ""}
}

// sentKey is one keystroke as sent.
type sentKey struct {
	version int32
	at      time.Time
}

// typingKey names the samples of one server, size, pace and position.
func typingKey(metric string, size int, pace time.Duration, pos string) string {
	return fmt.Sprintf("%s/%d/%d/%s", metric, size, pace.Milliseconds(), pos)
}

// typing types keys keystrokes into uri, in bursts, one every pace (the
// next one sent whether or not the last was published; with pace 0, as
// soon as the first publish of the last one arrives). For every version it
// records the time from its didChange to the first publish of it or a
// later version, and whether it was ever published on its own; for every
// burst, for a server that publishes a version twice, the time from its
// last didChange to the second (full) publish of that version.
func (b *bench) typing(c *conn, s serverSpec, uri string, pts []point, size int, pace time.Duration, keys int, version *int32) error {
	deadline := time.Now().Add(b.cfg.budget / time.Duration(b.cfg.rounds))
	full := b.res.full[s.name]
	for done := 0; done < keys && !b.overtime() && (done < minSamples*2*burstChars || time.Now().Before(deadline)); done += 2 * burstChars {
		b.bursts++
		pos := b.bursts % len(pts)
		mark := b.load.mark()
		sent, err := b.burst(c, uri, pts[pos], pace, version)
		if err != nil {
			return err
		}
		last := sent[len(sent)-1]
		nth := 1
		if full {
			nth = 2
		}
		tFull, ok := c.waitPublish(uri, last.version, nth, b.cfg.timeout)
		if !ok {
			return fmt.Errorf("no publish %d of version %d within %s (%d lines, pace %s)", nth, last.version, b.cfg.timeout, size, pace)
		}
		ps := c.published(uri)
		for _, k := range sent {
			t, _ := firstFrom(ps, k.version)
			b.res.add(s.name, typingKey("first", size, pace, positions[pos]), t.Sub(k.at))
			if _, own := nthOf(ps, k.version, 1); !own {
				b.res.count(s.name, typingKey("unpublished", size, pace, positions[pos]))
			}
		}
		if full {
			b.res.add(s.name, typingKey("full", size, pace, positions[pos]), tFull.Sub(last.at))
		}
		b.res.addLoad(typingKey("first", size, pace, ""), b.load, mark)
		time.Sleep(b.cfg.think)
	}
	return nil
}

// burst sends one burst of keystrokes at p and returns them.
func (b *bench) burst(c *conn, uri string, p point, pace time.Duration, version *int32) ([]sentKey, error) {
	sent := make([]sentKey, 0, 2*burstChars)
	start := time.Now()
	for j := range 2 * burstChars {
		if pace > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(j) * pace)))
		}
		*version++
		v := *version
		t0, err := c.send(uri, v, "textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": v},
			"contentChanges": []any{keystroke(p, j)},
		})
		if err != nil {
			return nil, fmt.Errorf("didChange: %w", err)
		}
		sent = append(sent, sentKey{version: v, at: t0})
		if pace == 0 {
			ok := c.waitFor(uri, b.cfg.timeout, func(ps []publish) bool {
				_, ok := firstFrom(ps, v)
				return ok
			})
			if !ok {
				return nil, fmt.Errorf("no publish of version %d or later within %s", v, b.cfg.timeout)
			}
		}
	}
	return sent, nil
}
