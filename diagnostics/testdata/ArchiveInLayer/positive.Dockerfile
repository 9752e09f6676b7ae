FROM debian:bookworm-slim
# want "^`ADD https://example.com/node.tar.xz` leaves the archive /tmp/node.tar.xz in this layer, and line 4 unpacks or installs it in another"
ADD https://example.com/node.tar.xz /tmp/
RUN tar -xJf /tmp/node.tar.xz -C /opt && rm /tmp/node.tar.xz
WORKDIR /src
# want "^`curl -fsSLo tool.zip https://example.com/tool.zip` leaves the archive /src/tool.zip in this layer, and line 8"
RUN curl -fsSLo tool.zip https://example.com/tool.zip
RUN unzip tool.zip
# want "leaves the archive /tmp/app.deb in this layer, and line 11"
RUN wget -O /tmp/app.deb https://example.com/app.deb
RUN apt-get install -y /tmp/app.deb
# want "leaves the archive /src/lib-1.0.tar.gz"
RUN wget -q https://example.com/lib-1.0.tar.gz
RUN tar xzf lib-1.0.tar.gz
