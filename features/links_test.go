package features

import (
	"strings"
	"testing"

	"github.com/dockerfile-ls/dockerfile-ls/dockerfile"
)

func TestLinks(t *testing.T) {
	src := `ARG TAG=3
FROM alpine:3.19 AS base
FROM nginx@sha256:0123456789012345678901234567890123456789012345678901234567890123
FROM bitnami/redis:7
FROM ghcr.io/owner/tool:v1
FROM quay.io/prometheus/node-exporter
FROM mcr.microsoft.com/dotnet/sdk:8.0
FROM public.ecr.aws/lambda/python:3.12
FROM registry.example.com/x/y
FROM base
FROM scratch
FROM python:${TAG}
FROM ${REGISTRY}/app:1
COPY --from=base /a /b
COPY --from=busybox:1.36 /bin/sh /sh
COPY package.json "src/main.go" missing.txt *.txt ./ /app/
ADD https://example.com/a.tgz /x
ENV SRC=src
COPY $SRC/main.go /m
`
	doc := dockerfile.Parse([]byte(src))
	exists := map[string]bool{"package.json": true, "src/main.go": true, "app": true}
	var got []string
	for _, l := range LinksFor(noArgs(doc), LinkOptions{FileExists: func(rel string) bool { return exists[rel] }}) {
		target := l.URL
		if target == "" {
			target = "file:" + l.Path
		}
		got = append(got, doc.Slice(l.Span)+"@"+rng(doc, l.Span)+" "+target)
	}
	want := []string{
		"alpine@1:5-1:11 https://hub.docker.com/_/alpine",
		"nginx@2:5-2:10 https://hub.docker.com/_/nginx",
		"bitnami/redis@3:5-3:18 https://hub.docker.com/r/bitnami/redis",
		"ghcr.io/owner/tool@4:5-4:23 https://ghcr.io/owner/tool",
		"quay.io/prometheus/node-exporter@5:5-5:37 https://quay.io/repository/prometheus/node-exporter",
		"mcr.microsoft.com/dotnet/sdk@6:5-6:33 https://mcr.microsoft.com/artifact/mar/dotnet/sdk",
		"public.ecr.aws/lambda/python@7:5-7:33 https://gallery.ecr.aws/lambda/python",
		"python@11:5-11:11 https://hub.docker.com/_/python",
		"busybox@14:12-14:19 https://hub.docker.com/_/busybox",
		"package.json@15:5-15:17 file:package.json",
		"src/main.go@15:19-15:30 file:src/main.go",
		"$SRC/main.go@18:5-18:17 file:src/main.go", // as the build state expands it
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(LinksFor(noArgs(doc), LinkOptions{})); n != 9 {
		t.Errorf("%d links without file checks, want the 9 images", n)
	}
}
