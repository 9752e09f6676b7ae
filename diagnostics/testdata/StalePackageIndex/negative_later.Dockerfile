# NodeSource's setup script refreshes the index itself; apk --no-cache
# fetches its own; an upgrade with no later install reuses nothing.
FROM debian:bookworm
RUN apt-get update && apt-get install -y make
RUN curl -sL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs

FROM alpine:3.19 AS apk
RUN apk update && apk add git
RUN apk add --no-cache curl

FROM ubuntu:22.04 AS upgrade
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*

# The setup script of the RUN before the install refreshes the index.
FROM debian:bookworm AS nodesource
RUN apt-get update && apt-get install -y curl gnupg
RUN curl -sL https://deb.nodesource.com/setup_20.x | bash -
RUN apt-get install -y nodejs
