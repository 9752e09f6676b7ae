FROM python:3.12
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt

FROM node:20
RUN --mount=type=cache,target=/root/.npm npm ci

FROM golang:1.22
RUN --mount=type=cache,target=/go/pkg/mod go mod download

FROM alpine
RUN echo no package manager here && ls -la
