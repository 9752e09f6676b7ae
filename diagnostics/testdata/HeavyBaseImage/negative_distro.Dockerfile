# nginx has no smaller Debian variant, and the file installs Debian
# packages: nginx:alpine, another distribution, would break the build.
FROM nginx:latest
RUN apt-get update && apt-get install -y --no-install-recommends php-fpm && rm -rf /var/lib/apt/lists/*
COPY conf/default.conf /etc/nginx/conf.d/
ENTRYPOINT ["/etc/entrypoint.sh"]
