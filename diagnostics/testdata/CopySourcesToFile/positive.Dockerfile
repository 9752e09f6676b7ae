FROM node:20
# want "^/app is no directory yet and has no trailing /: BuildKit copies package.json to the file /app, then each next source onto it, so the image keeps only the last"
COPY package.json package-lock.json /app
ARG DEST=/srv/app/config
# want "^/srv/app/config is no directory yet"
COPY settings.yaml logging.yaml ${DEST}
# A relative destination is under the working directory.
# want "^build is no directory yet .* the file /build"
COPY Makefile src/ build
# want "^/site is no directory yet"
ADD https://example.com/a.tar.gz https://example.com/b.tar.gz /site

# The build context says what is a file.
FROM alpine:3.20 AS ctx
# want "^/conf is no directory yet .* copies settings to the file /conf"
COPY settings extra /conf
