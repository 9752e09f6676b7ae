FROM alpine:3.19
COPY app /srv/app
RUN chown -R 1000:1000 /srv/app
