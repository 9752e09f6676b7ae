FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends make
# want "^`apt-get install -y curl` uses the package index line 2 refreshed, which the build cache keeps: when this line changes, it installs from that old index, and packages may be missing or outdated. Refresh the index in this RUN \(`apt-get update && …`\).$"
RUN apt-get install -y curl

FROM ubuntu:22.04 AS removed
RUN apt-get update && apt-get install -y make && rm -rf /var/lib/apt/lists/*
# want "^`apt-get install -y curl` finds no package index: it was removed after line 7 refreshed it, so the install fails to find packages."
RUN apt-get install -y curl

FROM ubuntu:16.04 AS upgrade
# want "^The package index this RUN refreshes \(with only an upgrade\) is cached: the installs of later RUNs \(line 14\) reuse it"
RUN apt-get update && apt-get dist-upgrade -y
RUN apt-get install -y git
RUN apt-get install -y curl

# The lone update's finding and fix cover the install right after it; a
# second install reuses the index all the same.
FROM debian:bookworm AS lone
# want "^apt-get update alone in its RUN is cached"
RUN apt-get update
RUN apt-get install -y make
# want "^`apt-get install -y curl` uses the package index line 21 refreshed"
RUN apt-get install -y curl

# Merging the lone update into the upgrade RUN after it would not cover
# the install after that.
FROM ruby:2.6.3 AS upgraded
# want "^apt-get update alone in its RUN is cached"
RUN apt-get update
RUN apt-get upgrade -y
# want "^`apt-get install -y libpq-dev` uses the package index line 30 refreshed"
RUN apt-get install -y libpq-dev

# One finding for the installs that reuse one update's index.
FROM debian:bookworm AS several
RUN apt-get update && apt-get install -y --no-install-recommends make
# want "^`apt-get install -y git` uses the package index line 37 refreshed, which the build cache keeps \(as does the install at line 40\): when this line changes"
RUN apt-get install -y git
RUN apt-get install -y curl
