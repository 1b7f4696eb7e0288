// Writes a realistic, deterministic podcast feed of a requested size: RSS 2.0 with itunes:, podcast: and
// content:encoded HTML show notes, the way big real feeds (daily shows with a decade of back catalogue) look.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { prng as rng } from '../../test/support/random.ts';

const WORDS =
  'history labor soviet miner record productivity campaign factory coal archive interview listener episode research guest story century war empire trade science music culture river city museum letter diary famous forgotten strange greatest'.split(
    ' ',
  );
const HOSTS = ['Tracy V. Wilson', 'Holly Frey', 'Ada Müller', 'Jean-Luc Ørsted', 'Zoë Ramírez'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function rfc822(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} GMT`;
}

function header(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>The Generated Back Catalogue &amp; Friends</title>
<link>https://bench.example/show/</link>
<atom:link href="https://bench.example/feed.xml" rel="self" type="application/rss+xml"/>
<description>A generated daily history show used to benchmark feed parsers.</description>
<language>en-us</language>
<itunes:author>Bench Media</itunes:author>
<itunes:type>episodic</itunes:type>
<itunes:explicit>false</itunes:explicit>
<itunes:image href="https://bench.example/cover.jpg"/>
<itunes:category text="History"/>
<itunes:owner><itunes:name>Bench Media</itunes:name><itunes:email>feeds@bench.example</itunes:email></itunes:owner>
<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
<podcast:locked owner="feeds@bench.example">yes</podcast:locked>
<podcast:funding url="https://bench.example/support">Support the show</podcast:funding>
<podcast:person role="host">Tracy V. Wilson</podcast:person>
`;
}

function item(i: number, r: () => number): string {
  const words = (n: number) =>
    Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  const date = new Date(Date.UTC(2024, 0, 22, 8) - i * 86_400_000);
  const seconds = 900 + Math.floor(r() * 5400);
  const hms = `${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  const id = `ep-${i}-${Math.floor(r() * 1e9).toString(36)}`;
  const research = Array.from(
    { length: 6 + Math.floor(r() * 10) },
    (_, k) =>
      `<li>${words(4)}. “${words(6)}.” Encyclopedia, ${1 + k} Jan. 2023, <a href="https://research.example/${id}/${k}?q=${words(1)}&amp;p=${k}">https://research.example/${id}/${k}</a></li>`,
  ).join('\n');
  const host = HOSTS[i % HOSTS.length] ?? 'Host';
  return `<item>
<title>${words(3)} &amp; the ${words(2)} (Part ${(i % 3) + 1})</title>
<guid isPermaLink="false">${id}</guid>
<link>https://bench.example/episodes/${id}/</link>
<pubDate>${rfc822(date)}</pubDate>
<description>${words(30)} &lt;a href="https://bench.example/privacy"&gt;privacy&lt;/a&gt;</description>
<content:encoded><![CDATA[<p>${words(40)}</p>
<p>Research:</p>
<ul>
${research}
</ul>
<p>See <a href="https://omnystudio.example/listener">omnystudio.example/listener</a> for privacy information.</p>]]></content:encoded>
<enclosure url="https://cdn.bench.example/audio/${id}.mp3?aid=rss_feed&amp;feed=bench" length="${seconds * 16000}" type="audio/mpeg"/>
<itunes:duration>${i % 2 === 0 ? hms : String(seconds)}</itunes:duration>
<itunes:episode>${i + 1}</itunes:episode>
<itunes:season>${1 + Math.floor(i / 365)}</itunes:season>
<itunes:episodeType>full</itunes:episodeType>
<itunes:explicit>${i % 7 === 0 ? 'yes' : 'no'}</itunes:explicit>
<itunes:image href="https://bench.example/art/${id}.jpg"/>
<podcast:transcript url="https://bench.example/transcripts/${id}.vtt" type="text/vtt" language="en"/>
<podcast:chapters url="https://bench.example/chapters/${id}.json" type="application/json+chapters"/>
<podcast:person role="guest" href="https://bench.example/people/${i % 97}">${host}</podcast:person>
<podcast:season name="Year ${1 + Math.floor(i / 365)}">${1 + Math.floor(i / 365)}</podcast:season>
<podcast:episode>${i + 1}</podcast:episode>
</item>
`;
}

/** Write a feed of at least `bytes` bytes to `path`; returns the item count and the size written. */
export async function generateFeed(path: string, bytes: number): Promise<{ items: number; bytes: number }> {
  const out = createWriteStream(path);
  const r = rng(20240122);
  let written = 0;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(header());
  let items = 0;
  const footer = '</channel>\n</rss>\n';
  while (written + footer.length < bytes) await write(item(items++, r));
  await write(footer);
  out.end();
  await once(out, 'finish');
  return { items, bytes: written };
}
