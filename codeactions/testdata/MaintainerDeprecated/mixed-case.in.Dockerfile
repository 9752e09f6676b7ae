FROM debian:bookworm
Maintainer ops@example.com
RUN echo hi
