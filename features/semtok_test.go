package features

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func showTokens(doc *dockerfile.Document) string {
	var out []string
	for _, tk := range SemanticTokens(doc) {
		s := fmt.Sprintf("%s:%s", doc.Text[tk.Start:tk.End], TokenTypes[tk.Type])
		for i, m := range TokenModifiers {
			if tk.Mods&(1<<i) != 0 {
				s += "+" + m
			}
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestSemanticTokens(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"directive and comment", "# syntax=docker/dockerfile:1\n# hello\nFROM a\n",
			"#:comment syntax:macro docker/dockerfile:1:string # hello:comment FROM:keyword a:type"},
		{"stages", "ARG V=1\nFROM --platform=$BUILDPLATFORM golang:$V AS build\nFROM build\nCOPY --from=build /a /b\n",
			"ARG:keyword V:variable+declaration 1:string FROM:keyword --platform:parameter $BUILDPLATFORM:variable+defaultLibrary golang::type $V:variable AS:keyword build:namespace+declaration FROM:keyword build:namespace COPY:keyword --from:parameter build:namespace"},
		{"run shell", "FROM a\nRUN --mount=type=cache,target=/c --network=none \\\n    apt-get install -y \"$PKG\" && rm -rf /x | tee; true\n",
			"FROM:keyword a:type RUN:keyword --mount:parameter type:property cache:enumMember target:property /c:string --network:parameter none:enumMember apt-get:function -y:parameter \":string $PKG:variable \":string &&:operator rm:function -rf:parameter |:operator tee:function ;:operator true:function"},
		{"single quotes", "FROM a\nRUN echo '$NOT' \"$YES\"\n",
			"FROM:keyword a:type RUN:keyword echo:function '$NOT':string \":string $YES:variable \":string"},
		{"exec form", "FROM a\nCMD [\"/app\", \"--port=$P\"]\n",
			"FROM:keyword a:type CMD:keyword \"/app\":string \"--port=$P\":string"},
		{"heredocs", "FROM a\nRUN <<EOF\nset -e\nEOF\nCOPY <<-END /x\n\tdata\n\tEND\n",
			"FROM:keyword a:type RUN:keyword EOF:label set:function -e:parameter EOF:label COPY:keyword END:label \tdata:string END:label"},
		{"label and expose", "FROM a\nLABEL org.opencontainers.image.title=\"x y\"\nEXPOSE 8080/tcp 53\nMAINTAINER me\n",
			"FROM:keyword a:type LABEL:keyword org.opencontainers.image.title:property \"x y\":string EXPOSE:keyword 8080:number 53:number MAINTAINER:keyword+deprecated"},
		{"onbuild and healthcheck", "FROM a\nONBUILD RUN make\nHEALTHCHECK --interval=5s CMD curl -f http://x/\n",
			"FROM:keyword a:type ONBUILD:keyword RUN:keyword HEALTHCHECK:keyword --interval:parameter 5s:string CMD:keyword"},
		{"multi-line string", "FROM a\nENV A=\"one \\\n  two\"\n",
			"FROM:keyword a:type ENV:keyword A:variable+declaration \"one \\:string   two\":string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := dockerfile.Parse([]byte(tc.src))
			if got := showTokens(doc); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
