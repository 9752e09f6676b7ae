ARG NODE_VERSION=20
# want "^node:20-bookworm is ≈ 390 MB compressed.*`node:20-bookworm-slim` \(≈ 70 MB\) or `node:20-alpine` \(≈ 45 MB\)"
FROM node:${NODE_VERSION}-bookworm AS base
WORKDIR /app

FROM base
COPY . .
CMD ["node", "server.js"]
