FROM debian:12
COPY app.deb /tmp/
# an install that runs only when dpkg fails is an apt install all the same
RUN dpkg -i /tmp/app.deb || apt-get -f install -y
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
