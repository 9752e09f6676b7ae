FROM debian:bookworm
RUN apt-get update # forced on 2019-12-30
RUN apt-get install -y curl
