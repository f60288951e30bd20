/**
 * Where the bundled front-end lives: <package>/dist/console/assets. The same two levels up hold
 * from src/console (tsx, tests), from dist/console (tsc's output) and from dist/server (the server
 * bundle that bin/sysstatus.js runs, built by src/cli/build-server.ts).
 */
export const ASSETS_DIR = new URL('../../dist/console/assets/', import.meta.url);
