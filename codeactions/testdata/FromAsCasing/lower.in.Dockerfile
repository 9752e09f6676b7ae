from alpine:3.20 AS build
run echo build
