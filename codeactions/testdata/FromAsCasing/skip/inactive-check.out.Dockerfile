# syntax=docker/dockerfile:1
# check=skip=FromAsCasing

# check=skip=JSONArgsRecommended

FROM alpine:3.20 as build
