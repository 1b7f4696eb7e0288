import { notFound } from './errors.ts';

/** Path ids are positive integers; anything else is a page that does not exist (404), not a bad request. */
export function parseId(raw: string, what: string): number {
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw notFound(`No such ${what}.`);
  return Number(raw);
}
