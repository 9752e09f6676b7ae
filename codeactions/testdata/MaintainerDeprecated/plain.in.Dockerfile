FROM debian:bookworm
MAINTAINER John Doe <john@example.com>
RUN echo hi
