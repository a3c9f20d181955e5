# syntax=docker/dockerfile:1
# Multi-stage build: `build` compiles (dev dependencies), `test` runs the suite against the compose
# services, `runtime` ships production dependencies and compiled code only, as a non-root user.

FROM node:20-bookworm-slim AS base
WORKDIR /app

FROM base AS build
COPY package.json package-lock.json ./
# Scripts are skipped here because `prepare` needs the sources; the build runs just below.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM build AS test
# redis-server and postgresql: the fault tests start a private Redis and a private Postgres
# (initdb, pg_ctl) to stop and restart them; chromium: the browser tests (test/browser).
RUN apt-get update \
  && apt-get install -y --no-install-recommends redis-server postgresql chromium \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=test
CMD ["npm", "test"]

FROM base AS runtime
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time: SQL migrations (migrate, /readyz), the seed snapshot (seed) and the GraphQL SDL (API).
COPY prisma/migrations ./prisma/migrations
COPY prisma/seed ./prisma/seed
COPY schema ./schema
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The API's heap: under a limit below 2 GB, V8 grows it to ~1.4x the live data, not up to 4x, and
# keeps less of it when idle; young semi-spaces of 64 MB, in which a request's objects die instead
# of being promoted: a quarter less CPU per request for ~90 MB (README.md, `catalog bench soak`;
# the same options as docker-compose.yml and `npm start`: test/bench/production-start.test.ts).
CMD ["node", "--max-old-space-size=512", "--max-semi-space-size=64", "dist/src/main.js"]
