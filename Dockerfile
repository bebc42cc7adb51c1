# wabun: one executable beside Debian's Chromium.
#   docker build -t wabun .
#   docker run -d -p 3000:3000 -v wabun-data:/data -e WAHA_API_KEY=change-me wabun
# test/e2e/container/ builds this file unchanged with podman and runs the image as docker-compose.yml
# does (docs/container.md); test/e2e/deploy.e2e.test.ts also replays its steps on the machine itself.

# --- stage 1: build the executable with Bun (installed from npm, as scripts/run.sh does)
FROM node:22-bookworm-slim AS build
RUN npm install -g --no-fund --no-audit bun@1.4.4
WORKDIR /src
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile --production
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
# WAHA's operation list, embedded in the executable for /docs/json.
COPY docs/waha-operations.tsv ./docs/
RUN bun run build

# --- stage 2: Debian slim with Chromium; nothing of Bun or node_modules
FROM debian:bookworm-slim
# Both browsers of Debian's Chromium: the headless shell (the old headless mode as its own binary:
# two processes, about 58 MB less per busy session under mem_limit 300m, BENCHMARKS.md section 8),
# which wabun finds and uses by itself, and full chromium as the fallback
# (`-e PUPPETEER_EXECUTABLE_PATH=/usr/lib/chromium/chromium` picks it).
# `--build-arg BROWSER_PACKAGES=chromium-headless-shell` leaves full chromium out (about 370 MB smaller).
ARG BROWSER_PACKAGES="chromium chromium-headless-shell"
# tini: Chromium's helper processes are re-parented to PID 1, which must reap them.
# fonts-liberation: text in pages (QR screenshots, rendering). curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${BROWSER_PACKAGES} tini ca-certificates fonts-liberation curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/wabun --shell /usr/sbin/nologin wabun \
 && mkdir -p /data && chown wabun:wabun /data
COPY --from=build /src/dist/wabun /usr/local/bin/wabun
ENV PORT=3000 \
    WAHA_LOCAL_STORE_BASE_DIR=/data \
    HOME=/home/wabun
VOLUME /data
USER wabun
WORKDIR /home/wabun
EXPOSE 3000
# A 45 s interval, as the reference compose file has it; /health needs no key (WHATSAPP_API_KEY_EXCLUDE_PATH).
HEALTHCHECK --interval=45s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health" > /dev/null || exit 1
# SIGTERM: wabun closes its browsers within DESTROY_TIMEOUT_MS (5 s) and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--"]
CMD ["wabun"]
