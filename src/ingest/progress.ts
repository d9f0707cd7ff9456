/**
 * Progress of a long job: a one-line bar with rate and ETA on a terminal, a plain line every
 * few seconds otherwise (logs, CI, `| tee`).
 */
export interface ProgressOptions {
  /** total units (bytes) when known */
  total: number | null;
  /** where to write; a TTY gets the bar */
  out?: NodeJS.WriteStream;
  /** seconds between plain lines when not a TTY */
  intervalSec?: number;
  now?: () => number;
  label?: string;
}

export interface Progress {
  /** done: units done so far (bytes); records: records processed so far */
  update(done: number, records: number): void;
  finish(records: number): void;
}

export function createProgress(opts: ProgressOptions): Progress {
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const tty = Boolean(out.isTTY);
  const interval = (opts.intervalSec ?? 10) * 1000;
  const start = now();
  let startDone: number | null = null;
  let last = start;
  const label = opts.label ?? 'import';

  const line = (done: number, records: number): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? records / elapsed : 0;
    const parts = [`${label}: ${records.toLocaleString('en-US')} records`, `${Math.round(rate).toLocaleString('en-US')}/s`];
    if (opts.total) {
      const fraction = Math.min(1, done / opts.total);
      const moved = done - (startDone ?? 0);
      const remaining = opts.total - done;
      const eta = moved > 0 && elapsed > 0 ? (remaining / moved) * elapsed : null;
      parts.unshift(`${(fraction * 100).toFixed(1).padStart(5)}%`);
      if (eta !== null) parts.push(`ETA ${formatDuration(eta)}`);
      if (tty) {
        const width = 24;
        const filled = Math.round(fraction * width);
        parts.unshift(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
      }
    }
    return parts.join('  ');
  };

  return {
    update(done, records) {
      startDone ??= done;
      const t = now();
      if (tty) {
        if (t - last < 200) return;
        last = t;
        out.write(`\r${line(done, records)}\x1b[K`);
      } else if (t - last >= interval) {
        last = t;
        out.write(`${line(done, records)}\n`);
      }
    },
    finish(records) {
      const text = line(opts.total ?? 0, records);
      out.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
