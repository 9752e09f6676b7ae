FROM alpine:3.20 AS build
RUN echo build

FROM build AS final
RUN echo final
