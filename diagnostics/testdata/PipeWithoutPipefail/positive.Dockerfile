FROM debian:bookworm
# want "^The pipe's status is that of `sh` alone: the shell runs without pipefail, so if `curl -fsSL https://example.com/install.sh` fails the build goes on, unless `sh` fails too. Run it in bash with pipefail: SHELL \[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"\]."
RUN curl -fsSL https://example.com/install.sh | sh
# One finding per RUN: the first pipe that hides a failure (gpg fails on no input).
# want "if `curl -s https://example.com/v` fails the build goes on, unless `sed s/v//` fails too"
RUN wget -qO- https://example.com/key | gpg --dearmor -o /k.gpg && curl -s https://example.com/v | sed s/v// > /v && find / | xargs ls
# pipefail set after the pipe is too late.
# want "if `cat /etc/os-release` fails"
RUN cat /etc/os-release | cut -d= -f2; set -o pipefail

FROM alpine:3.20 AS alpine
# want "^The pipe's status is that of `sh` alone.*No fix offered: bash is not known to be in this image"
RUN wget -qO- https://example.com/install.sh | sh

FROM alpine:3.20 AS alpine-bash
RUN apk add --no-cache bash curl
# want "if `curl -fsSL https://example.com/x` fails .* Run it in bash with pipefail"
RUN curl -fsSL https://example.com/x | bash

FROM myorg/tools:1.0 AS unknown
# want "bash is not known to be in this image"
RUN ls /opt | sort > /opt.txt

FROM myorg/tools:1.0 AS known
RUN apt-get update
# want "Run it in bash with pipefail"
RUN ls /usr/lib | sort > /libs.txt

# The RUN pipes into bash, which it does not install: bash was there.
FROM alpine:3.20 AS alpine-has-bash
# want "if `curl -fsSL https://example.com/x` fails .* Run it in bash with pipefail"
RUN curl -fsSL https://example.com/x | bash
# xargs -r runs nothing when given nothing.
# want "if `find /opt -name \*.pyc` fails the build goes on, unless `rm -f` fails too"
RUN find /opt -name *.pyc | xargs -r rm -f

# The manager the RUN uses after the installer is already there (the
# image ships it, or an earlier RUN ran it): a failed download goes unseen.
FROM ruby:2.2.3 AS manager-there
# want "The pipe's status is that of `bash -` alone"
RUN curl -sL https://deb.nodesource.com/setup_8.x | bash - && apt-get install -y nodejs && gem install bundler
FROM ubuntu:16.04 AS manager-ran
RUN apt-get update && apt-get install -y npm && npm --version
# want "The pipe's status is that of `bash -` alone"
RUN curl -sL https://deb.nodesource.com/setup_8.x | bash - && apt-get install -y nodejs && npm install -g bower
