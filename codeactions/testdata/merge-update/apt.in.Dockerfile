FROM debian:bookworm
# refresh the index
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
