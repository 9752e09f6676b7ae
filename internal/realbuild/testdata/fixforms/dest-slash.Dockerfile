FROM debian:bookworm-slim
COPY a.conf b.conf /opt/app
