# Lentera in a container (docs/production.md). Three stages: the build (TypeScript → dist/), the
# production dependencies (better-sqlite3 compiled here, no TypeScript), and what runs: the build
# with those dependencies, as the unprivileged user `node`, the data in a volume. Not built in CI
# (no Docker engine there); the same install is tested by `npm run test:production`.

# 1. The build. Install scripts are skipped: the compiler needs no native module.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. The production dependencies, as on a server: `npm ci --omit=dev` (its prepare step sees no
# TypeScript and builds nothing). python3, make and g++ build better-sqlite3 when no prebuilt binary
# can be fetched; they stay in this stage.
FROM node:22-bookworm-slim AS deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund

# 3. What runs: no compiler, no build tools; the code owned by root, so the app cannot change it.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/var/lib/lentera/lentera.db
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY views ./views
COPY public ./public
COPY migrations ./migrations
COPY reference ./reference
# The data directory (database, generated secrets, .eml files): the only place the app writes.
RUN install -d -o node -g node -m 0700 /var/lib/lentera
VOLUME /var/lib/lentera
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: 3 s more of serving, then requests and the email in hand finish (2 minutes at most):
# stop with a longer timeout (docker stop -t 150).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
