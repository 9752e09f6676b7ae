package diagnostics

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// TestSizeFixArgs checks the arguments each size fix kind carries: the
// offsets are absolute in the file and point where the fix acts.
func TestSizeFixArgs(t *testing.T) {
	text := "FROM python:3.12\n" +
		"RUN apt-get update && apt-get install -y curl\n" +
		"RUN pip install flask\n" +
		"RUN npm ci\n" +
		"COPY . /app\n" +
		"RUN chown -R app:app /app\n"
	doc := dockerfile.Parse([]byte(text))
	fixes := map[string]map[string]string{}
	for _, r := range sizeRules {
		var out []Finding
		if err := run(r, &Pass{Doc: doc, rule: r, out: &out}); err != nil {
			t.Fatal(err)
		}
		for _, f := range out {
			if f.Fix != nil {
				fixes[f.Fix.Kind] = f.Fix.Args
			}
		}
	}
	at := func(kind, key string) int {
		t.Helper()
		n, err := strconv.Atoi(fixes[kind][key])
		if err != nil {
			t.Fatalf("%s has no offset %s: %v", kind, key, fixes[kind])
		}
		return n
	}
	if o := at("add-no-install-recommends", "offset"); !strings.HasSuffix(text[:o], "apt-get install") || fixes["add-no-install-recommends"]["flag"] != "--no-install-recommends" {
		t.Errorf("add-no-install-recommends: %v", fixes["add-no-install-recommends"])
	}
	if o := at("add-rm-apt-lists", "offset"); !strings.HasSuffix(text[:o], "install -y curl") || fixes["add-rm-apt-lists"]["text"] != " && rm -rf /var/lib/apt/lists/*" {
		t.Errorf("add-rm-apt-lists: %v", fixes["add-rm-apt-lists"])
	}
	if o := at("add-no-cache-dir", "offset"); !strings.HasSuffix(text[:o], "pip install") || fixes["add-no-cache-dir"]["flag"] != "--no-cache-dir" {
		t.Errorf("add-no-cache-dir: %v", fixes["add-no-cache-dir"])
	}
	if o := at("add-cache-clean", "offset"); !strings.HasSuffix(text[:o], "npm ci") || fixes["add-cache-clean"]["text"] != " && rm -rf /root/.npm" {
		t.Errorf("add-cache-clean: %v", fixes["add-cache-clean"])
	}
	cc := fixes["copy-chown"]
	if o := at("copy-chown", "copyOffsets"); !strings.HasSuffix(text[:o], "COPY") || cc["flag"] != "--chown=app:app" ||
		text[at("copy-chown", "cmdStart"):at("copy-chown", "cmdEnd")] != "chown -R app:app /app" ||
		text[at("copy-chown", "runStart"):at("copy-chown", "runEnd")] != "RUN chown -R app:app /app" || cc["runCommands"] != "1" {
		t.Errorf("copy-chown: %v", cc)
	}
	if text[at("slim-base", "start"):at("slim-base", "end")] != "python:3.12" || fixes["slim-base"]["image"] != "python:3.12-slim" {
		t.Errorf("slim-base: %v", fixes["slim-base"])
	}
}
