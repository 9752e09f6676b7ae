FROM debian:bookworm
RUN apt-get update
COPY . /src
RUN apt-get install -y curl
