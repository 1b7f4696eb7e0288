// A tiny tagged-template HTML builder: everything interpolated is escaped unless it is SafeHtml.
// `html` returns SafeHtml, so templates nest without double escaping; `raw` marks trusted markup
// (only for strings that were sanitised at ingest or built by this module).

import { cutAt, MAX_DESCRIPTION_CHARS } from '../domain/limits.ts';

/**
 * No interpolated text is rendered longer than this (texts are capped at ingest; this also holds for rows stored
 * before those caps, or by any other path).
 */
export const MAX_RENDERED_TEXT_CHARS = MAX_DESCRIPTION_CHARS;

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

const SPECIAL = /[&<>"'`]/;

export function escapeHtml(text: string): string {
  // Most interpolated values (ids, dates, plain titles) need no escaping: skip the replace then.
  return SPECIAL.test(text) ? text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch) : text;
}

/** Marks markup as already safe. Use only for sanitised show notes or markup built here. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === undefined || value === null || value === false || value === true) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'string')
    return escapeHtml(
      value.length > MAX_RENDERED_TEXT_CHARS ? `${cutAt(value, MAX_RENDERED_TEXT_CHARS)}…` : value,
    );
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/** Joins fragments (escaping plain strings). */
export function join(parts: readonly unknown[], separator = ''): SafeHtml {
  return new SafeHtml(parts.map(render).join(render(separator)));
}
