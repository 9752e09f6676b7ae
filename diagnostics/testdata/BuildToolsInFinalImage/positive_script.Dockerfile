FROM ubuntu:22.04
# A script the rule cannot read may build with them: python ./build.py.
# want "^`libpcre3-dev` is needed only for building.*copy only what the build produces"
RUN apt-get update && apt-get install -y --no-install-recommends libpcre3-dev && rm -rf /var/lib/apt/lists/*
RUN cd /usr/src && python ./build.py
CMD ["/opt/openresty/nginx/sbin/nginx"]
