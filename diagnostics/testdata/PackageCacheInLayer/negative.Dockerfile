FROM python:3.12-slim
RUN pip install --no-cache-dir flask
RUN PIP_NO_CACHE_DIR=1 pip install requests
RUN --mount=type=cache,target=/root/.cache/pip pip install django
RUN pip install numpy && rm -rf /root/.cache/pip
RUN pip install pandas && pip cache purge
RUN pip install scipy && rm -rf ~/.cache
RUN uv pip install --system --no-cache requests
RUN poetry install --no-root --no-cache
RUN npm ci && npm cache clean --force
RUN npm ci && rm -rf ~/.npm
RUN yarn install --frozen-lockfile && yarn cache clean
RUN apk add --no-cache curl
RUN apk add git && rm -rf /var/cache/apk/*
# Without a refresh apk writes no index, and without /etc/apk/cache it
# keeps no packages: the index an earlier RUN wrote is not this layer's.
RUN apk update
RUN apk add bash
RUN apk add --virtual .build-deps gcc musl-dev
RUN dnf install -y git && dnf clean all
RUN yum install -y git && yum clean all && rm -rf /var/cache/yum
RUN zypper install -y git && zypper clean -a
# apt's lists are AptListsNotRemoved's.
RUN apt-get update && apt-get install -y --no-install-recommends curl

FROM python:3.12-slim AS env
ENV PIP_NO_CACHE_DIR=1
RUN pip install flask

FROM python:3.12-slim AS user
USER app
RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install --user rich
RUN pip install --user httpx && rm -rf /home/app/.cache/pip

FROM node:20-slim AS cachedir
ENV npm_config_cache=/tmp/npm
RUN --mount=type=cache,target=/tmp/npm npm ci

# A build stage that is only copied from never ships.
FROM python:3.12 AS build
RUN pip wheel -w /wheels flask && pip install poetry

FROM python:3.12-slim
COPY --from=build /wheels /wheels

# bundler's --deployment moves the gems where the catalog cannot say.
FROM ruby:3.3 AS ruby
RUN gem install rake && rm -rf /usr/local/bundle/cache
RUN bundle install --deployment

# Go 1.8 has neither module nor build cache.
FROM golang:1.8 AS gopath
RUN go get -d -v ./... && go install ./...

# pip 1.5 (Ubuntu 14.04's python3-pip) keeps no cache, and has no
# --no-cache-dir: the advice would break the build.
FROM ubuntu:14.04 AS trusty
RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*
RUN pip3 install flask

# Offline installs download nothing.
FROM node:20-slim AS offline
RUN npm install --offline
