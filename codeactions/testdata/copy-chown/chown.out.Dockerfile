FROM alpine:3.19
COPY --chown=1000:1000 app /srv/app
