FROM debian:bookworm
LABEL org.opencontainers.image.authors="ops@example.com"
RUN echo hi
