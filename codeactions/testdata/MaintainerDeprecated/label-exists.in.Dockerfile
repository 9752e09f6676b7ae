FROM debian:bookworm
LABEL org.opencontainers.image.authors="team@example.com"
MAINTAINER John Doe <john@example.com>
