// The reference show (../shared/fixtures/reference-show): the parse must carry everything its README says a
// listener sees for "Stakhanovite Movement" — show title, date, duration, description, every research link,
// the privacy link, the hosts, the show's links — and the transcript of the older episode.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_CORPUS, sharedDir } from '../../../test/support/corpus.ts';
import { parseFeed } from './index.ts';
import type { ParseResult } from './types.ts';

const FEED_URL = 'https://reference.example/shows/symhc/feed.xml';
const ASSET_BASE = 'https://assets.reference.example/symhc';
const SHOW_PAGE = 'https://www.iheart.com/podcast/105-stuff-you-missed-in-histor-21124503/';

/** The research list of the episode page, in the order a listener reads it (URLs only; some entries have none). */
const RESEARCH_URLS = [
  'https://www.britannica.com/event/Holodomor',
  'https://www.britannica.com/topic/kulak',
  'https://www.britannica.com/place/Stakhanov',
  'https://www.britannica.com/place/Soviet-Union/Industrialization-1929-34',
  'https://www.britannica.com/biography/Lavrenty-Beria',
  'http://news.bbc.co.uk/2/hi/europe/6150746.stm',
  'https://www.britannica.com/event/Khrushchevs-secret-speech',
  'https://theconversation.com/how-a-soviet-miner-from-the-1930s-helped-create-todays-intense-corporate-workplace-culture-155814',
  'https://web.archive.org/web/20071016224729/http://www.time.com/time/magazine/article/0,9171,755449,00.html',
  'https://history.state.gov/milestones/1953-1960/khrushchev-20th-congress',
];
const RESEARCH_WITHOUT_URL = [
  'Kotkin, Stephen. “Stalin: Waiting for Hitler, 1929-1941.” Penguin. 2017.',
  'SIEGELBAUM, LEWIS H. “THE MAKING OF STAKHANOVITES, 1935-36.” Russian History, vol. 13, no. 2/3, 1986, pp. 259–92. JSTOR',
  'Davies, R. W., and Oleg Khlevnyuk. “Stakhanovism and the Soviet Economy.” Europe-Asia Studies, vol. 54, no. 6, 2002, pp. 867–903. JSTOR',
];
const DESCRIPTION =
  'In 1935, miner Alexei Stakhanov became a hero of labor in the Soviet Union, and the Stakhanovite movement began. But what was touted as an organic step forward to greater productivity by Stalin was truly a carefully planned PR effort.';

function parseReference(): ParseResult {
  if (sharedDir === undefined) throw new Error(NO_CORPUS);
  const xml = readFileSync(join(sharedDir, 'fixtures', 'reference-show', 'feed.xml'), 'utf8')
    .replaceAll('{{FEED_URL}}', FEED_URL)
    .replaceAll('{{ASSET_BASE}}', ASSET_BASE);
  return parseFeed({
    body: new TextEncoder().encode(xml),
    url: FEED_URL,
    contentType: 'application/rss+xml',
  });
}

const skip = sharedDir === undefined ? NO_CORPUS : false;

test('reference show: the show page a listener sees', { skip }, () => {
  const { feed, problems } = parseReference();
  assert.deepEqual(problems, [], 'a well-formed feed with guids has nothing to report');
  assert.equal(feed.format, 'rss');
  assert.equal(feed.title, 'Stuff You Missed in History Class');
  assert.equal(
    feed.description,
    'Join Holly and Tracy as they bring you the greatest and strangest Stuff You Missed In History Class in this podcast by iHeartRadio.',
  );
  // The show's links: its web page, the feed itself, its cover.
  assert.equal(feed.link, SHOW_PAGE);
  assert.equal(feed.selfUrl, FEED_URL);
  assert.equal(feed.imageUrl, `${ASSET_BASE}/cover.png`);
  assert.equal(feed.language, 'en-us');
  assert.equal(feed.author, 'iHeartPodcasts');
  assert.equal(feed.copyright, '2024 iHeartMedia, Inc.');
  assert.equal(feed.explicit, false);
  assert.equal(feed.type, 'episodic');
  assert.deepEqual(feed.categories, [{ name: 'History' }]);
  // The hosts.
  assert.deepEqual(feed.persons, [
    { name: 'Tracy V. Wilson', role: 'host', group: 'cast', href: SHOW_PAGE },
    { name: 'Holly Frey', role: 'host', group: 'cast', href: SHOW_PAGE },
  ]);
});

