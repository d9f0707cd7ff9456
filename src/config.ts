/**
 * One typed configuration, read from the environment (and CLI flags, which win), validated
 * up front so a mistake is one clear message at start, not a failure later.
 */
import { UserError } from './errors.js';
import type { Calendar } from './papers/calendar.js';

export interface Config {
  /** HTTP port for `serve` */
  port: number;
  /** interface to bind */
  host: string;
  /** sqlite file path or postgres:// URL, as given */
  databaseUrl: string;
  /** public base URL of this instance (links in feeds, emails, canonical tags) */
  baseUrl: string;
  /** name shown on the site and sent to arXiv in the User-Agent */
  instanceName: string;
  /** contact address sent to arXiv in the User-Agent (their terms ask for one) */
  contactEmail: string;
  /** categories the scheduled daily ingest fetches */
  categories: string[];
  calendar: Calendar;
  /** run the ingest schedule inside `serve` */
  schedule: boolean;
  /** load the bundled sample into an empty database on first start */
  loadSample: boolean;
  arxiv: {
    apiUrl: string;
    oaiUrl: string;
    rssUrl: string;
    /** minimum milliseconds between two requests to arXiv (their terms: 3 s) */
    minIntervalMs: number;
    timeoutMs: number;
    maxRetries: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export type Env = Record<string, string | undefined>;

export const DEFAULT_CATEGORIES = ['cs.AI', 'cs.CL', 'cs.CV', 'cs.LG'];
export const DEFAULT_DATABASE = './data/dailypapers.db';

/** Reads the configuration from the environment and flag overrides; throws UserError on bad values. */
export function loadConfig(env: Env = process.env, flags: Partial<Record<string, string>> = {}): Config {
  const get = (flag: string, name: string): string | undefined => flags[flag] ?? env[name];
  const port = parseIntIn(get('port', 'PORT') ?? '8080', 'PORT', 0, 65535);
  const host = get('host', 'HOST') ?? '0.0.0.0';
  const baseUrl = (get('base-url', 'BASE_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
    throw new UserError('bad_config', `BASE_URL must be an http(s) URL such as https://papers.example.org, not "${baseUrl}".`);
  }
  const categories = splitList(get('categories', 'CATEGORIES')) ?? DEFAULT_CATEGORIES;
  for (const c of categories) {
    if (!/^[a-z-]+(\.[A-Za-z-]+)?$/.test(c)) {
      throw new UserError('bad_config', `CATEGORIES: "${c}" is not an arXiv category (examples: cs.LG, math.CO, hep-th).`);
    }
  }
  const holidays = splitList(get('holidays', 'ARXIV_HOLIDAYS')) ?? [];
  for (const d of holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d))) {
      throw new UserError('bad_config', `ARXIV_HOLIDAYS: "${d}" is not a date (YYYY-MM-DD, comma-separated).`);
    }
  }
  const logLevel = (get('log-level', 'LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new UserError('bad_config', `LOG_LEVEL must be debug, info, warn or error, not "${logLevel}".`);
  }
  return {
    port,
    host,
    databaseUrl: get('database-url', 'DATABASE_URL') || DEFAULT_DATABASE,
    baseUrl,
    instanceName: get('instance-name', 'INSTANCE_NAME') ?? 'Daily Papers',
    contactEmail: get('contact-email', 'CONTACT_EMAIL') ?? 'admin@localhost',
    categories,
    calendar: { holidays: new Set(holidays) },
    schedule: parseBool(get('schedule', 'SCHEDULE') ?? 'true', 'SCHEDULE'),
    loadSample: parseBool(get('sample', 'LOAD_SAMPLE') ?? 'true', 'LOAD_SAMPLE'),
    arxiv: {
      apiUrl: get('arxiv-api-url', 'ARXIV_API_URL') ?? 'https://export.arxiv.org/api/query',
      oaiUrl: get('arxiv-oai-url', 'ARXIV_OAI_URL') ?? 'https://oaipmh.arxiv.org/oai',
      rssUrl: get('arxiv-rss-url', 'ARXIV_RSS_URL') ?? 'https://rss.arxiv.org',
      minIntervalMs: parseIntIn(get('arxiv-interval-ms', 'ARXIV_MIN_INTERVAL_MS') ?? '3000', 'ARXIV_MIN_INTERVAL_MS', 0, 600_000),
      timeoutMs: parseIntIn(get('arxiv-timeout-ms', 'ARXIV_TIMEOUT_MS') ?? '60000', 'ARXIV_TIMEOUT_MS', 100, 600_000),
      maxRetries: parseIntIn(get('arxiv-retries', 'ARXIV_MAX_RETRIES') ?? '4', 'ARXIV_MAX_RETRIES', 0, 20),
    },
    logLevel,
  };
}

/** The User-Agent arXiv's terms ask for: the instance and a contact address. */
export function userAgent(config: Pick<Config, 'instanceName' | 'contactEmail' | 'baseUrl'>): string {
  return `DailyPapers/0.1 (${config.instanceName}; ${config.baseUrl}; mailto:${config.contactEmail})`;
}

function splitList(v: string | undefined): string[] | null {
  if (v === undefined || v.trim() === '') return null;
  return v.split(/[\s,]+/).filter(Boolean);
}

function parseIntIn(v: string, name: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new UserError('bad_config', `${name} must be a whole number from ${min} to ${max}, not "${v}".`);
  }
  return n;
}

function parseBool(v: string, name: string): boolean {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new UserError('bad_config', `${name} must be true or false, not "${v}".`);
}
