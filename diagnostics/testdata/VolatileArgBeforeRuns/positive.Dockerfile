FROM python:3.12
# want "Every new value of BUILD_DATE re-runs the RUN steps on lines 4, 5, which do not use it.*just before line 6"
ARG BUILD_DATE
RUN apt-get update && apt-get install -y curl
RUN pip install flask
LABEL org.opencontainers.image.created=$BUILD_DATE

FROM alpine:3.19
ARG GIT_COMMIT
# want "Every new value of APP_COMMIT re-runs the RUN steps on lines 12"
ENV APP_COMMIT=${GIT_COMMIT}
RUN apk add --no-cache git
