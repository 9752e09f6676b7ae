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
	fixes := map[FixKind]map[string]string{}
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
	at := func(kind FixKind, key string) int {
		t.Helper()
		n, err := strconv.Atoi(fixes[kind][key])
		if err != nil {
			t.Fatalf("%s has no offset %s: %v", kind, key, fixes[kind])
		}
		return n
	}
	if o := at(AddNoInstallRecommends, "offset"); !strings.HasSuffix(text[:o], "apt-get install") || fixes[AddNoInstallRecommends]["flag"] != "--no-install-recommends" {
		t.Errorf("add-no-install-recommends: %v", fixes[AddNoInstallRecommends])
	}
	if o := at(AddRmAptLists, "offset"); !strings.HasSuffix(text[:o], "install -y curl") || fixes[AddRmAptLists]["text"] != " && rm -rf /var/lib/apt/lists/*" {
		t.Errorf("add-rm-apt-lists: %v", fixes[AddRmAptLists])
	}
	if o := at(AddNoCacheDir, "offset"); !strings.HasSuffix(text[:o], "pip install") || fixes[AddNoCacheDir]["flag"] != "--no-cache-dir" {
		t.Errorf("add-no-cache-dir: %v", fixes[AddNoCacheDir])
	}
	if o := at(AddCacheClean, "offset"); !strings.HasSuffix(text[:o], "npm ci") || fixes[AddCacheClean]["text"] != " && rm -rf /root/.npm" {
		t.Errorf("add-cache-clean: %v", fixes[AddCacheClean])
	}
	cc := fixes[CopyChown]
	if o := at(CopyChown, "copyOffsets"); !strings.HasSuffix(text[:o], "COPY") || cc["flag"] != "--chown=app:app" ||
		text[at(CopyChown, "cmdStart"):at(CopyChown, "cmdEnd")] != "chown -R app:app /app" ||
		text[at(CopyChown, "runStart"):at(CopyChown, "runEnd")] != "RUN chown -R app:app /app" || cc["runCommands"] != "1" {
		t.Errorf("copy-chown: %v", cc)
	}
	if text[at(SlimBase, "start"):at(SlimBase, "end")] != "python:3.12" || fixes[SlimBase]["image"] != "python:3.12-slim" {
		t.Errorf("slim-base: %v", fixes[SlimBase])
	}
}
