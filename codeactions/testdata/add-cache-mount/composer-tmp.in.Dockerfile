FROM composer:2
RUN composer install && rm -rf /tmp/*
