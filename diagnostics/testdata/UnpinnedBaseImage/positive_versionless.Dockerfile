# Tags that name no version of the image move like :latest.
# want "^node:lts names no version \(`lts`\), so it moves to new releases: the build cache keeps whatever image was pulled first"
FROM node:lts AS web
# want "nginx:alpine names no version"
FROM nginx:alpine AS proxy
# want "rust:buster names no version"
FROM rust:buster AS rust
# want "alpine:edge names no version"
FROM alpine:edge AS edge
# want "php:apache names no version"
FROM php:apache AS php
# want "node:lts-buster names no version"
FROM node:lts-buster AS buster
# A Node.js codename is no version of another image.
# want "example/tool:carbon names no version"
FROM example/tool:carbon AS tool
FROM python:3.12-slim
# want "^gloursdocker/docker has no tag, so it means :latest"
COPY --from=gloursdocker/docker / /
COPY --from=web /app /app
# want "^golang:latest uses :latest"
RUN --mount=from=golang:latest,source=/usr/local/go,target=/go go version
