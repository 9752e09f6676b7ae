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

FROM scratch
COPY --from=build /usr/local/go /go
