// HTTP Basic credentials, as every sync client sends them.
import { SyncError } from './errors.ts';

export interface BasicCredentials {
  username: string;
  password: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Parses an `Authorization: Basic …` header. Answers undefined when the header is absent or another scheme;
 * throws SyncError('bad-credentials') when it claims Basic but is malformed. The pair is decoded as UTF-8, falling
 * back to latin-1 (what older urllib versions send).
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*basic\s+(\S*)\s*$/i.exec(header);
  if (m === null) return undefined;
  const b64 = m[1] ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64 === '') {
    throw new SyncError('bad-credentials', 'malformed Basic credentials');
  }
  const bytes = Buffer.from(b64, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SyncError('bad-credentials', 'Basic credentials need user:password');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The header value a client sends; used by tests and the replay client. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The challenge urllib needs before it sends credentials (protocols.md §1.1). */
export const BASIC_CHALLENGE = 'Basic realm="gpodder"';
