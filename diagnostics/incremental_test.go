package diagnostics

import (
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
	"github.com/dockerfile-ls/dockerfile-ls/internal/testgen"
)

// incrementalEdits are what a user types that changes what other
// instructions mean: where RUNs run, the variables that move caches, the
// shell, stage names.
var incrementalEdits = []string{"", "\n", "x", " ", "WORKDIR /other\n", "ENV PIP_CACHE_DIR=/pc\n",
	"ENV GOMODCACHE=/gm\n", "ENV npm_config_cache=/nc\n", "SHELL [\"pwsh\", \"-c\"]\n", "FROM alpine AS b\n",
	"RUN rm -rf /root/.cache/pip /pc /gm /other/r\n", "RUN pip install x\n", "RUN git clone https://h/r.git\n",
	"ARG V=1\n", "COPY . .\n", "&& apt-get clean ", "--no-cache-dir ", "# c\n"}

// checkIncremental applies random edits to text and checks, after each,
// that analysing the edited document (whose untouched instructions share
// what earlier analyses derived) gives what analysing a fresh parse of the
// same text gives.
func checkIncremental(t *testing.T, name, text string, edits int, rng *rand.Rand) {
	t.Helper()
	doc := dockerfile.Parse([]byte(text))
	Analyze(doc, nil)
	for i := 0; i < edits; i++ {
		at := rng.Intn(len(doc.Text) + 1)
		if nl := strings.IndexByte(string(doc.Text[at:]), '\n'); rng.Intn(2) == 0 && nl >= 0 {
			at += nl + 1 // at a line start, where instructions go
		}
		end := min(len(doc.Text), at+rng.Intn(6)*rng.Intn(2))
		e := dockerfile.Edit{Start: at, End: end, Text: incrementalEdits[rng.Intn(len(incrementalEdits))]}
		next, err := doc.Apply(e)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := Analyze(next, nil)
		want, _ := Analyze(dockerfile.Parse(next.Text), nil)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: after edit %d %+v the analysis differs from a fresh one:\n%s\ngot  %v\nwant %v", name, i, e, next.Text, got, want)
		}
		doc = next
	}
}

// TestIncrementalMatchesFresh: memoised derivations never outlive what
// they depend on, on hand-made files and a sample of the corpus.
func TestIncrementalMatchesFresh(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	seeds := []string{
		"FROM python:3.12\nENV PIP_CACHE_DIR=/a\nRUN pip install flask\nRUN rm -rf /a\n",
		"FROM alpine\nWORKDIR /x\nRUN git clone https://h/r.git\nRUN rm -rf /x/r\n",
		"FROM node:20\nWORKDIR /app\nCOPY package.json .\nRUN npm install\nRUN rm -rf /root/.npm node_modules\n",
		"FROM golang:1.22\nENV GOMODCACHE=/gm\nRUN go mod download\nRUN rm -rf /gm\n",
	}
	for i, s := range seeds {
		checkIncremental(t, fmt.Sprintf("seed %d", i), s, 300, rng)
	}
	files := testgen.CorpusFiles(t)
	for i := 0; i < len(files); i += 40 {
		text, err := os.ReadFile(files[i])
		if err != nil {
			t.Fatal(err)
		}
		checkIncremental(t, files[i], string(text), 15, rng)
	}
}
