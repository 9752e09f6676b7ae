FROM alpine:3.19
MAINTAINER someone@example.com
