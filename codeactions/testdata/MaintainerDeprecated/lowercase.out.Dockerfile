from debian:bookworm
label org.opencontainers.image.authors="ops@example.com"
run echo hi
