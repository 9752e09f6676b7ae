package oracle

import (
	"strings"
	"testing"
)

// TestCheapRuns: lines stay in place, one distinct command per RUN text
// (the same text, the same command), flags kept, and the last RUN of a
// stage creates what COPY --from copies out of it.
func TestCheapRuns(t *testing.T) {
	in := "FROM node:24 AS ui\nRUN npm ci \\\n  && npm run build\nRUN --mount=type=cache,target=/root/.npm npm ci\n" +
		"FROM python:3.12\nRUN npm ci \\\n  && npm run build\nCOPY --from=ui /src/dist/ /app/static/\nCOPY --from=ui /src/*.json /app/\n"
	out, err := CheapRuns([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) != len(strings.Split(in, "\n")) || lines[2] != "#" || lines[4] != "FROM python:3.12" || lines[7] != "COPY --from=ui /src/dist/ /app/static/" {
		t.Fatalf("lines moved:\n%s", out)
	}
	if lines[1] != lines[5] || strings.Contains(lines[1], "npm") {
		t.Errorf("RUN 2 and RUN 6 differ in stage only, so keep one command; the command must not be npm's: %q %q", lines[1], lines[5])
	}
	if !strings.HasPrefix(lines[3], "RUN --mount=type=cache,target=/root/.npm echo ") || !strings.HasSuffix(lines[3], `for p in /src/dist /src/x.json; do [ -e "$p" ] || mkdir -p "$p"; done`) {
		t.Errorf("the stage's last RUN: %q", lines[3])
	}
	if strings.Contains(lines[1], "mkdir") || strings.Contains(lines[5], "mkdir") {
		t.Errorf("only the last RUN of the copied stage makes the paths: %q %q", lines[1], lines[5])
	}
}
