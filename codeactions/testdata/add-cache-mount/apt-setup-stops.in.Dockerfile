FROM debian:bookworm
USER root
COPY app /app
RUN apt-get update && apt-get install -y curl

FROM debian:bookworm
RUN echo hello > /hello
COPY . /src
RUN apt-get update && apt-get install -y curl

FROM debian:bookworm
COPY sources.list /etc/apt/sources.list
COPY . /src
RUN apt-get update && apt-get install -y curl

FROM debian:bookworm
COPY . .
RUN apt-get update && apt-get install -y curl
