FROM alpine:3.19
# /srv may not exist in the base image: COPY --chown would create it with the new owner
COPY app /srv/app
RUN chown -R 1000:1000 /srv/app