test('reference show: "Stakhanovite Movement" as its episode page shows it', { skip }, () => {
  const { episodes } = parseReference();
  assert.deepEqual(
    episodes.map((e) => e.title),
    ['Stakhanovite Movement', 'Unearthed in July 2017', 'Our Most Requested Episodes We Already Have'],
  );
  const ep = episodes[0];
  assert.ok(ep);
  assert.equal(ep.guid, 'stakhanovite-movement-144748124');
  assert.equal(ep.guidSource, 'guid');
  assert.equal(ep.link, `${SHOW_PAGE}episode/stakhanovite-movement-144748124/`);
  // January 22, 2024 — and the instant, in UTC.
  assert.ok(ep.publishedAt !== undefined && /Z$/.test(ep.publishedAt), `ISO UTC date, got ${ep.publishedAt}`);
  assert.equal(new Date(ep.publishedAt).toISOString(), '2024-01-22T08:00:00.000Z');
  // 34:16 → "34 mins".
  assert.equal(ep.durationSeconds, 34 * 60 + 16);
  assert.equal(ep.episodeType, 'full');
  assert.deepEqual(ep.enclosure, {
    url: `${ASSET_BASE}/stakhanovite-movement.mp3`,
    type: 'audio/mpeg',
    length: 32901120,
  });
  assert.equal(ep.description, DESCRIPTION);
  const html = ep.contentHtml ?? '';
  assert.ok(html.startsWith(`<p>${DESCRIPTION}</p>`), 'the notes open with the description');
  for (const url of RESEARCH_URLS) assert.ok(html.includes(url), `research link ${url} is in the notes`);
  for (const entry of RESEARCH_WITHOUT_URL)
    assert.ok(html.includes(entry), `research entry ${entry} is in the notes`);
  assert.equal(html.match(/<li>/g)?.length, 20, 'all 20 research entries');
  // The privacy link, as a clickable link.
  assert.ok(html.includes('<a href="https://omnystudio.com/listener">omnystudio.com/listener</a>'));
});

test('reference show: the older episodes, with durations in both forms and the transcript', { skip }, () => {
  const { episodes } = parseReference();
  const [, unearthed, requested] = episodes;
  assert.ok(unearthed && requested);
  assert.equal(unearthed.durationSeconds, 32 * 60);
  assert.equal(new Date(unearthed.publishedAt ?? '').toISOString(), '2017-07-03T08:00:00.000Z');
  assert.deepEqual(unearthed.transcripts, [
    { url: `${ASSET_BASE}/unearthed-in-july-2017.vtt`, type: 'text/vtt', language: 'en' },
  ]);
  assert.equal(unearthed.enclosure?.url, `${ASSET_BASE}/unearthed-in-july-2017.mp3`);
  // An HTML description: the notes keep the links; the summary is plain text.
  assert.ok(unearthed.contentHtml?.includes('<a href="https://omnystudio.com/listener">'));
  assert.ok(unearthed.description?.startsWith("It's time for another mid-year edition of Unearthed!"));
  assert.ok(unearthed.description?.includes('fresh Ötzi news!'));
  assert.ok(!/[<>]/.test(unearthed.description ?? ''), `plain-text summary, got ${unearthed.description}`);
  assert.equal(requested.durationSeconds, 2220);
  assert.equal(new Date(requested.publishedAt ?? '').toISOString(), '2015-12-14T08:00:00.000Z');
  assert.equal(requested.guid, 'our-most-requested-episodes-we-already-have-30207741');
});
