# syntax=docker/dockerfile:1
# Earshot as a container image: the build stage runs the commands CI runs on a clean clone (`npm ci`, whose `prepare`
# script builds dist/), then drops the dev dependencies; the runtime stage holds only what the package ships
# (package.json `files`), the production node_modules and package.json, and runs the `start` script's command as the
# unprivileged `node` user. See docs/deploy.md.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 installs a prebuilt binary for glibc on x64 and arm64; these are for compiling it anywhere else.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY public ./public
COPY docs ./docs
RUN npm ci --no-audit --no-fund \
  && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    EARSHOT_DATA=/data \
    EARSHOT_HOST=0.0.0.0 \
    EARSHOT_PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY --from=build /app/src/demo/assets ./src/demo/assets
COPY --from=build /app/src/demo/feeds ./src/demo/feeds
COPY --from=build /app/docs ./docs
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# Slim images have no curl: node asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.EARSHOT_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli/bin.js", "serve"]
