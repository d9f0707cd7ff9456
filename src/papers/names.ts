/** Author name comparison, shared by the store (which indexes it) and the author pages. */

/**
 * Between the keys of a paper's authors in papers.author_keys ("c balazs, e l berger"). A key
 * never contains it: authorKey turns every run of punctuation and spaces into one space.
 */
export const AUTHOR_KEYS_SEPARATOR = ', ';

/** The keys of a paper's authors, in order, from papers.author_keys. */
export function splitAuthorKeys(keys: string): string[] {
  return keys ? keys.split(AUTHOR_KEYS_SEPARATOR) : [];
}

/** Name comparison key: case, accents, punctuation and spacing do not matter ("C. Balázs" → "c balazs"). */
export function authorKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
