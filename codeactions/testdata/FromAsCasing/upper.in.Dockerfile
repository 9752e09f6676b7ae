FROM alpine:3.20 as build
RUN echo build

FROM build As final
RUN echo final
