# syntax=docker/dockerfile:1
# Stage 1: native modules, TypeScript build, and the model (fetched once, baked into the image).
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends maven default-jdk-headless g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm run model:fetch && npm prune --omit=dev

# Stage 2: runtime only: no compiler, no Maven, no dev dependencies.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 MODEL_DIR=/app/models INDEX_DIR=/app/index-data/default
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/models ./models
COPY --chown=node:node index-data/samples ./index-data/samples
RUN chown node:node /app/index-data
# The index and its write-ahead log: mount a volume here so written papers outlive the container.
VOLUME ["/app/index-data"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Builds the sample index on first start when INDEX_DIR holds none, then serves.
CMD ["node", "dist/cli/start.js"]
