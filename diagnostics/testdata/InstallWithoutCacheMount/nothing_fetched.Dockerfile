# apt commands that download nothing, so a cache mount keeps nothing.

# The official Debian and Ubuntu images ship no package lists: before any
# apt-get update an install finds no package (the RUN fails there, the
# commands after it never run) and an upgrade has nothing to do.
FROM ubuntu:22.04 AS no-lists
RUN apt-get upgrade -y
RUN apt-get install -y curl && apt-get update && apt-get install -y git
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y git

# An upgrade that nothing answers yes to asks before it downloads, and a
# build answers no (MissingYesFlag reports it).
FROM debian:12 AS unanswered
RUN apt-get update && apt-get upgrade
# want "downloads all apt packages again"
RUN apt-get update && apt-get upgrade -y

# Packages an earlier RUN installed, from the same index: nothing to fetch.
FROM debian:12 AS installed
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y curl ca-certificates
RUN apt-get install -y curl && curl -fsSO https://example.com/x
# A refreshed index may hold a newer version: that install downloads.
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y curl

# A stage that fills a cache for a later stage to copy: a mount would
# leave that copy empty.
FROM rust:1.78 AS deps
COPY Cargo.toml Cargo.lock ./
RUN cargo fetch
FROM rust:1.78 AS build
COPY --from=deps /usr/local/cargo /usr/local/cargo
COPY . .
RUN cargo build --release --offline

# A copy of the folder that holds the cache, with no install after it:
# the mount keeps the .gem files out and the copy loses nothing.
FROM ruby:3.3 AS gems
COPY Gemfile Gemfile.lock ./
# want "downloads all bundler packages again"
RUN bundle install
FROM ruby:3.3 AS app
COPY --from=gems /usr/local/bundle/ /usr/local/bundle/
COPY . .
CMD ["ruby", "app.rb"]

# A package removed since, or whose install may have failed, is fetched.
FROM debian:12 AS removed
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y wget && wget -q https://example.com/x && apt-get purge -y wget
# want "downloads all apt packages again"
RUN apt-get install -y wget
# want "downloads all apt packages again"
RUN (apt-get install -y oracle-java8-installer || true)
# want "downloads all apt packages again"
RUN apt-get install -y oracle-java8-installer

# A script may add a repository with newer versions: the install fetches.
FROM debian:12 AS repository
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y nodejs
# want "downloads all apt packages again"
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs
