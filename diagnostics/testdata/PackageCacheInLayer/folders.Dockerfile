# Where the cache is depends on the image (issue 17).

# Debian's ruby keeps .gem files in its own gem folder, which only the
# shell can tell: the finding names it so, and offers no fix.
FROM ubuntu:22.04 AS distro-ruby
# want "^`gem install rake` keeps gem's download cache \("\$\(gem env gemdir\)"/cache\) in this layer: clean it at the end of the same RUN \(`rm -rf "\$\(gem env gemdir\)"/cache` or the manager's own clean command\)\.$"
RUN gem install rake
# want "keeps bundler's download cache \("\$\(gem env gemdir\)"/cache\)"
RUN bundle install

# apk fetches its index when no layer below holds one, and keeps it.
FROM alpine:3.20 AS first-add
# want "^`apk add curl` keeps apk's package index \(/var/cache/apk\) in this layer: add --no-cache or clean it"
RUN apk add curl
RUN apk add bash
FROM alpine:3.20 AS updated-below
RUN apk update
RUN apk add bash
FROM alpine:3.20 AS removed-below
RUN apk update && apk add git && rm -rf /var/cache/apk/*
# want "`apk add bash` keeps apk's package index"
RUN apk add bash

# Official images built for one platform are those images.
FROM ppc64le/ubuntu:18.04 AS arch
# want "keeps pip's download cache \(/root/.cache/pip\)"
RUN apt-get update && apt-get install -y python3-pip && pip3 install numpy && rm -rf /var/lib/apt/lists/*
FROM arm32v7/ubuntu:14.04 AS arch-trusty
RUN apt-get update && apt-get install -y python3-pip && pip3 install numpy && rm -rf /var/lib/apt/lists/*

# Go's build cache (Go 1.10 to 1.12 keep no module cache) is size too.
FROM golang:1.12 AS gopath
# want "^`go get -u golang.org/x/tools/cmd/goimports` keeps go's build cache \(/root/.cache/go-build\)"
RUN go get -u golang.org/x/tools/cmd/goimports
