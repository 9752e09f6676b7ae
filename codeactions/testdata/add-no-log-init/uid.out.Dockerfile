FROM debian:bookworm
RUN useradd -l -u 100000 -m app
