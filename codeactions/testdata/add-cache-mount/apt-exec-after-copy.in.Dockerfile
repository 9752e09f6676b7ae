FROM debian:bookworm
COPY . /src
RUN apt-get update
RUN ["apt-get", "-y", "install", "make"]
