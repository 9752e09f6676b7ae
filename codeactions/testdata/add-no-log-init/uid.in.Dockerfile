FROM debian:bookworm
RUN useradd -u 100000 -m app
