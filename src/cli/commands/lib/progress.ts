// Progress for long CLI work: a redrawn bar on a terminal, one plain line per item otherwise,
// one JSON object per line with --json (for scripts). Items that fail are always printed in full.

export type ProgressMode = 'tty' | 'plain' | 'json';

export interface ProgressItem {
  /** What the item is (usually a feed URL). */
  label: string;
  ok: boolean;
  /** One line: "12 new episodes", "not modified", the failure reason. */
  detail?: string;
  /** Extra fields for --json only. */
  data?: Record<string, unknown>;
}

export interface Progress {
  /** Total is known late sometimes (OPML parsed after start). */
  setTotal(total: number): void;
  item(item: ProgressItem): void;
  /** Prints the summary line (or JSON object) and returns the counts. */
  done(summary?: Record<string, unknown>): { ok: number; failed: number };
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  json?: boolean;
  total?: number;
  /** Verb for the summary line: "refreshed", "added". */
  verb?: string;
  /** Injected clock for redraw throttling. */
  now?: () => number;
}

export function progressMode(options: Pick<ProgressOptions, 'stream' | 'json'>): ProgressMode {
  if (options.json === true) return 'json';
  return options.stream.isTTY === true ? 'tty' : 'plain';
}

export function createProgress(options: ProgressOptions): Progress {
  const mode = progressMode(options);
  const out = options.stream;
  const now = options.now ?? Date.now;
  const verb = options.verb ?? 'done';
  let total = options.total;
  let ok = 0;
  let failed = 0;
  let lastDraw = 0;
  let barShown = false;

  const width = (): number => Math.max(40, Math.min(out.columns ?? 80, 120));

  function clearBar(): void {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  }

  function drawBar(label: string, force = false): void {
    const t = now();
    if (!force && t - lastDraw < 80) return;
    lastDraw = t;
    const n = ok + failed;
    const counts = total === undefined ? `${n}` : `${n}/${total}`;
    const fails = failed > 0 ? ` (${failed} failed)` : '';
    const barWidth = 24;
    const filled =
      total === undefined || total === 0 ? 0 : Math.round((barWidth * Math.min(n, total)) / total);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
    const head = `${bar} ${counts}${fails} `;
    const room = width() - head.length - 1;
    const tail = label.length > room ? `…${label.slice(label.length - room + 1)}` : label;
    out.write(`\r\x1b[2K${head}${tail}`);
    barShown = true;
  }

  return {
    setTotal(n) {
      total = n;
    },
    item(item) {
      if (item.ok) ok++;
      else failed++;
      const line = `${item.ok ? 'ok  ' : 'FAIL'} ${item.label}${item.detail === undefined ? '' : `  ${item.detail}`}`;
      if (mode === 'json') {
        out.write(
          `${JSON.stringify({ label: item.label, ok: item.ok, ...(item.detail === undefined ? {} : { detail: item.detail }), ...item.data })}\n`,
        );
      } else if (mode === 'plain') {
        out.write(`${line}\n`);
      } else {
        if (!item.ok) {
          clearBar();
          out.write(`${line}\n`);
        }
        drawBar(item.label, !item.ok);
      }
    },
    done(summary = {}) {
      if (mode === 'json') {
        out.write(`${JSON.stringify({ summary: true, ok, failed, ...summary })}\n`);
      } else {
        clearBar();
        const extra = Object.entries(summary)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ');
        out.write(
          `${verb} ${ok}${failed > 0 ? `, ${failed} failed` : ''}${extra === '' ? '' : ` (${extra})`}\n`,
        );
      }
      return { ok, failed };
    },
  };
}
