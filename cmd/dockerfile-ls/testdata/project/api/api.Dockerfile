FROM golang:1.22 AS Build
WORKDIR src
COPY . .
RUN go build -o /app .

FROM scratch AS prod
COPY --from=Build /app /app
ENTRYPOINT ["/app"]

FROM scratch AS debug
copy --from=Build /app /app
