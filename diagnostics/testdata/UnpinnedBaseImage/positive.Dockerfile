# want "ubuntu has no tag"
FROM ubuntu AS base
# want "node:latest uses :latest"
FROM node:latest
# want "ghcr.io/org/tool has no tag"
FROM ghcr.io/org/tool
