# Without its Recommends, python3-pip brings no compiler: the headers only
# meet a script the rule cannot read.
FROM ubuntu:16.04
RUN apt-get update && apt-get install -y --no-install-recommends python3-pip libsnappy-dev && rm -rf /var/lib/apt/lists/*
RUN ./build.sh
CMD ["python3", "-m", "app"]
