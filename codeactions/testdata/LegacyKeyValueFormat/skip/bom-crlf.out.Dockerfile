# check=skip=LegacyKeyValueFormat
FROM alpine:3.20
ENV A b
