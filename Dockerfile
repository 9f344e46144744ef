# KittenTTS gateway image: REST, WebSocket and SSE on port 7860; Home Assistant's Wyoming protocol
# on 10200 when KITTENTTS_WYOMING_PORT=10200 is set (it is off by default).
#   docker build -t kittentts-gateway .
#   docker run -p 7860:7860 -v ~/.cache/kittentts:/home/node/.cache/kittentts kittentts-gateway
#   (Home Assistant: add -p 10200:10200 -e KITTENTTS_WYOMING_PORT=10200)
# Reuse a Python kittentts download (same hub cache layout) by mounting its hub folder instead:
#   -v ~/.cache/huggingface/hub:/home/node/.cache/kittentts
# No "# syntax=" line on purpose: it would make docker pull a frontend image (breaks offline builds).

# ---- build: compile TypeScript to dist/ -------------------------------------------------------
FROM node:20-slim AS build
WORKDIR /app
# Dependencies first so source edits do not invalidate this layer. --ignore-scripts: this stage only
# runs tsc, and `prepare` (build) cannot run before the sources are copied (.npmrc says the same
# for every install, so onnxruntime-node never downloads CUDA files).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build

# ---- runtime: production dependencies + dist/ only ---------------------------------------------
FROM node:20-slim AS runtime
# libespeak-ng1 (+ espeak-ng-data) for the native phonemizer backend
# (src/kitten/frontend/phonemize/espeak-native.ts loads it through koffi); without it the gateway
# falls back to the slower WASM espeak-ng.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libespeak-ng1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
# No dev dependencies; --ignore-scripts: onnxruntime-node's postinstall only fetches CUDA files and
# koffi's native binary comes prebuilt in an optional dependency package. onnxruntime-node ships
# binaries for every OS and CPU (~290 MB); keep only this image's (~45 MB).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force \
    && arch="$(node -p process.arch)" \
    && for d in node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
         case "$d" in */linux/"$arch") ;; *) rm -rf "$d" ;; esac; \
       done \
    && test -n "$(ls node_modules/onnxruntime-node/bin/napi-v*/linux/"$arch"/)"
COPY --from=build /app/dist ./dist
# The cache folder exists and belongs to the runtime user, so a named volume mounted there is
# writable (docker copies the ownership into a new volume).
RUN mkdir -p /home/node/.cache/kittentts && chown -R node:node /home/node/.cache
# glibc reads GLIBC_TUNABLES when node starts: blocks of 128 KiB and more are unmapped when freed, so
# what an idle worker's renewed session gave back leaves the process (docs/memory.md).
ENV HOST=0.0.0.0 \
    PORT=7860 \
    KITTENTTS_CACHE_DIR=/home/node/.cache/kittentts \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072
VOLUME ["/home/node/.cache/kittentts"]
USER node
# 10200: the Wyoming door, when KITTENTTS_WYOMING_PORT=10200 turns it on.
EXPOSE 7860 10200
# slim images have no curl: ask node itself. Node 20 has fetch built in.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7860)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node as PID 1: the gateway handles SIGTERM itself (graceful drain), so no init shim is needed.
CMD ["node", "dist/src/main.js"]
