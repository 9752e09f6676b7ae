FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc wget
# want "^`rm -rf /var/lib/apt/lists/\*` deletes /var/lib/apt/lists/\*, which line 2 \(`RUN apt-get update && apt-get install .*`\) created: the files stay in that layer"
RUN rm -rf /var/lib/apt/lists/*
# want "^`apt-get purge -y gcc` removes packages that line 2 .* installed"
RUN apt-get purge -y gcc
# want "^`apt-get clean` cleans the cache that line 2 .* filled"
RUN apt-get clean
WORKDIR /opt
RUN wget https://example.com/tool.tar.gz && tar -xzf tool.tar.gz
# want "deletes /opt/tool.tar.gz, which line 10"
RUN rm tool.tar.gz
COPY . /app
# want "deletes /app/.git, which line 13 \(`COPY . /app`\)"
RUN rm -rf /app/.git
# want "deletes /app/\*\*/__pycache__"
RUN find /app -name __pycache__ -delete

FROM python:3.12-slim AS py
RUN pip install --no-cache-dir flask
# want "^`pip uninstall -y flask` removes packages that line 20"
RUN pip uninstall -y flask
RUN apk add --virtual .build-deps gcc musl-dev
# want "^`apk del .build-deps` removes packages that line 23"
RUN apk del .build-deps
RUN git clone https://github.com/example/repo.git /src/repo
# want "deletes /src/repo/.git, which line 26"
RUN rm -rf /src/repo/.git
