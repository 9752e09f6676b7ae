package diagnostics

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

// UseStageName is the fix of CopyFromUnknownStage: the name of the stage
// the --from value is a typo of.
const UseStageName FixKind = "use-stage-name"

var copyFromUnknownStage = &Rule{
	Name: "CopyFromUnknownStage", Category: Syntax, Severity: Warning,
	Summary: "COPY --from naming no stage of the file, and no valid image or one a letter or two from a stage's name: BuildKit tries to pull it as an image, and the build fails",
	DocsURL: DocsBase + "CopyFromUnknownStage.md",
	// "buidler has no tag" is no advice for a misspelt stage name.
	Supersedes: []string{"UnpinnedBaseImage"},
	Check:      checkCopyFromUnknownStage,
}

// checkCopyFromUnknownStage reports the --from of a COPY or ADD that
// names no stage (BuildKit matches names case-insensitively, in the whole
// file) and is either no valid image reference (BuildKit: "invalid
// reference format") or a bare name, not an official image's, within two
// edits of a stage's name: a typo, which BuildKit pulls as
// docker.io/library/<name>:latest. Numbers are stage indexes, which
// BuildKit's parser checks itself; a value with a variable is left alone.
func checkCopyFromUnknownStage(p *Pass) {
	for _, inst := range p.Doc.Instructions {
		if inst.Keyword != "COPY" && inst.Keyword != "ADD" {
			continue
		}
		for _, f := range inst.Flags {
			if f.Name != "from" || f.Value == "" || strings.Contains(f.Value, "$") || !p.Doc.RefIsImage(f.Value) || isStageNumber(f.Value) {
				continue
			}
			checkFromRef(p, f)
		}
	}
}

func checkFromRef(p *Pass, f dockerfile.Flag) {
	near := nearestStage(p.Doc, f.Value)
	_, err := reference.ParseNormalizedNamed(f.Value)
	switch {
	case err != nil:
		msg := fmt.Sprintf("--from=%s names no stage of this file and is no valid image reference (%v): the build fails.", f.Value, err)
		p.Report(f.ValueSpan, msg+stageHint(near), nil, stageFix(f, near))
	case near != nil && !strings.ContainsAny(f.Value, "/:@") && !officialImages[f.Value]:
		p.Report(f.ValueSpan, fmt.Sprintf(
			"--from=%s names no stage of this file, so BuildKit pulls it as the image docker.io/library/%s:latest, which fails unless that image exists.%s",
			f.Value, f.Value, stageHint(near)), nil, stageFix(f, near))
	}
}

func stageHint(st *dockerfile.Stage) string {
	if st == nil {
		return ""
	}
	return fmt.Sprintf(" Did you mean the stage %s (line %d)?", st.Name, st.From.Line+1)
}

func stageFix(f dockerfile.Flag, st *dockerfile.Stage) *FixData {
	if st == nil {
		return nil
	}
	return &FixData{Kind: UseStageName, Args: map[string]string{
		"start": fmt.Sprint(f.ValueSpan.Start), "end": fmt.Sprint(f.ValueSpan.End), "text": st.Name}}
}

// nearestStage is the named stage whose name is within two edits of ref
// (and less than half of it), compared in lower case; nil when none is,
// or two are equally near.
func nearestStage(doc *dockerfile.Document, ref string) *dockerfile.Stage {
	const farthest = 2
	var best *dockerfile.Stage
	bestD, tie := farthest+1, false
	r := strings.ToLower(ref)
	for _, st := range doc.Stages {
		if st.Name == "" {
			continue
		}
		d := editDistance(r, strings.ToLower(st.Name))
		if d > farthest || 2*d >= len(st.Name) {
			continue
		}
		switch {
		case d < bestD:
			best, bestD, tie = st, d, false
		case d == bestD && !strings.EqualFold(best.Name, st.Name):
			tie = true
		}
	}
	if tie {
		return nil
	}
	return best
}

func isStageNumber(s string) bool {
	for _, c := range strings.TrimLeft(s, "+-") {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// officialImages are Docker Hub's official images most often copied from:
// a bare name among them is an image, not a typo.
var officialImages = map[string]bool{
	"alpine": true, "busybox": true, "debian": true, "ubuntu": true, "centos": true, "fedora": true, "rockylinux": true,
	"almalinux": true, "amazonlinux": true, "oraclelinux": true, "golang": true, "python": true, "node": true,
	"openjdk": true, "eclipse-temurin": true, "amazoncorretto": true, "maven": true, "gradle": true, "ruby": true,
	"php": true, "composer": true, "nginx": true, "httpd": true, "caddy": true, "traefik": true, "rust": true, "gcc": true,
	"buildpack-deps": true, "postgres": true, "mysql": true, "mariadb": true, "redis": true, "mongo": true,
	"memcached": true, "rabbitmq": true, "docker": true, "registry": true, "tomcat": true, "jenkins": true,
	"perl": true, "haskell": true, "elixir": true, "erlang": true, "swift": true, "dart": true, "julia": true,
	"r-base": true, "bash": true, "scratch": true, "hello-world": true, "consul": true, "vault": true,
	"influxdb": true, "telegraf": true, "wordpress": true, "ghost": true, "nextcloud": true, "sonarqube": true,
	"clojure": true, "groovy": true, "kong": true, "haproxy": true, "varnish": true, "elasticsearch": true,
	"kibana": true, "logstash": true, "neo4j": true, "cassandra": true, "couchdb": true, "solr": true,
}
