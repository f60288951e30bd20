// The server runs bundled: a frame's place in the bundle, mapped back to its source file through the
// bundle's source map (profile-top.ts, alloc-top.ts).
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map<string, SourceMap | undefined>();
const sourceMapOf = (url: string) => {
  if (!maps.has(url)) {
    const file = url.startsWith('file://') ? `${fileURLToPath(url)}.map` : undefined;
    maps.set(url, file && existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) : undefined);
  }
  return maps.get(url);
};

/** A place in a bundle (0-based line and column) as the place in its source, or itself without a map. */
export const originalAt = (url: string, lineNumber: number, columnNumber: number) => {
  const entry = sourceMapOf(url)?.findEntry(lineNumber, columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  return entry?.originalSource ? { url: entry.originalSource, lineNumber: entry.originalLine ?? 0 } : { url, lineNumber };
};

/** A source place as a reader wants it: `src/…:line` (1-based), a package's path, or (native). */
export const shortPlace = (url: string, lineNumber: number) => {
  const short = url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(dist|src)\//, '$1/');
  return short ? `${short}:${lineNumber + 1}` : '(native)';
};

/** A V8 call frame (a profile's node) as `function place`, its place mapped to the source. */
export const frameLabel = (frame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }) => {
  const { url, lineNumber } = originalAt(frame.url, frame.lineNumber, frame.columnNumber ?? 0);
  return `${frame.functionName || '(anonymous)'} ${shortPlace(url, lineNumber)}`;
};
