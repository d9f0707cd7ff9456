/** Shared test helpers: fixture paths and the database engines every store test runs on. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under test/fixtures (tests run from dist/test, fixtures stay in test/). */
export function fixturePath(rel: string): string {
  return fileURLToPath(new URL(`../../test/fixtures/${rel}`, import.meta.url));
}

export function readFixture(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}
