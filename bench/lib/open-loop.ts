// An open-loop load: requests sent at a fixed rate whatever the server's answers (arrivals do not wait for
// responses, as visitors do not), each request's latency counted from the moment it was due, not the moment it
// could be sent — so a server that falls behind is charged for the wait (no "coordinated omission"). autocannon's
// `overallRate` is closed-loop (each connection waits for its answer) and sends each second's budget in a burst, which
// measures a queue of bursts, not a server with headroom.
import { Agent, request } from 'node:http';

export interface OpenLoopRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OpenLoopResult {
  rate: number;
  sent: number;
  /** Latencies, ms, from each request's due time to the end of its response. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

/** Sends `rate` requests a second for `seconds` to `base` (http://host:port), evenly spaced. */
export async function openLoop(
  base: string,
  rate: number,
  seconds: number,
  next: () => OpenLoopRequest,
): Promise<OpenLoopResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const one = (due: number): Promise<void> =>
    new Promise((resolve) => {
      const r = next();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: r.method ?? 'GET',
          path: r.path,
          agent,
          headers: {
            ...r.headers,
            ...(r.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(r.body)) }),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(one(due));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return {
    rate,
    sent: total,
    p50: at(0.5),
    p99: at(0.99),
    max: Math.round(latencies.at(-1) ?? 0),
    errors,
    non2xx,
  };
}
