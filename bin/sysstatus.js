#!/usr/bin/env node
// The server bundled into one file by `npm run build` (src/cli/build-server.ts): it starts faster
// than tsc's dist/cli/main.js, which loads about a thousand modules one by one.
import '../dist/server/sysstatus.mjs';
