/** What every route handler gets: the store, the configuration and the clock. */
import type { Context } from 'hono';
import type { Store } from '../db/connect.js';
import type { Config } from '../config.js';

export interface Deps {
  store: Store;
  config: Config;
  /** the clock; tests pin it */
  now: () => Date;
}

export type AppEnv = { Variables: { nonce: string } };
export type Ctx = Context<AppEnv>;
