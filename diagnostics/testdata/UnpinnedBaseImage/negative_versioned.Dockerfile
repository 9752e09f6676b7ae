# A release codename is the version of a distribution (or of a base the
# size table does not know); a version anywhere in the tag pins it.
FROM debian:bookworm AS a
FROM ubuntu:jammy AS b
FROM airdock/base:jessie AS c
FROM scaleway/docker:amd64-1.10 AS d
FROM node:20-alpine AS e
FROM python:3.12-slim-bookworm AS f
# A Node.js LTS codename is node's major version: carbon is 8.
FROM node:carbon AS g
FROM node:hydrogen-alpine AS h
FROM alpine:3.19
COPY --from=a /etc/os-release /a
COPY --from=golang:1.22 /usr/local/go /go
COPY --from=0 /x /x
