# An image the table does not know, and one that cannot be resolved.
FROM mycompany/base:1.0 AS base
FROM alpine:3.19 AS small
ARG IMAGE
FROM ${IMAGE}
