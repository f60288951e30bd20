/**
 * Where the bundled front-end lives: <package>/dist/console/assets. The same two levels up hold
 * from src/console (tsx, tests) and from dist/console (the built server).
 */
export const ASSETS_DIR = new URL('../../dist/console/assets/', import.meta.url);
