# Builder stages may be heavy; the final image is slim.
FROM golang:1.22 AS build
RUN go build -o /app .

FROM python:3.12 AS wheels
RUN pip wheel -w /wheels flask

FROM python:3.12-slim
COPY --from=wheels /wheels /wheels
COPY --from=build /app /app
