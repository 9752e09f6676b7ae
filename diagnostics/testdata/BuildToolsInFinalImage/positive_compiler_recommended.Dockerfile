# python3-pip recommends build-essential, which apt installs unless told
# not to: a compiler is there, and the script may build with the headers.
FROM ubuntu:16.04
# want "^`libsnappy-dev` is needed only for building"
RUN apt-get update && apt-get install -y python3-pip libsnappy-dev && rm -rf /var/lib/apt/lists/*
RUN ./build.sh
CMD ["python3", "-m", "app"]
