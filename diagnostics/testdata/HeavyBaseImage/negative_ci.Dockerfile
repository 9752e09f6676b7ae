# A CI image: running it builds the sources mounted in.
FROM golang:1.22
WORKDIR /src
ENTRYPOINT ["./scripts/entry"]
CMD ["ci"]
