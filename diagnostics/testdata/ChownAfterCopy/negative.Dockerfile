FROM node:20-slim
WORKDIR /app
COPY --chown=node:node . .
# Not recursive: only the directory itself changes.
RUN chown node:node /app
# A small file: nothing worth a finding.
COPY entrypoint.sh /usr/local/bin/
RUN chmod -R +x /usr/local/bin/entrypoint.sh
# No COPY put anything there.
RUN mkdir -p /data && chown -R node /data

# A build stage that is only copied from never ships.
FROM golang:1.22 AS build
COPY . /src
RUN chown -R nobody /src

FROM scratch
COPY --from=build /src/app /app
