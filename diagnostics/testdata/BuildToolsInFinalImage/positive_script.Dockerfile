FROM ubuntu:22.04
# A script the rule cannot read may build with them: python ./build.py.
# want "^`build-essential` and `libpcre3-dev` are needed only for building.*copy only what the build produces"
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpcre3-dev && rm -rf /var/lib/apt/lists/*
RUN cd /usr/src && python ./build.py
CMD ["/opt/openresty/nginx/sbin/nginx"]
