FROM debian:bookworm
# no cache mount here: its uid is known but its home is not
USER 1000
RUN apt-get update && apt-get install -y --no-install-recommends curl
