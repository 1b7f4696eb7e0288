// One request over undici's dispatch API with a handler of our own, instead of `request()`, which wraps every response
// in an AsyncResource and a Readable stream: on a 304 (most of a crawl) that was a sixth of the fetch's CPU. Here a
// 304, a redirect or an error status costs one handler and one promise; only a 2xx body gets a reader.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface RawResponse {
  status: number;
  /** As undici parses them: lower-case names, a repeated header as an array. */
  headers: IncomingHttpHeaders;
  /**
   * A 2xx body as it arrives (still encoded), to read once or destroy. Other statuses have none: their bodies are
   * read and dropped.
   */
  body?: ResponseBody;
}

/** Bytes a slow reader may leave waiting before undici stops reading the socket. */
const HIGH_WATER = 64 * 1024;
/**
 * Bytes of a non-2xx body (redirect, error page) read and dropped so the connection can serve the next request; past
 * this the connection is closed instead, as undici's own `body.dump()` did.
 */
const DROP_LIMIT = 128 * 1024;

/**
 * Sends one request and settles with the response once its headers are in. A request the signal aborts rejects at
 * once (with the signal's reason) and its connection is closed; so does a body that is being read.
 */
export function exchange(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: AbortSignal | undefined,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    dispatcher.dispatch(options, new ResponseHandler(resolve, reject, signal));
  });
}

/**
 * undici's controller-based handler (`onRequestStart` … `onResponseError`): the non-deprecated one, and measured as
 * cheap as the legacy `onHeaders`/`onData` one although undici parses the headers into an object for it.
 */
class ResponseHandler implements Dispatcher.DispatchHandler {
  #resolve: ((response: RawResponse) => void) | undefined;
  #reject: (error: Error) => void;
  #signal: AbortSignal | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #body: ResponseBody | undefined;
  #dropped = 0;

  constructor(
    resolve: (response: RawResponse) => void,
    reject: (error: Error) => void,
    signal?: AbortSignal,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    if (signal !== undefined) {
      this.#signal = signal;
      signal.addEventListener('abort', this, { once: true });
    }
  }

  /** Called each time undici writes the request (again, if a pipelined connection failed under it). */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Aborted while waiting for a connection: the promise has been rejected already; stop the request here.
    if (this.#signal?.aborted === true) controller.abort(abortReason(this.#signal));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (status < 200) return; // 1xx informational: the real response follows
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#resolve = undefined;
    if (status >= 300) {
      resolve({ status, headers });
      return;
    }
    this.#body = new ResponseBody(controller);
    resolve({ status, headers, body: this.#body });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#body !== undefined) {
      this.#body.push(chunk);
      return;
    }
    this.#dropped += chunk.byteLength;
    if (this.#dropped > DROP_LIMIT) controller.abort(new Error('dropped body too long: connection closed'));
  }

  onResponseEnd(): void {
    this.#body?.end();
    this.#finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
    this.#finish();
  }

  /**
   * The signal's abort listener: the handler itself (an EventListener object) rather than a closure per request, which
   * the TypeScript loader would also wrap to name it.
   */
  handleEvent(): void {
    const signal = this.#signal;
    if (signal === undefined) return;
    const reason = abortReason(signal);
    this.#fail(reason);
    this.#controller?.abort(reason);
  }

  /** Rejects the pending response, or errors the body being read; after that, errors are the dropped body's. */
  #fail(error: Error): void {
    if (this.#resolve !== undefined) {
      this.#resolve = undefined;
      this.#reject(error);
    } else {
      this.#body?.fail(error);
    }
  }

  #finish(): void {
    this.#signal?.removeEventListener('abort', this);
    this.#signal = undefined;
  }
}

/**
 * A 2xx body handed from undici's callbacks to one async reader, chunk by chunk. Backpressure: once HIGH_WATER
 * bytes wait unread the controller is paused, so undici reads no more from the socket (the kernel's buffers fill and
 * TCP slows the server) and its body timeout is suspended; the reader resumes it when it has taken everything.
 */
export class ResponseBody implements AsyncIterable<Uint8Array> {
  readonly #controller: Dispatcher.DispatchController;
  readonly #chunks: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;

  constructor(controller: Dispatcher.DispatchController) {
    this.#controller = controller;
  }

  /** True once the body arrived whole or failed: destroying it then closes nothing. */
  get settled(): boolean {
    return this.#ended || this.#error !== undefined;
  }

  push(chunk: Buffer): void {
    if (this.#error !== undefined) return;
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#queued >= HIGH_WATER) this.#controller.pause();
    this.#wakeReader();
  }

  end(): void {
    this.#ended = true;
    this.#wakeReader();
  }

  /** Errors the reader at its next read; chunks still queued are dropped. */
  fail(error: Error): void {
    if (this.settled) return;
    this.#error = error;
    this.#chunks.length = 0;
    this.#queued = 0;
    this.#wakeReader();
  }

  /** Gives the body up: unless it arrived whole, the connection is closed (the rest of the body is never read). */
  destroy(reason?: Error): void {
    if (this.settled) return;
    // Only now: an Error is costly to build (its stack), and most calls come after the body has arrived whole.
    const error = reason ?? new Error('response body given up');
    this.fail(error);
    this.#controller.abort(error);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.#error !== undefined) throw this.#error;
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) {
          this.#queued -= chunk.byteLength;
          yield chunk;
        } else if (this.#ended) {
          return;
        } else if (this.#controller.paused) {
          // Everything queued has been read: let undici read again (it may push chunks before this returns).
          this.#controller.resume();
        } else {
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
        }
      }
    } finally {
      this.destroy(); // a reader that stops early frees the connection
    }
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('the fetch was aborted', 'AbortError');
}
