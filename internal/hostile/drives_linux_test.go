package hostile

import (
	"fmt"
	"strings"
	"time"
)

// The drives of cases that do more than open a document and hover.

// wholeFile is the range of every line of text.
func wholeFile(text string) map[string]any {
	return map[string]any{"start": map[string]any{"line": 0, "character": 0},
		"end": map[string]any{"line": strings.Count(text, "\n") + 1, "character": 0}}
}

// openThenRequests opens a large document and, once it is settled, asks
// for everything computed over a whole file. Each request must be
// answered (an error, such as one for an answer past MaxResponse, is an
// answer) before the deadline.
func openThenRequests(s *session, _ *world, docs []document, deadline time.Time) (time.Time, string, error) {
	s.open(docs)
	last, err := s.settle(docs, deadline)
	if err != nil {
		return last, "", err
	}
	doc := map[string]any{"uri": docs[0].uri}
	whole := wholeFile(docs[0].text)
	var errs []string
	var slowest time.Duration
	var slowestName string
	for _, r := range []struct {
		method string
		params map[string]any
	}{
		{"textDocument/semanticTokens/full", map[string]any{"textDocument": doc}},
		{"textDocument/documentSymbol", map[string]any{"textDocument": doc}},
		{"textDocument/foldingRange", map[string]any{"textDocument": doc}},
		{"textDocument/diagnostic", map[string]any{"textDocument": doc}},
		{"textDocument/codeAction", map[string]any{"textDocument": doc, "range": whole, "context": map[string]any{"diagnostics": []any{}}}},
		{"textDocument/inlayHint", map[string]any{"textDocument": doc, "range": whole}},
		{"textDocument/codeLens", map[string]any{"textDocument": doc}},
		{"textDocument/documentLink", map[string]any{"textDocument": doc}},
		{"textDocument/formatting", map[string]any{"textDocument": doc, "options": map[string]any{"tabSize": 4, "insertSpaces": true}}},
	} {
		start := time.Now()
		m, err := s.call(r.method, r.params, time.Until(deadline))
		if err != nil {
			return time.Now(), "", err
		}
		last = time.Now()
		short := strings.TrimPrefix(r.method, "textDocument/")
		if took := last.Sub(start); took > slowest {
			slowest, slowestName = took, short
		}
		if m.Error != nil {
			errs = append(errs, fmt.Sprintf("%s answered %q", short, m.Error.Message))
		}
	}
	return last, strings.Join(append(errs, fmt.Sprintf("slowest request %s %s", slowestName, slowest.Round(time.Millisecond))), "; "), nil
}

// keystrokes opens a large document and a small one, then types n
// characters into the large one, asking for a hover in the small one
// right after each: the small one's answers must not wait for the large
// one's work (KeystrokeHover, plus Slack).
func keystrokes(n int) func(*session, *world, []document, time.Time) (time.Time, string, error) {
	return func(s *session, w *world, docs []document, deadline time.Time) (time.Time, string, error) {
		small := document{uri: fileURI(w.path("small/Dockerfile")), text: Small}
		docs = append(docs, small)
		s.open(docs)
		if _, err := s.settle(docs, deadline); err != nil {
			return time.Now(), "", err
		}
		var slowest time.Duration
		for i := 0; i < n; i++ {
			s.notify("textDocument/didChange", map[string]any{
				"textDocument": map[string]any{"uri": docs[0].uri, "version": i + 2},
				"contentChanges": []any{map[string]any{"text": "x", "range": map[string]any{
					"start": map[string]any{"line": 2, "character": 1}, "end": map[string]any{"line": 2, "character": 1}}}}})
			took, _, err := s.hover(small.uri, 0, 1, KeystrokeHover+Slack)
			if err != nil {
				return time.Now(), "", fmt.Errorf("keystroke %d: a hover in another document: %w", i+1, err)
			}
			slowest = max(slowest, took)
		}
		last, err := s.settle(docs, deadline)
		return last, fmt.Sprintf("slowest hover while typing %s", slowest.Round(time.Millisecond)), err
	}
}

// openThenClose opens the document, closes it once settled, then opens
// another (which the hover afterwards asks about) in the same context.
func openThenClose(s *session, w *world, docs []document, deadline time.Time) (time.Time, string, error) {
	s.open(docs)
	if _, err := s.settle(docs, deadline); err != nil {
		return time.Now(), "", err
	}
	s.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": docs[0].uri}})
	other := []document{{uri: fileURI(w.path("other/Dockerfile")), text: Small}}
	s.open(other)
	last, err := s.settle(other, deadline)
	return last, "", err
}

// codeActions asks for the code actions of the whole file, then again
// and cancels at once: the cancelled request must be answered within
// CancelAnswer (plus Slack).
func codeActions(s *session, _ *world, docs []document, deadline time.Time) (time.Time, string, error) {
	s.open(docs)
	if _, err := s.settle(docs, deadline); err != nil {
		return time.Now(), "", err
	}
	params := map[string]any{"textDocument": map[string]any{"uri": docs[0].uri}, "range": wholeFile(docs[0].text),
		"context": map[string]any{"diagnostics": []any{}}}
	start := time.Now()
	m, err := s.call("textDocument/codeAction", params, time.Until(deadline))
	if err != nil {
		return time.Now(), "", fmt.Errorf("the whole file's code actions: %w", err)
	}
	if m.Error != nil {
		return time.Now(), "", fmt.Errorf("the whole file's code actions: %s", m.Error.Message)
	}
	whole := time.Since(start)
	last := time.Now()
	id, err := s.conn.Request("textDocument/codeAction", params)
	if err != nil {
		return time.Now(), "", err
	}
	start = time.Now()
	s.notify("$/cancelRequest", map[string]any{"id": id})
	if _, err := s.response(id, "the cancelled code actions", CancelAnswer+Slack); err != nil {
		return last, "", err
	}
	return last, fmt.Sprintf("whole file %s (%d KB), cancelled answered in %s", whole.Round(time.Millisecond),
		len(m.Result)>>10, time.Since(start).Round(time.Millisecond)), nil
}

// configurationFlood sends n didChangeConfiguration to a server whose
// client never answers workspace/configuration.
func configurationFlood(n int) func(*session, *world, []document, time.Time) (time.Time, string, error) {
	return func(s *session, _ *world, docs []document, deadline time.Time) (time.Time, string, error) {
		s.open(docs)
		done := s.flood("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"dockerfile-ls": map[string]any{}}}, n)
		select {
		case err := <-done:
			if err != nil {
				return time.Now(), "", err
			}
		case <-time.After(time.Until(deadline)):
			return time.Now(), "", fmt.Errorf("the server had not read %d notifications by the deadline", n)
		}
		read := time.Now() // the server has read all but what the pipe holds
		last, err := s.settle(docs, deadline)
		if last.Before(read) {
			last = read
		}
		s.conn.Lock()
		asked := s.requests
		s.conn.Unlock()
		return last, fmt.Sprintf("%d requests to the client", asked), err
	}
}
