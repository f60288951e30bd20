import { readFileSync } from 'node:fs';
import { Compile } from 'typebox/compile';
import { parse as parseYaml } from 'yaml';
import { SeedFile } from './seed-schema.js';

const checkSeed = Compile(SeedFile);

/** Parses a seed document (YAML, of which JSON is a subset) and checks its shape. */
export function parseSeed(text: string, source = 'seed'): SeedFile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new Error(`${source}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (!checkSeed.Check(document)) {
    const problems = [...checkSeed.Errors(document)]
      .slice(0, 5)
      .map((issue) => `${issue.instancePath || '/'} ${issue.message}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  return document;
}

export function loadSeedFile(path: string): SeedFile {
  return parseSeed(readFileSync(path, 'utf8'), path);
}
