package features

import (
	"strings"
	"testing"
)

func labels(items []CompletionItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return strings.Join(out, " ")
}

func TestCompleteLabels(t *testing.T) {
	allKeywords := "FROM RUN CMD LABEL MAINTAINER EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD STOPSIGNAL HEALTHCHECK SHELL"
	for _, tc := range []struct{ name, src, want string }{
		{"empty file", "|", "FROM ARG # syntax= # escape= # check="},
		{"after a directive", "# syntax=docker/dockerfile:1\n|", "FROM ARG # escape= # check="},
		{"directive name", "# sy|", "syntax= escape= check="},
		{"directive value", "# escape=|", "\\ `"},
		{"syntax value", "# syntax=|", "docker/dockerfile:1 docker/dockerfile:1-labs docker/dockerfile:1.4"},
		{"check skip rule", "# check=skip=StageNameCasing,Fr|", strings.Join(data.CheckRules, " ")},
		{"no directive after an instruction", "FROM a\n# sy|", ""},
		{"before FROM", "ARG A=1\n|", "FROM ARG"},
		{"after FROM", "FROM alpine\nR|", allKeywords},
		{"indented keyword", "FROM alpine\n  co|", allKeywords},
		{"comment", "FROM alpine\n# RU|", ""},
		{"ONBUILD", "FROM alpine\nONBUILD |", "RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG STOPSIGNAL HEALTHCHECK SHELL"},
		{"RUN flags", "FROM alpine\nRUN --|", "--mount --network --security --device"},
		{"RUN flags after one", "FROM alpine\nRUN --network=none --|", "--mount --security --device"},
		{"COPY flags", "FROM alpine\nCOPY --|", "--from --chown --chmod --link --parents --exclude"},
		{"ADD flags", "FROM alpine\nADD --|", "--chown --chmod --link --keep-git-dir --checksum --unpack --exclude"},
		{"FROM flags", "FROM --|", "--platform"},
		{"HEALTHCHECK flags", "FROM a\nHEALTHCHECK --|", "--interval --timeout --start-period --start-interval --retries"},
		{"no flags after arguments", "FROM alpine\nRUN echo \\\n  --|", ""},
		{"network values", "FROM alpine\nRUN --network=|", "default none host"},
		{"security values", "FROM alpine\nRUN --security=|", "insecure sandbox"},
		{"bool flag values", "FROM alpine\nCOPY --link=|", "true false"},
		{"platform values", "FROM --platform=|", "$BUILDPLATFORM $TARGETPLATFORM linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x linux/riscv64 windows/amd64"},
		{"mount keys of bind", "FROM alpine\nRUN --mount=|", "type target source from rw"},
		{"mount keys of cache", "FROM alpine\nRUN --mount=type=cache,target=/x,|", "id sharing from source mode uid gid ro"},
		{"mount keys of secret", "FROM alpine\nRUN --mount=type=secret,|", "id target env required mode uid gid"},
		{"mount keys of ssh", "FROM alpine\nRUN --mount=type=ssh,|", "id target required mode uid gid"},
		{"mount keys of tmpfs", "FROM alpine\nRUN --mount=type=tmpfs,|", "target size"},
		{"mount types", "FROM alpine\nRUN --mount=type=|", "bind cache tmpfs secret ssh"},
		{"mount sharing", "FROM alpine\nRUN --mount=type=cache,sharing=|", "shared private locked"},
		{"mount from", "FROM alpine AS deps\nFROM alpine\nRUN --mount=type=bind,from=|", "deps"},
		{"COPY --from", "FROM alpine AS build\nFROM alpine\nFROM scratch AS out\nCOPY --from=|", "build 1"},
		{"FROM stage", "FROM golang AS build\nFROM |", "build scratch --platform"},
		{"FROM AS", "FROM golang |", "AS"},
		{"HEALTHCHECK", "FROM a\nHEALTHCHECK |", "CMD NONE --interval --timeout --start-period --start-interval --retries"},
		{"STOPSIGNAL", "FROM a\nSTOPSIGNAL |", "SIGTERM SIGINT SIGQUIT SIGKILL SIGHUP SIGUSR1 SIGUSR2 SIGWINCH"},
		{"global ARG names", "ARG |", "BUILDKIT_CACHE_MOUNT_NS BUILDKIT_CONTEXT_KEEP_GIT_DIR BUILDKIT_HISTORY_PROVENANCE_V1 BUILDKIT_INLINE_CACHE BUILDKIT_MULTI_PLATFORM BUILDKIT_SANDBOX_HOSTNAME BUILDKIT_SYNTAX BUILDKIT_DOCKERFILE_CHECK SOURCE_DATE_EPOCH"},
		{"stage ARG names", "ARG GO=1\nFROM a\nARG TARGETOS\nARG |", "GO TARGETPLATFORM TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT BUILDKIT_CACHE_MOUNT_NS BUILDKIT_CONTEXT_KEEP_GIT_DIR BUILDKIT_HISTORY_PROVENANCE_V1 BUILDKIT_INLINE_CACHE BUILDKIT_MULTI_PLATFORM BUILDKIT_SANDBOX_HOSTNAME BUILDKIT_SYNTAX BUILDKIT_DOCKERFILE_CHECK SOURCE_DATE_EPOCH"},
		{"variables in FROM", "ARG V=1\nFROM alpine:$|", "V TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT"},
		{"global ARG default", "ARG A=1\nARG B=${|", "A TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT"},
		{"variables in a stage", "ARG G=1\nARG H=2\nFROM a\nARG G\nARG TARGETARCH\nENV E=x\nRUN echo $|\nENV LATER=1", "G TARGETARCH E TARGETPLATFORM TARGETOS TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT"},
		{"variables inherited", "FROM a AS base\nENV E=1\nARG A=2\nFROM base\nRUN echo ${E|", "E TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT"},
		{"no variables in single quotes", "FROM a\nENV E=1\nRUN echo '$|", ""},
		{"escaped dollar", "FROM a\nENV E=1\nRUN echo \\$|", ""},
		{"variables in a heredoc", "FROM a\nENV E=1\nRUN <<EOF\necho $|\nEOF\n", "E TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT"},
		{"nothing in a heredoc", "FROM a\nRUN <<EOF\nec|\nEOF\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, off := withCursor(tc.src)
			if got := labels(CompleteFor(noArgs(doc), off, CompletionOptions{})); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestCompleteEdits(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		snippets  bool
		label     string
		insert    string
		replace   string
		detail    string
	}{
		{"keyword plain", "FROM a\nCO|", false, "COPY", "COPY ", "1:0-1:2", "COPY [--from=<image|stage|context>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<path>] <src>... <dest>"},
		{"keyword snippet", "FROM a\nCO|", true, "COPY", "COPY ${1:source} ${2:dest}", "1:0-1:2", ""},
		{"extra snippet", "|", true, "FROM … AS …", "FROM ${1:image} AS ${2:name}", "0:0-0:0", ""},
		{"directive", "|", false, "# check=", "# check=", "0:0-0:0", "parser directive"},
		{"flag", "FROM a\nCOPY --ch|", false, "--chmod", "--chmod=", "1:5-1:9", "--chmod=<perms>"},
		{"bool flag", "FROM a\nCOPY --l|", false, "--link", "--link", "1:5-1:8", "--link"},
		{"mount snippet", "FROM a\nRUN --m|", true, "--mount=type=cache", "--mount=type=cache,target=${1:/root/.cache}", "1:4-1:7", ""},
		{"mount key", "FROM a\nRUN --mount=type=cache,sh|", false, "sharing", "sharing=", "1:23-1:25", "--mount sharing"},
		{"mount bool key", "FROM a\nRUN --mount=type=cache,r|", false, "ro", "ro", "1:23-1:24", "--mount ro"},
		{"flag value", "FROM a\nRUN --network=ho|", false, "host", "host", "1:14-1:16", "--network"},
		{"stage", "FROM a AS build\nFROM b\nCOPY --from=bu|", false, "build", "build", "2:12-2:14", "stage 0: FROM a"},
		{"variable", "FROM a\nENV HOME_DIR=/home/x\nWORKDIR $HO|", false, "HOME_DIR", "HOME_DIR", "2:9-2:11", "ENV HOME_DIR=/home/x"},
		{"braced variable", "ARG V=1\nFROM a:${|", false, "V", "V}", "1:9-1:9", "ARG V=1"},
		{"braced variable before brace", "ARG V=1\nFROM a:${|}", false, "V", "V", "1:9-1:9", "ARG V=1"},
		{"global value", "ARG V=1.2\nFROM a\nARG V\nRUN echo $|", false, "V", "V", "3:10-3:10", "ARG V=1.2"},
		{"unset ARG", "FROM a\nARG TOKEN\nRUN echo $|", false, "TOKEN", "TOKEN", "2:10-2:10", "ARG TOKEN (set with --build-arg)"},
		{"expanded value", "ARG GO=1.22\nFROM a\nARG GO\nENV DIR=/src/go$GO\nRUN echo $|", false, "DIR", "DIR", "4:10-4:10", "ENV DIR=/src/go1.22"},
		{"undeclared platform ARG", "FROM a\nRUN echo $TARGETA|", false, "TARGETARCH", "TARGETARCH", "1:10-1:17", "automatic platform ARG: needs `ARG TARGETARCH` in this stage"},
		{"declared platform ARG", "FROM a\nARG TARGETARCH\nRUN echo $TARGETA|", false, "TARGETARCH", "TARGETARCH", "2:10-2:17", "ARG TARGETARCH (set by BuildKit)"},
		{"continuation line", "FROM a\nENV X=1\nRUN echo \\\n  $|", false, "X", "X", "3:3-3:3", "ENV X=1"},
		{"value with the base image's PATH", "FROM python:3.12\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN echo $|", false, "PATH", "PATH", "2:10-2:10", "ENV PATH=/opt/venv/bin:$PATH"},
		{"legacy ENV value", "FROM a\nENV NODE_ENV production\nRUN echo $|", false, "NODE_ENV", "NODE_ENV", "2:10-2:10", "ENV NODE_ENV=production"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, off := withCursor(tc.src)
			items := CompleteFor(noArgs(doc), off, CompletionOptions{Snippets: tc.snippets})
			for _, it := range items {
				if it.Label != tc.label {
					continue
				}
				if it.Insert != tc.insert || rng(doc, it.Replace) != tc.replace || (tc.detail != "" && it.Detail != tc.detail) || it.Snippet != (tc.snippets && strings.Contains(it.Insert, "$")) {
					t.Errorf("got insert %q replace %s detail %q snippet %v\nwant insert %q replace %s detail %q", it.Insert, rng(doc, it.Replace), it.Detail, it.Snippet, tc.insert, tc.replace, tc.detail)
				}
				return
			}
			t.Errorf("no %q among %s", tc.label, labels(items))
		})
	}
}

func TestCompleteDocs(t *testing.T) {
	doc, off := withCursor("FROM a\nMAIN|")
	for _, it := range CompleteFor(noArgs(doc), off, CompletionOptions{}) {
		if it.Label == "MAINTAINER" && !it.Deprecated {
			t.Error("MAINTAINER is not marked deprecated")
		}
		if it.Label == "RUN" && !strings.Contains(it.Doc, "https://docs.docker.com/reference/dockerfile/#run") {
			t.Errorf("RUN doc lacks its link: %s", it.Doc)
		}
	}
}

func TestCompleteVariableDoc(t *testing.T) {
	doc, off := withCursor("FROM python:3.12\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN echo $|")
	for _, it := range CompleteFor(noArgs(doc), off, CompletionOptions{}) {
		if it.Label == "PATH" {
			if !strings.HasPrefix(it.Doc, "`PATH` = `/opt/venv/bin:$PATH`") {
				t.Errorf("PATH's doc is %q", it.Doc)
			}
			return
		}
	}
	t.Error("PATH not proposed")
}
