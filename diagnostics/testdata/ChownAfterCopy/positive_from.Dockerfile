FROM php:8.3-fpm-alpine
COPY --from=composer:2 --chown=www-data:www-data /app /var/www
COPY root/ /
# want "^`chmod -R 750 /var/www/\*` writes every file line 2 \(`COPY --from=composer:2 .*`\) added into a new layer: the image keeps both copies. Use `COPY --chmod=750` instead.$"
RUN chmod -R 750 /var/www/*
