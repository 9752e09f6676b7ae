FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

FROM alpine:3.19
RUN apk add --no-cache git

FROM python:3.12
RUN pip install --upgrade pip
