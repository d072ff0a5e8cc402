# syntax=docker/dockerfile:1
# FeedbackBots: build with `docker compose build app`, or `docker build -t feedbackbots .`.

# Node 24 "Krypton" is the Active LTS line (until April 2028) and better-sqlite3 12 supports it (its
# engines list 24.x); pinned to an exact release so a rebuild gets the same runtime. Bump both stages
# together; CI (.github/workflows/ci.yml) tests this line too, and test/deployment-files.unit.spec.ts
# checks the pin.

# ---- build: compile TypeScript; better-sqlite3 may build its native addon from source ----
FROM node:24.17.0-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first, so this layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: compiled JS and production node_modules only, as the unprivileged `node` user ----
FROM node:24.17.0-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# `npm run --silent cli -- …` inside the container (it checks dist/ first; without sources it just runs).
COPY --from=build /app/scripts/build-if-stale.mjs ./scripts/build-if-stale.mjs
# DATA_DIR holds the embedded SQLite files and the generated token key (0600): owned by `node`.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Readiness, not mere liveness: unhealthy when the event store or the read-model database is unreachable
# or a projection/reactor keeps failing. No curl in the slim image: Node's built-in fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
