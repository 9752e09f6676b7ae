FROM alpine:3.19
COPY secret.txt /etc/secret.txt
