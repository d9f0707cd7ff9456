/**
 * The scheduler inside `serve`: the daily ingest after each arXiv announcement. Every job here is
 * also a CLI command (`dailypapers ingest daily`), so cron can replace the daemon.
 *
 * arXiv announces Sunday to Thursday at 20:00 US Eastern and its feeds are rebuilt around
 * midnight Eastern, so the ingest runs at 00:30 Eastern, Monday to Friday, in arXiv's own time
 * zone (DST handled by the cron library). On start, a missed ingest is caught up once.
 *
 * Offline: one log line saying so and when the next attempt is; no retries until then.
 */
import { Cron } from 'croner';
import type { Store } from '../db/connect.js';
import type { Config } from '../config.js';
import { ARXIV_TIME_ZONE, latestListingDay } from '../papers/calendar.js';
import { getIngestState } from '../papers/repository.js';
import { ingestDaily, type JobDeps } from '../ingest/jobs.js';
import type { ArxivClient } from '../ingest/http.js';
import { NetworkUnavailableError } from '../ingest/http.js';
import { acquireLease, releaseLease } from './leases.js';
import { refreshTrending } from '../feed/trending.js';
import { errorMessage } from '../errors.js';
import { logger } from '../log.js';

const log = logger('scheduler');
export const DAILY_INGEST_CRON = '30 0 * * 1-5';
/** Trending scores decay with time: recomputed every ten minutes (and after each ingest). */
export const TRENDING_CRON = '*/10 * * * *';
const LEASE_MS = 60 * 60 * 1000;

export interface Scheduler {
  stop(): void;
  /** when the daily ingest runs next */
  nextRun(): Date | null;
  /** runs the daily ingest now (the start-up catch-up uses this too) */
  runDaily(): Promise<void>;
}

export function startScheduler(deps: { store: Store; config: Config; client: ArxivClient; now?: () => Date }): Scheduler {
  const now = deps.now ?? (() => new Date());
  let running = false;
  const jobDeps: JobDeps = { store: deps.store, config: deps.config, client: deps.client, now };

  const runDaily = async () => {
    if (running) return;
    running = true;
    try {
      if (!(await acquireLease(deps.store, 'daily-ingest', LEASE_MS, now()))) {
        log.info('daily ingest is running on another instance; skipping here');
        return;
      }
      try {
        const r = await ingestDaily(jobDeps);
        log.info('daily ingest done', { inserted: r.inserted, updated: r.updated, errors: r.errors.length });
      } finally {
        await releaseLease(deps.store, 'daily-ingest');
      }
    } catch (err) {
      const next = cron.nextRun()?.toISOString() ?? 'never';
      if (err instanceof NetworkUnavailableError) log.warn(`${err.message} The daily ingest will try again at ${next}.`);
      else log.error(`daily ingest failed: ${errorMessage(err)}; next attempt at ${next}`);
    } finally {
      running = false;
    }
  };

  const cron = new Cron(DAILY_INGEST_CRON, { timezone: ARXIV_TIME_ZONE, protect: true }, async () => {
    await runDaily();
    await runTrending();
  });
  // Every instance may refresh: the result is the same, and it is cheap.
  const runTrending = async () => {
    try {
      await refreshTrending(deps.store, now());
    } catch (err) {
      log.error(`trending refresh failed: ${errorMessage(err)}`);
    }
  };
  const trendingCron = new Cron(TRENDING_CRON, { protect: true }, runTrending);
  void runTrending();
  // Catch up once if the latest announcement has not been ingested yet.
  const catchUp = setTimeout(async () => {
    try {
      const last = await getIngestState<{ at: string }>(deps.store, 'daily:last');
      const latest = latestListingDay(now(), deps.config.calendar);
      if (!last || last.at.slice(0, 10) < latest) await runDaily();
    } catch (err) {
      log.error(`catch-up check failed: ${errorMessage(err)}`);
    }
  }, 5_000);
  catchUp.unref();
  log.info(`daily ingest of ${deps.config.categories.join(' ')} scheduled`, { next: cron.nextRun()?.toISOString() });
  return {
    stop: () => {
      clearTimeout(catchUp);
      cron.stop();
      trendingCron.stop();
    },
    nextRun: () => cron.nextRun(),
    runDaily,
  };
}
