# syntax=docker/dockerfile:1
# chat-history-gateway: build with the dev dependencies, run with the production ones only.
#   docker build -t chat-history-gateway .
#   docker run -p 4000:4000 -v "$PWD/gateway.yaml:/etc/chat-gateway/gateway.yaml:ro" \
#     -e CURSOR_SECRET -e JWT_SECRET -e DIFY_API_KEY -e CHATWOOT_API_TOKEN -e LEGACY_API_TOKEN \
#     chat-history-gateway
# Node 24 is the LTS the gateway is built and tested on (package.json engines: 20 and 24).

# Build stage: TypeScript compiles src/ to dist/.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY src src
RUN node scripts/build.mjs

# Runtime stage: production dependencies and the built code, run as the unprivileged `node` user.
FROM node:24-slim
ENV NODE_ENV=production \
    PORT=4000 \
    CHAT_GATEWAY_CONFIG=/etc/chat-gateway/gateway.yaml
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist dist
COPY bin bin
COPY LICENSE README.md ./
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The gateway itself is PID 1 (no npm or shell in between), so SIGTERM reaches it and it drains.
# A 32 MB young generation: see "Memory and garbage collection" in the README.
CMD ["node", "--max-semi-space-size=32", "bin/chat-gateway.js"]
