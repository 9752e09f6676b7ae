FROM composer:2 AS vendor
WORKDIR /app
COPY composer.json composer.lock* ./
RUN composer install --no-dev -o --prefer-dist --no-scripts --no-autoloader
COPY . .
RUN composer install --no-dev -o --prefer-dist

FROM php:8.3-fpm
COPY --from=vendor /app /var/www/html
