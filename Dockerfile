# Production image of the hub: TypeScript compiled in a build stage, run with production
# dependencies only, as the unprivileged `node` user. The hub needs DATABASE_URL in production
# (it never starts the embedded PostgreSQL there); see docker-compose.yml.

# ---- build -------------------------------------------------------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts are needed to compile (tsc), and none then run with network access.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime -----------------------------------------------------------------------------------
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no production dependency needs an install script to run the hub (the only
# one with a real script is the embedded PostgreSQL, unused in production).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Code and dependencies stay owned by root (read-only to the hub); it runs as `node` (uid 1000).
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
