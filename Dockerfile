# perpsim: one image for the queue's workers, the coordinator and the shards.
#   docker build -t perpsim .
#   docker run --rm perpsim worker --queue redis://:PASSWORD@redis-host:6379
# The CLI runs as compiled JavaScript: `npm ci` runs the package's `prepare` build (esbuild, a regular
# dependency), which writes dist/cli.js (the CLI), dist/worker.js (the pool's thread), dist/thread-*.js
# (the backtest, stress-probe and report-render threads) and dist/strategy-*.js (the shipped strategies).
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && mkdir -p /app/reports && chown node:node /app/reports
# strategies/ (shipped strategies, loaded by name), data/ (for bootstrap models) and examples/ come with the image
USER node
# SIGTERM (docker stop, Kubernetes) lets a worker finish its chunks in hand: give it the time a chunk takes
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["worker", "--help"]
