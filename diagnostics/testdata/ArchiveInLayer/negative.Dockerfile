FROM debian:bookworm-slim
# Downloaded, unpacked and deleted (or never written) in one RUN.
RUN curl -fsSL https://example.com/node.tar.xz | tar -xJ -C /opt
RUN curl -fsSLo /tmp/t.tgz https://example.com/t.tgz && tar -xzf /tmp/t.tgz -C /opt && rm /tmp/t.tgz
RUN wget -qO- https://example.com/x.tar.gz | tar -xz
# Not an archive.
ADD https://example.com/app.jar /app/app.jar
RUN java -jar /app/app.jar --version
# A local archive: ADD unpacks it itself.
ADD vendor.tar.gz /opt/
RUN ls /opt
# Never unpacked.
RUN wget https://example.com/data.tar.gz

# A build stage that is only copied from never ships.
FROM debian:bookworm-slim AS build
ADD https://example.com/go.tar.gz /tmp/
RUN tar -xzf /tmp/go.tar.gz -C /usr/local

# Downloaded into a folder the RUN changes into, and removed with it; or
# after a cd whose folder is not known.
RUN mkdir -p /tmp/build && cd /tmp/build \
 && curl -s -L -o ngx.tar.gz http://nginx.org/download/nginx-1.25.tar.gz \
 && echo "$NGX_MD5 ngx.tar.gz" | md5sum -c - || (echo "no match" && exit 1) \
 && tar -xvf ngx.tar.gz \
 && cd / && rm -rf /tmp/build
RUN cd "$BUILD_DIR" && wget http://example.com/y.tgz && tar xzf y.tgz

FROM scratch
COPY --from=build /usr/local/go /go
