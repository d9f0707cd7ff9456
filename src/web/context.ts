/** What every route handler gets: the store, the configuration and the clock. */
import type { Context } from 'hono';
import type { Store } from '../db/connect.js';
import type { Config } from '../config.js';
import type { ArxivClient } from '../ingest/http.js';
import type { SearchService } from '../search/service.js';

export interface Deps {
  store: Store;
  config: Config;
  /** the clock; tests pin it */
  now: () => Date;
  /** the process's one arXiv client (shared with the scheduler, so the rate limit holds across both); built from config when absent */
  arxiv?: ArxivClient;
  /** search and similar papers */
  search: SearchService;
}

export type AppEnv = { Variables: { nonce: string } };
export type Ctx = Context<AppEnv>;
