/**
 * `serve`: open and migrate the store, load the sample into an empty catalog, start the
 * scheduler and the HTTP server, and shut all of it down cleanly on SIGINT/SIGTERM.
 */
import { serve as serveNode } from '@hono/node-server';
import type { Config } from './config.js';
import { openStore } from './db/connect.js';
import { migrate } from './db/migrations.js';
import { createApp } from './web/app.js';
import { loadSampleIfEmpty } from './sample.js';
import { startScheduler, type Scheduler } from './jobs/scheduler.js';
import { arxivClientFor } from './ingest/jobs.js';
import { UserError } from './errors.js';
import { refreshTrending } from './feed/trending.js';
import { SearchService } from './search/service.js';
import { searchRoot } from './search/paths.js';
import { readEmbeddingConfig } from './search/embed/index.js';
import { dirname } from 'node:path';
import { logger } from './log.js';

const log = logger('serve');

export async function serve(config: Config): Promise<void> {
  const store = await openStore(config.databaseUrl);
  await migrate(store);
  if (config.loadSample) await loadSampleIfEmpty(store, config.calendar);
  await refreshTrending(store, new Date());
  const root = searchRoot(config.databaseUrl);
  const search = await SearchService.open(store, { root, embeddings: readEmbeddingConfig(process.env, { dataDir: dirname(root) }) });
  search.start();
  const shutdown = new AbortController();
  const arxiv = arxivClientFor(config, shutdown.signal);
  const app = createApp({ store, config, now: () => new Date(), arxiv, search });
  let scheduler: Scheduler | null = null;
  if (config.schedule) scheduler = startScheduler({ store, config, client: arxiv });

  const server = serveNode({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError('port_in_use', `Port ${config.port} is already in use. Stop the other program or choose another port with PORT or --port.`)
          : err.code === 'EACCES'
            ? new UserError('port_denied', `Not allowed to listen on port ${config.port}. Use a port above 1023.`)
            : err,
      );
    });
  });
  log.info(`Daily Papers at ${config.baseUrl} (listening on ${config.host}:${config.port}, database ${store.label})`);

  const stop = async (signal: string) => {
    log.info(`${signal}: shutting down`);
    shutdown.abort();
    scheduler?.stop();
    server.close();
    await search.close().catch((err: unknown) => log.error(`closing the search index failed: ${String(err)}`));
    await store.close().catch(() => {});
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
