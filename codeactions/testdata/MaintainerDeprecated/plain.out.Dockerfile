FROM debian:bookworm
LABEL org.opencontainers.image.authors="John Doe <john@example.com>"
RUN echo hi
