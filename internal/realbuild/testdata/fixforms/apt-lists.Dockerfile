FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends less
RUN apt-get install -y --no-install-recommends jq
