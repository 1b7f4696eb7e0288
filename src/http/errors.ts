// Typed HTTP failures. Handlers throw these; one error handler maps them to a page or JSON.

export type HttpErrorCode =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'rate-limited'
  | 'unsupported-media-type';

const STATUS: Record<HttpErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'rate-limited': 429,
  'unsupported-media-type': 415,
};

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what = 'This page does not exist.'): HttpError => new HttpError('not-found', what);
export const badRequest = (message: string): HttpError => new HttpError('bad-request', message);

export function codeForStatus(status: number): HttpErrorCode {
  for (const [code, s] of Object.entries(STATUS)) {
    // Object.entries loses the key type; the keys are exactly HttpErrorCode.
    if (s === status) return code as HttpErrorCode;
  }
  return 'bad-request';
}
