# The cache is where the image's manager keeps it: the official images'
# layout only on those images, and nothing where the version named by the
# tag keeps no such cache (issue 17).
FROM ruby:3.3 AS ruby
# want "downloads all gem packages again.*target=/usr/local/bundle/cache"
RUN gem install bundler
# want "downloads all bundler packages again.*target=/usr/local/bundle/cache"
RUN bundle install

# Debian's ruby keeps .gem files in /var/lib/gems/<version>/cache, not in
# /root/.gem nor /usr/local/bundle: a place the catalog cannot name.
FROM ubuntu:22.04 AS distro-ruby
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y ruby-full && rm -rf /var/lib/apt/lists/*
RUN gem install rake

FROM ruby:3.3 AS deployment
RUN bundle install --deployment --without development test
RUN BUNDLE_PATH=vendor/bundle bundle install

# Before Go 1.13 a build in GOPATH keeps no module cache; before 1.10 no
# build cache either, and a build cache alone holds no downloads.
FROM golang:1.8 AS gopath
RUN go get -d -v ./...
FROM golang:1.11 AS gopath-build-cache
RUN go get -d ./... && go build ./...
# Elsewhere the Go version, and so its caches, is unknown.
FROM ubuntu:18.04 AS distro-go
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y golang-go && rm -rf /var/lib/apt/lists/*
RUN go get github.com/golang/lint/golint
FROM golang:1.22 AS modules
# want "downloads all go packages again.*target=/go/pkg/mod\)"
RUN go mod download

# Where rustup installs Rust for root, CARGO_HOME is /root/.cargo; also
# on an image whose name the analysis cannot read.
FROM debian:12 AS rustup
RUN curl https://sh.rustup.rs -sSf | sh -s -- -y
# want "downloads all cargo packages again.*target=/root/.cargo/registry"
RUN cargo fetch
# rustlang/rust, the official images' nightly home, sets CARGO_HOME as rust does.
FROM rustlang/rust:nightly AS nightly
# want "downloads all cargo packages again.*target=/usr/local/cargo/registry"
RUN cargo fetch
FROM balenalib/%%BALENA_MACHINE_NAME%%-debian AS unreadable
# want "downloads all cargo packages again.*target=/root/.cargo/registry"
RUN cargo build --release
# A build whose cache a COPY filled downloads nothing.
FROM debian:12 AS builder
COPY --from=example.com/cargo-home:1 /root/.cargo /root/.cargo
RUN cargo build --release

# The composer image sets COMPOSER_HOME=/tmp: its cache is /tmp/cache.
FROM composer:2 AS vendor
# want "downloads all composer packages again.*target=/tmp/cache\)"
RUN composer install --no-dev
FROM php:8.3 AS php
# want "downloads all composer packages again.*target=/root/.composer/cache\)"
RUN composer install --no-dev
# want "downloads all composer packages again.*target=/tmp/composer/cache\)"
RUN COMPOSER_HOME=/tmp/composer composer require monolog/monolog

# On CentOS 8 and later yum is dnf: its cache is /var/cache/dnf.
FROM centos:7 AS el7
# want "downloads yum's packages and repository metadata again.*target=/var/cache/yum,sharing=locked\) keeps the repository metadata"
RUN yum install -y gcc
FROM centos:8 AS el8
# want "target=/var/cache/dnf,sharing=locked"
RUN yum install -y gcc
FROM centos AS el-latest
# want "target=/var/cache/dnf,sharing=locked"
RUN yum install -y gcc
FROM myorg/el-base:1 AS unknown-el
RUN yum install -y gcc

# pip 1.5, which Ubuntu 14.04 and Debian 8 package, keeps no download
# cache; on an image whose release is unknown the version is unknown.
FROM ubuntu:14.04 AS trusty
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
RUN pip3 install flask
FROM node:5.7.1-slim AS unknown-release
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y python-pip && rm -rf /var/lib/apt/lists/*
RUN pip install awscli
FROM ubuntu:16.04 AS xenial
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
# want "downloads all pip packages again.*target=/root/.cache/pip"
RUN pip3 install flask
FROM ubuntu:14.04 AS upgraded
# want "downloads all apt packages again"
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
RUN pip3 install -U pip
# want "downloads all pip packages again.*target=/root/.cache/pip"
RUN pip3 install flask

# Yarn 2 and later keep their cache where .yarnrc.yml says.
FROM node:20 AS berry
COPY .yarnrc.yml package.json yarn.lock ./
RUN yarn install --immutable
FROM node:20 AS classic
COPY package.json yarn.lock ./
# want "downloads all yarn packages again.*target=/usr/local/share/.cache/yarn\)"
RUN yarn install --frozen-lockfile
