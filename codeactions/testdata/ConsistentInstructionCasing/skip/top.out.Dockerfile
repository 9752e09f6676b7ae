# check=skip=ConsistentInstructionCasing
FROM alpine:3.20
workdir /app
