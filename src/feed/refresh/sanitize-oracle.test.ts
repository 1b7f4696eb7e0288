// sanitize-html (a devDependency, never shipped) as an oracle for sanitize.ts on feedparser's 745 sanitizer cases
// (../shared/corpus/feeds/feedparser/wellformed/sanitize): both are given the same markup and the same allowlist,
// and what ours keeps must never be less safe than what the oracle keeps. The outputs are compared as parsed
// markup (elements, attributes, text), not as strings, so harmless differences (attribute order, quoting,
// escaping, self-closing syntax) do not count; keeping less than the oracle is allowed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../test/support/corpus.ts';
import { parseCorpusFile } from '../../../test/support/oracles.ts';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_SCHEMES,
  ALLOWED_TAGS,
  IMAGE_SCHEMES,
  LINK_REL,
  NON_TEXT_TAGS,
  sanitizeShowNotes,
} from './sanitize.ts';

const CASES_DIR = 'feeds/feedparser/wellformed/sanitize';

/** sanitize-html configured with sanitize.ts's own allowlist, and the rel / loading attributes ours sets. */
const ORACLE: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: Object.fromEntries([...ALLOWED_ATTRIBUTES].map(([tag, names]) => [tag, [...names]])),
  allowedSchemes: [...ALLOWED_SCHEMES],
  allowedSchemesByTag: { img: [...IMAGE_SCHEMES] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  nonTextTags: [...NON_TEXT_TAGS],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
  },
};

interface Markup {
  /** `tag` and `tag[name=value]` for every element and attribute kept. */
  kept: Set<string>;
  /** The text, whitespace collapsed. */
  text: string;
  elements: { tag: string; attribs: Record<string, string> }[];
}

function markupOf(html: string): Markup {
  const kept = new Set<string>();
  const elements: Markup['elements'] = [];
  let text = '';
  const parser = new Parser(
    {
      onopentag(tag, attribs) {
        elements.push({ tag, attribs });
        kept.add(tag);
        for (const [name, value] of Object.entries(attribs)) kept.add(`${tag}[${name}=${value}]`);
      },
      ontext(t) {
        text += t;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return { kept, text: text.replace(/\s+/g, ' ').trim(), elements };
}

/** Elements of a case that hold markup: the text constructs of RSS and Atom, in any namespace. */
const MARKUP_HOLDERS = new Set([
  'title',
  'subtitle',
  'tagline',
  'info',
  'copyright',
  'content',
  'summary',
  'description',
  'body',
  'fullitem',
  'content:encoded',
  'xhtml:body',
]);

/**
 * The markup a case gives a sanitizer: the show notes our parser reads from it (what ingest sanitises), and the
 * markup of every text construct of the feed (feedparser sanitises titles, subtitles and the like as well), escaped
 * (`&lt;b&gt;`, CDATA) or inline (XHTML child elements).
 */
function inputsOf(relative: string): string[] {
  const inputs = new Set<string>();
  const outcome = parseCorpusFile(relative);
  if (outcome.kind === 'parsed') {
    for (const episode of outcome.result.episodes)
      if (episode.contentHtml !== undefined) inputs.add(episode.contentHtml);
  }
  const source = readFileSync(corpusPath(relative), 'utf8');
  const open: { name: string; text: string; start: number; hasChild: boolean }[] = [];
  const xml: Parser = new Parser(
    {
      onopentag(name) {
        const parent = open.at(-1);
        if (parent !== undefined) parent.hasChild = true;
        open.push({ name, text: '', start: xml.endIndex + 1, hasChild: false });
      },
      ontext(t) {
        const current = open.at(-1);
        if (current !== undefined) current.text += t;
      },
      onclosetag(name) {
        const element = open.pop();
        if (element === undefined || !MARKUP_HOLDERS.has(name)) return;
        if (element.hasChild) inputs.add(source.slice(element.start, xml.startIndex));
        else if (element.text.includes('<')) inputs.add(element.text);
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  xml.end(source);
  assert.equal(open.length, 0, `${relative}: the case file is not well-formed XML`);
  return [...inputs];
}

/** Elements that run, embed or submit something; never kept, whatever the allowlist says. */
const DANGEROUS_TAGS = new Set([
  ...['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet'],
  ...['form', 'input', 'button', 'select', 'textarea', 'link', 'meta', 'base', 'svg', 'math'],
]);

/** What a browser would run or fetch: such elements, event handlers, style, and URLs of other schemes. */
function dangers({ elements }: Markup): string[] {
  const found: string[] = [];
  for (const { tag, attribs } of elements) {
    if (DANGEROUS_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const [name, value] of Object.entries(attribs)) {
      if (/^on/i.test(name) || name === 'style') found.push(`${tag}[${name}]`);
      if (!['href', 'src', 'cite'].includes(name)) continue;
      // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip these in a URL
      const url = value.replace(/[\x00-\x20]+/g, '');
      const scheme = /^([a-z][a-z0-9.+-]*):/i.exec(url)?.[1]?.toLowerCase();
      const safe = tag === 'img' ? ['http', 'https'] : ['http', 'https', 'mailto'];
      if ((scheme !== undefined && !safe.includes(scheme)) || /^[/\\]{2}/.test(url))
        found.push(`${tag}[${name}=${value}]`);
    }
  }
  return found;
}

test('sanitize.ts keeps nothing sanitize-html strips, on feedparser’s 745 sanitizer cases', {
  skip: corpusDir === undefined ? NO_CORPUS : false,
}, () => {
  const files = readdirSync(corpusPath(CASES_DIR))
    .filter((f) => f.endsWith('.xml'))
    .sort();
  assert.equal(files.length, 745, 'feedparser’s sanitizer cases');
  const failures: string[] = [];
  let inputs = 0;
  let identical = 0;
  let stricter = 0;
  for (const file of files) {
    const relative = `${CASES_DIR}/${file}`;
    const cases = inputsOf(relative);
    if (cases.length === 0) failures.push(`${file}: no markup found to sanitise`);
    for (const html of cases) {
      inputs++;
      const ours = markupOf(sanitizeShowNotes(html) ?? '');
      const theirs = markupOf(sanitizeHtml(html, ORACLE));
      const where = `${file}: ${JSON.stringify(html.slice(0, 120))}`;
      for (const danger of dangers(ours)) failures.push(`${where}\n    ours keeps ${danger}`);
      for (const key of ours.kept)
        if (!theirs.kept.has(key)) failures.push(`${where}\n    ours keeps ${key}; sanitize-html does not`);
      // Text a script-like element held (dropped with it by the oracle) must not come back as text in ours.
      if (!theirs.text.includes(ours.text))
        failures.push(
          `${where}\n    ours keeps text ${JSON.stringify(ours.text)}; sanitize-html keeps ${JSON.stringify(theirs.text)}`,
        );
      if (ours.kept.size === theirs.kept.size && ours.text === theirs.text) identical++;
      else stricter++;
    }
  }
  console.log(
    `sanitize oracle: ${files.length} cases, ${inputs} inputs: ${identical} kept the same as sanitize-html, ${stricter} kept less; ${failures.length} where ours keeps more`,
  );
  assert.deepEqual(failures, []);
});
