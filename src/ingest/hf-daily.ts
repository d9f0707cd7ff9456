/**
 * Hugging Face daily papers (https://huggingface.co/api/daily_papers): the papers the community
 * featured, with upvotes, submitter, AI summary and links. HF says nothing of versions or
 * categories, and fields it does not send stay unset.
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { cleanAbstract, cleanText, toIso, type FeaturedPaper, type NormalizedPaper, type PaperAuthor } from '../papers/model.js';
import { decodeTex } from './tex.js';
import { FormatError, type IngestItem, type RecordError } from './types.js';

type Json = Record<string, unknown>;

/**
 * Parses a daily papers list ([{paper, …}, …]) or one item ({paper, …}), as JSON text or already
 * parsed. An item carries `featured` when HF says when it was featured.
 */
export function parseHfDailyPapers(input: string | unknown): { items: IngestItem[]; errors: RecordError[] } {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (err) {
      throw new FormatError('malformed_json', `Not valid JSON: ${(err as Error).message}`);
    }
  }
  const list = Array.isArray(json) ? json : isObject(json) && 'paper' in json ? [json] : null;
  if (!list) {
    throw new FormatError('not_hf_daily_papers', 'Expected Hugging Face daily papers: a list of {"paper": …} items or one such item.');
  }
  const items: IngestItem[] = [];
  const errors: RecordError[] = [];
  list.forEach((raw, i) => {
    const item = readItem(raw);
    if ('reason' in item) errors.push({ record: i + 1, ...item });
    else items.push(item);
  });
  return { items, errors };
}

function readItem(item: unknown): IngestItem | Omit<RecordError, 'record'> {
  if (!isObject(item)) return { reason: 'not an object' };
  const p = item.paper;
  if (!isObject(p)) return { reason: 'missing paper' };
  const rawId = typeof p.id === 'string' ? p.id.trim() : '';
  if (rawId === '') return { reason: 'missing paper.id' };
  const parsed = parseArxivId(rawId);
  if (!parsed) return { reason: `invalid arXiv id "${rawId}"` };
  const id = parsed.id;
  const title = cleanText(decodeTex(text(p.title) ?? text(item.title) ?? ''));
  if (title === '') return { id, reason: 'missing title' };

  const authors: PaperAuthor[] = [];
  if (Array.isArray(p.authors)) {
    for (const a of p.authors) {
      const name = isObject(a) && typeof a.name === 'string' ? cleanText(a.name) : '';
      if (name !== '') authors.push({ name });
    }
  }
  const paper: NormalizedPaper = {
    id,
    title,
    abstract: cleanAbstract(decodeTex(text(p.summary) ?? text(item.summary) ?? '')),
    authors,
    versions: [],
    categories: [],
  };
  const submittedAt = toIso(text(p.publishedAt));
  if (submittedAt) paper.submittedAt = submittedAt;

  const featuredAt = toIso(text(p.submittedOnDailyAt) ?? text(item.publishedAt));
  if (!featuredAt) return { paper };
  const by = isObject(item.submittedBy) ? item.submittedBy : {};
  const dailyBy = isObject(p.submittedOnDailyBy) ? p.submittedOnDailyBy : {};
  const featured: FeaturedPaper = { paperId: id, featuredAt, upvotes: number(p.upvotes) ?? 0 };
  set(featured, 'submittedBy', text(by.user) ?? text(by.name) ?? text(dailyBy.user));
  set(featured, 'submittedByFullname', text(by.fullname) ?? text(dailyBy.fullname));
  set(featured, 'submittedByAvatarUrl', text(by.avatarUrl) ?? text(dailyBy.avatarUrl));
  set(featured, 'numComments', number(item.numComments));
  set(featured, 'githubRepo', text(p.githubRepo));
  set(featured, 'githubStars', number(p.githubStars));
  set(featured, 'projectPage', text(p.projectPage));
  set(featured, 'aiSummary', text(p.ai_summary));
  set(featured, 'aiKeywords', Array.isArray(p.ai_keywords) ? p.ai_keywords.filter((k): k is string => typeof k === 'string') : p.ai_keywords === null ? null : undefined);
  set(featured, 'thumbnail', text(item.thumbnail));
  set(featured, 'discussionId', text(p.discussionId));
  return { paper, featured };
}

/** Sets an optional field only when the source has it (null included: HF said "none"). */
function set<K extends keyof FeaturedPaper>(target: FeaturedPaper, key: K, value: FeaturedPaper[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string field; null when HF sent null or a blank string, undefined when it did not send one. */
function text(v: unknown): string | null | undefined {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  return v === null ? null : undefined;
}

function number(v: unknown): number | null | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  return v === null ? null : undefined;
}
