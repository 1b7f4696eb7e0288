// The slice of autocannon's API the web benchmark uses (the package ships no types).
declare module 'autocannon' {
  interface Percentiles {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }
  /** One request as autocannon builds it; `setupRequest` may return a changed copy (a new URL per request). */
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
  }
  interface AutocannonOptions {
    url: string;
    requests?: AutocannonRequest[];
    connections?: number;
    duration?: number;
    pipelining?: number;
    headers?: Record<string, string>;
    workers?: number;
  }
  interface AutocannonResult {
    latency: Percentiles;
    requests: Percentiles & { total: number; sent: number };
    throughput: Percentiles & { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  export default autocannon;
}
