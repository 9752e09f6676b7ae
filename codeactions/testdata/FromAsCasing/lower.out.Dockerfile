from alpine:3.20 as build
run echo build
