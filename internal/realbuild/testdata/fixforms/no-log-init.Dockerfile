FROM debian:bookworm-slim
RUN useradd -u 100000 -m app
