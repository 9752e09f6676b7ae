FROM alpine:3.20 AS Assets
RUN echo assets > /a

FROM alpine:3.20
RUN --mount="type=bind,from=Assets,target=/mnt" cat /mnt/a
