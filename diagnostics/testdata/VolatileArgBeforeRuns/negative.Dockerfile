FROM python:3.12
RUN pip install flask
ARG BUILD_DATE
LABEL org.opencontainers.image.created=$BUILD_DATE

FROM alpine:3.19
ARG CACHEBUST=1
RUN git clone https://example.com/repo.git

FROM alpine:3.19
ARG NODE_VERSION=20
RUN echo installing node

FROM alpine:3.19
ENV TIME_ZONE=UTC DATE_FORMAT=iso TIME_OUT=30
RUN echo settings, not volatile values

FROM alpine:3.19
ARG TOOL_COMMIT=3f2a9c1
RUN echo a pinned commit is not a per-build value
