/**
 * arXiv's daily announcement feeds (https://rss.arxiv.org/atom/cs.AI and /rss/cs.AI): the papers
 * of one listing day, each marked new, cross, replace or replace-cross.
 */
import { parseArxivId } from '../papers/arxiv-id.js';
import { easternParts } from '../papers/calendar.js';
import { cleanAbstract, cleanText, toIso, type NormalizedPaper } from '../papers/model.js';
import { parseAuthorList } from './authors.js';
import { decodeTex } from './tex.js';
import type { RecordError } from './types.js';
import {
  ARXIV_ATOM,
  ATOM,
  DC,
  attr,
  child,
  childText,
  children,
  cleanChildText,
  notArxivXml,
  parseArxivXml,
  textOf,
  type XmlElement,
} from './xml.js';

export interface RssEntry {
  paper: NormalizedPaper;
  /** new | cross | replace | replace-cross */
  announceType: string;
}

export interface RssFeed {
  /** the feed's category ("cs.AI", or "cs.AI+cs.LG" for a combined feed), when it says */
  category: string | null;
  /** the listing day (YYYY-MM-DD, US Eastern) */
  day: string | null;
  entries: RssEntry[];
  errors: RecordError[];
}

const EXPECTED = 'an arXiv announcement feed (RSS or Atom)';
/** "arXiv:2508.13426v1 Announce Type: cross \nAbstract: " before every abstract. */
const PREAMBLE = /^\s*arXiv:(\S+)\s+Announce Type:\s*([\w-]+)\s*(?:Abstract:\s*)?/;
const FEED_URL = /rss\.arxiv\.org\/(?:atom|rss)\/([^\s/?#]+)/;
const FEED_TITLE = /^(\S+) updates on arXiv\.org/;

/** Where a feed flavour keeps each field: Atom (namespaced, category@term) or RSS 2.0 (no namespace, category text). */
interface Flavour {
  ns: string;
  item: string;
  id: string;
  abstract: string;
  date: string;
  /** when the feed was generated */
  built: string;
  /** the feed's own URL */
  url: string;
  categoryTerm: boolean;
}

const ATOM_FLAVOUR: Flavour = {
  ns: ATOM,
  item: 'entry',
  id: 'id',
  abstract: 'summary',
  date: 'published',
  built: 'updated',
  url: 'id',
  categoryTerm: true,
};
const RSS_FLAVOUR: Flavour = {
  ns: '',
  item: 'item',
  id: 'guid',
  abstract: 'description',
  date: 'pubDate',
  built: 'lastBuildDate',
  url: 'link',
  categoryTerm: false,
};

/** Parses an rss.arxiv.org feed, Atom or RSS 2.0; a bad entry is a RecordError. */
export function parseArxivRss(xml: string): RssFeed {
  const root = parseArxivXml(xml, EXPECTED);
  const atom = root.ns === ATOM && root.local === 'feed';
  const channel = atom ? root : root.ns === '' && root.local === 'rss' ? child(root, '', 'channel') : undefined;
  if (!channel) throw notArxivXml(root, EXPECTED);
  const f = atom ? ATOM_FLAVOUR : RSS_FLAVOUR;
  const items = children(channel, f.ns, f.item);
  const feed: RssFeed = { category: feedCategory(channel, f), day: feedDay(channel, items, f), entries: [], errors: [] };
  items.forEach((item, i) => {
    const entry = readEntry(item, f);
    if ('reason' in entry) feed.errors.push({ record: i + 1, line: item.line, ...entry });
    else feed.entries.push(entry);
  });
  return feed;
}

function readEntry(item: XmlElement, f: Flavour): RssEntry | Omit<RecordError, 'record'> {
  const text = childText(item, f.ns, f.abstract) ?? '';
  const preamble = PREAMBLE.exec(text);
  const idText = childText(item, f.ns, f.id)?.trim() || preamble?.[1] || '';
  const parsed = parseArxivId(idText);
  if (!parsed) return { reason: idText ? `invalid arXiv id "${idText}"` : 'missing id' };
  const announceType = cleanChildText(item, ARXIV_ATOM, 'announce_type') ?? preamble?.[2];
  if (!announceType) return { id: parsed.id, reason: 'missing announce type' };
  const title = cleanText(decodeTex(childText(item, f.ns, 'title') ?? ''));
  if (title === '') return { id: parsed.id, reason: 'missing title' };
  const version = parsed.version ?? (preamble ? parseArxivId(preamble[1]!)?.version : null);
  const categories: string[] = [];
  for (const el of children(item, f.ns, 'category')) {
    const term = (f.categoryTerm ? attr(el, 'term') : textOf(el))?.trim();
    if (term && !categories.includes(term)) categories.push(term);
  }
  const paper: NormalizedPaper = {
    id: parsed.id,
    title,
    abstract: cleanAbstract(decodeTex(preamble ? text.slice(preamble[0].length) : text)),
    authors: parseAuthorList(children(item, DC, 'creator').map(textOf).join(', ')),
    // The feed tells the version announced, not when it was submitted.
    versions: version ? [{ version, submittedAt: null }] : [],
    categories,
  };
  const license = cleanChildText(item, DC, 'rights');
  if (license) paper.license = license;
  return { paper, announceType };
}

function feedCategory(channel: XmlElement, f: Flavour): string | null {
  const url = childText(channel, f.ns, f.url);
  const fromUrl = url ? FEED_URL.exec(url)?.[1] : undefined;
  return fromUrl ?? FEED_TITLE.exec(cleanChildText(channel, f.ns, 'title') ?? '')?.[1] ?? null;
}

/** The listing day: the feed's own date, else its entries', else when it was last built; as a US Eastern date. */
function feedDay(channel: XmlElement, items: XmlElement[], f: Flavour): string | null {
  const candidates = [
    childText(channel, f.ns, f.date),
    ...items.map((item) => childText(item, f.ns, f.date)),
    childText(channel, f.ns, f.built),
  ];
  for (const text of candidates) {
    const iso = toIso(text?.trim());
    if (iso) return easternParts(new Date(iso)).date;
  }
  return null;
}
