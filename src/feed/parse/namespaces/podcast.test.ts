import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { corpusDir, corpusPath, NO_CORPUS } from '../../../../test/support/corpus.ts';
import { parseFeed } from '../index.ts';
import { podcastHandler } from './podcast.ts';
import { runHandler } from './testdata/raw-elements.ts';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'testdata', name), 'utf8');
const FEED_URL = 'https://pc.example/feed.xml';

describe('podcastHandler on RawElements (podcast-tags.xml, old GitHub namespace URI, odd prefix)', () => {
  const run = runHandler(podcastHandler, fixture('podcast-tags.xml'), FEED_URL);
  const { feed } = run;
  const [ep, bad] = run.items;
  const messages = run.problems.map((p) => `${p.code}: ${p.message}`);
  const hasProblem = (code: string, text: string): boolean =>
    run.problems.some((p) => p.code === code && p.message.includes(text));

  test('identity, lock, block and medium', () => {
    assert.equal(feed.podcastGuid, '0f5b4f6e-5a1e-5c4e-9f1e-3c3f0b6e2a11');
    assert.deepEqual(feed.locked, { locked: true, owner: 'owner@pc.example' });
    assert.equal(feed.block, false);
    assert.deepEqual(feed.blockedServices, ['spotify'], 'only services with "yes", lowercased');
    assert.equal(feed.medium, 'musicL');
  });

  test('persons: defaults host/cast, lowercased, URLs resolved; a nameless person is reported', () => {
    assert.deepEqual(feed.persons, [
      {
        name: 'Ann Anchor',
        role: 'host',
        group: 'cast',
        img: 'https://pc.example/img/ann.jpg',
        href: 'https://ann.example/',
      },
      { name: 'Bob Default', role: 'host', group: 'cast' },
    ]);
    assert.ok(hasProblem('invalid-value', 'person> has no name'));
    assert.deepEqual(ep?.persons, [
      { name: 'Gail Guest', role: 'guest', group: 'writing', href: 'https://guest.example/' },
    ]);
  });

  test('funding, social interactions, txt', () => {
    assert.deepEqual(feed.funding, [
      { url: 'https://pc.example/donate', label: 'Buy us a coffee' },
      { url: 'https://pc.example/patreon' },
    ]);
    assert.ok(run.problems.some((p) => p.code === 'bad-url' && p.message.includes('mailto:')));
    assert.deepEqual(feed.socialInteract, [
      {
        protocol: 'activitypub',
        uri: 'https://social.example/@pc/1',
        accountId: '@pc',
        accountUrl: 'https://social.example/@pc',
        priority: 1,
      },
      { protocol: 'atproto', uri: 'at://did:plc:abc/app.bsky.feed.post/1' },
    ]);
    assert.ok(hasProblem('bad-number', 'priority="high"'));
    assert.deepEqual(ep?.socialInteract, [{ protocol: 'disabled' }]);
    assert.deepEqual(feed.txt, [
      { text: 'S6lpp-7ZCn8-dZfGc-OoyaG', purpose: 'verify' },
      { text: 'free text' },
    ]);
    assert.deepEqual(ep?.txt, [{ text: 'none', purpose: 'ai-content' }]);
  });

  test('podroll, remoteItem, publisher', () => {
    assert.deepEqual(feed.podroll, [
      { feedGuid: '917393e3-1b1e-5cef-ace4-edaa54e1f810', feedUrl: 'https://feeds.example/pc20.xml' },
    ]);
    assert.ok(hasProblem('invalid-value', 'remoteItem> has no feedGuid'));
    assert.deepEqual(feed.remoteItems, [
      {
        feedGuid: 'aaaaaaaa-1b1e-5cef-ace4-edaa54e1f810',
        itemGuid: 'track-1',
        medium: 'music',
        title: 'Song One',
      },
    ]);
    assert.deepEqual(feed.publisher, {
      feedGuid: '000000a0-aaa5-bbbf-b765-6333d449661a',
      feedUrl: 'https://publisher.example/feed.xml',
      medium: 'publisher',
    });
  });

  test('location, license, update frequency, trailer, podping, chat', () => {
    assert.deepEqual(feed.location, {
      name: 'Paris',
      rel: 'creator',
      geo: 'geo:48.8566,2.3522',
      osm: 'R7444',
      country: 'FR',
    });
    assert.deepEqual(feed.license, {
      name: 'cc-by-4.0',
      url: 'https://creativecommons.org/licenses/by/4.0/',
    });
    assert.deepEqual(feed.updateFrequency, {
      text: 'Every Monday',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      dtstart: '2023-01-02T08:00:00.000Z',
      complete: false,
    });
    assert.deepEqual(feed.trailers, [
      {
        title: 'Season two is coming',
        url: 'https://pc.example/trailer.mp3',
        pubdate: '2021-04-01T13:00:00.000Z',
        length: 12345678,
        type: 'audio/mpeg',
        season: 2,
      },
    ]);
    assert.ok(hasProblem('invalid-value', 'trailer> needs a url and a title'));
    assert.equal(feed.podping, true);
    assert.deepEqual(feed.chat, {
      server: 'irc.example.net',
      protocol: 'irc',
      accountId: '@pc',
      space: '#pc',
    });
    assert.deepEqual(ep?.license, { name: 'cc-by-sa-4.0' });
    assert.deepEqual(ep?.location, { name: 'Somewhere' }, 'a bad geo is dropped, the name kept');
    assert.ok(hasProblem('invalid-value', 'geo="north pole"'));
  });

  test('value blocks: recipients with splits, fee, custom keys; time splits with remote items and recipients', () => {
    assert.deepEqual(feed.value, {
      type: 'lightning',
      method: 'keysend',
      suggested: '0.00000005000',
      recipients: [
        { type: 'node', address: '02aaa', split: 90, name: 'Host', customKey: '7629169', customValue: 'abc' },
        { type: 'node', address: '03bbb', split: 10, name: 'App', fee: true },
      ],
    });
    assert.ok(hasProblem('bad-number', 'split="lots"'));
    assert.deepEqual(ep?.value?.timeSplits, [
      {
        startTime: 60,
        duration: 237.5,
        remoteStartTime: 174,
        remotePercentage: 95,
        remoteItem: {
          feedGuid: 'a2a5a46b-0fdd-5327-bb98-5b7a2981bedc',
          itemGuid: '016f763a-0185-5216-8e95-2b3f6282cf53',
        },
      },
      {
        startTime: 400,
        duration: 30,
        recipients: [{ type: 'node', address: '03ddd', split: 100, name: 'Guest' }],
      },
    ]);
    assert.ok(hasProblem('invalid-value', 'valueTimeSplit> needs startTime and duration'));
  });

  test('images: podcast:image with its attributes, deprecated srcset, bad values reported', () => {
    assert.deepEqual(feed.images, [
      {
        href: 'https://pc.example/art-3000.png',
        alt: 'Show art',
        aspectRatio: '1/1',
        width: 3000,
        height: 3000,
        type: 'image/png',
        purpose: 'artwork',
      },
      { href: 'https://pc.example/a-1500.jpg', width: 1500 },
      { href: 'https://pc.example/a-600.jpg', width: 600 },
    ]);
    assert.ok(hasProblem('invalid-value', 'image> has no href'));
    assert.deepEqual(ep?.images, [{ href: 'https://pc.example/100.png' }]);
    assert.ok(hasProblem('bad-number', 'width="wide"'));
  });

  test('season with name, decimal episode with display', () => {
    assert.equal(ep?.season, 2);
    assert.equal(ep?.seasonName, 'The Beginning');
    assert.equal(ep?.episode, 100.5);
    assert.equal(ep?.episodeDisplay, 'Ch. 100½');
    assert.equal(bad?.season, undefined);
    assert.equal(bad?.episode, undefined);
    assert.ok(hasProblem('bad-number', 'season> "zero"'));
    assert.ok(hasProblem('bad-number', 'episode> "-1"'));
  });

  test('transcripts: language defaults to the channel, types inferred from the extension, unknown ones dropped', () => {
    assert.deepEqual(ep?.transcripts, [
      { url: 'https://pc.example/100.vtt', type: 'text/vtt', language: 'fr', rel: 'captions' },
      { url: 'https://pc.example/100.srt', type: 'application/srt', language: 'en' },
      { url: 'https://pc.example/100.json', type: 'application/json', language: 'fr' },
    ]);
    assert.ok(hasProblem('invalid-value', '100.bin'));
  });

  test('chapters, soundbites, funding and content links on an item', () => {
    assert.deepEqual(ep?.chapters, {
      url: 'https://pc.example/100-chapters.json',
      type: 'application/json+chapters',
    });
    assert.equal(bad?.chapters, undefined);
    assert.ok(hasProblem('invalid-value', 'chapters> has no url'));
    assert.deepEqual(ep?.soundbites, [{ startTime: 73, duration: 60.5, title: 'The best minute' }]);
    assert.ok(hasProblem('bad-number', 'duration must be above 0'));
    assert.ok(hasProblem('bad-number', 'startTime="abc"'));
    assert.deepEqual(ep?.funding, [{ url: 'https://pc.example/ep-fund', label: 'Fund this one' }]);
    assert.deepEqual(ep?.contentLinks, [{ href: 'https://video.example/100', text: 'Video' }]);
  });

  test('alternate enclosures keep every source (ipfs too) and their integrity', () => {
    assert.deepEqual(ep?.alternateEnclosures, [
      {
        type: 'audio/opus',
        sources: [
          { uri: 'https://pc.example/100.opus', contentType: 'audio/opus' },
          { uri: 'ipfs://QmHash100' },
        ],
        length: 32400000,
        bitrate: 96000.5,
        lang: 'en',
        title: 'High quality',
        rel: 'hq',
        codecs: 'opus',
        default: true,
        integrity: { type: 'sri', value: 'sha384-abc' },
      },
    ]);
    assert.ok(hasProblem('bad-number', 'height="0"'));
    assert.ok(
      run.problems.some((p) => p.code === 'bad-url' && p.message.includes('javascript:')),
      'a javascript: source is refused, not kept',
    );
    assert.ok(hasProblem('invalid-value', 'alternateEnclosure> has no usable podcast:source'));
  });

  test('liveItem: status, start and end, item content; a bad status drops it with a problem', () => {
    assert.equal(feed.liveItems?.length, 1);
    const live = feed.liveItems?.[0];
    assert.equal(live?.status, 'live');
    assert.equal(live?.start, '2021-09-26T13:30:00.000Z');
    assert.equal(live?.end, '2021-09-26T15:30:00.000Z');
    assert.equal(live?.title, 'Live now');
    assert.equal(live?.guid, 'live-1');
    assert.equal(live?.enclosure?.url, 'https://pc.example/live.mp3');
    assert.ok(hasProblem('invalid-value', 'status="soon"'));
  });

  test('nothing threw: every problem names its tag', () => {
    for (const m of messages) assert.match(m, /<podcast:|URL/, m);
  });
});

describe('podcast-tags.xml through parseFeed (the registry routes the old GitHub namespace URI here)', () => {
  const result = parseFeed({ body: new TextEncoder().encode(fixture('podcast-tags.xml')), url: FEED_URL });
  const ep = result.episodes.find((e) => e.guid === 'ep-100.5');

  test('channel and item fields reach the output', () => {
    assert.equal(result.feed.podcastGuid, '0f5b4f6e-5a1e-5c4e-9f1e-3c3f0b6e2a11');
    assert.equal(result.feed.medium, 'musicL');
    assert.equal(ep?.episode, 100.5);
    assert.equal(ep?.transcripts?.[0]?.language, 'fr', 'the channel language is the transcript default');
    assert.equal(ep?.alternateEnclosures?.[0]?.sources.length, 2);
  });

  test('a live item gets its podcast: children through the item helpers', () => {
    const live = result.feed.liveItems?.[0];
    assert.deepEqual(live?.persons, [{ name: 'Lou Live', role: 'guest', group: 'cast' }]);
    assert.deepEqual(live?.contentLinks, [{ href: 'https://video.example/live', text: 'Watch here' }]);
    assert.equal(result.feed.liveItems?.length, 1);
  });

  test('bad values are problems, not failures', () => {
    const codes = new Set(result.problems.map((p) => p.code));
    for (const code of ['invalid-value', 'bad-number', 'bad-url'] as const) assert.ok(codes.has(code), code);
    assert.equal(result.episodes.length, 2);
  });
});

const corpusFeed = (relative: string) => {
  const file = corpusPath(relative);
  const body = readFileSync(file);
  return { xml: body.toString('utf8'), result: parseFeed({ body, url: 'https://example.com/feed.xml' }) };
};
const noCorpus = (relative: string): string | false =>
  corpusDir === undefined ? NO_CORPUS : existsSync(corpusPath(relative)) ? false : `${relative} is absent`;

describe('the Podcasting 2.0 reference example (podcast-namespace/example.xml) through parseFeed', {
  skip: noCorpus('feeds/podcast-namespace/example.xml'),
}, () => {
  const { result } = corpusFeed('feeds/podcast-namespace/example.xml');
  const { feed } = result;
  const ep3 = result.episodes.find((e) => e.guid === 'https://example.com/ep0003');
  const ep2 = result.episodes.find((e) => e.guid === 'https://example.com/ep0002');

  test('channel: guid, license, lock, block, funding, location, medium', () => {
    assert.equal(feed.podcastGuid, 'y0ur-gu1d-g035-h3r3');
    assert.deepEqual(feed.license, {
      name: 'my-podcast-license-v1',
      url: 'https://example.org/mypodcastlicense/full.pdf',
    });
    assert.deepEqual(feed.locked, { locked: true, owner: 'podcastowner@example.com' });
    assert.equal(feed.block, true);
    assert.equal(feed.blockedServices, undefined, 'google and amazon are "no"');
    assert.deepEqual(feed.funding, [{ url: 'https://example.com/donate', label: 'Support the show!' }]);
    assert.deepEqual(feed.location, {
      name: 'Austin, TX',
      rel: 'creator',
      geo: 'geo:30.2672,97.7431',
      osm: 'R113314',
      country: 'US',
    });
    assert.equal(feed.medium, 'podcast');
    assert.equal(feed.podping, true);
  });

  test('channel: images, value split, trailer, chat, publisher, podroll', () => {
    assert.equal(feed.images?.length, 4);
    assert.deepEqual(feed.images?.[1], {
      href: 'https://example.com/images/show/pci_avatar-massive_1200x630.webp',
      alt: 'image description for accesibility and bots',
      aspectRatio: '1.9',
      width: 1200,
      height: 630,
      type: 'image/webp',
      purpose: 'social',
    });
    assert.deepEqual(
      feed.value?.recipients.map((r) => [r.name, r.split]),
      [
        ['podcaster', 99],
        ['hosting company', 1],
      ],
    );
    assert.deepEqual(feed.trailers, [
      {
        title: 'Coming April 1st, 2021',
        url: 'https://example.org/trailers/teaser',
        pubdate: '2021-04-01T13:00:00.000Z',
        length: 12345678,
        type: 'audio/mp3',
      },
    ]);
    assert.deepEqual(feed.chat, {
      server: 'example.com',
      protocol: 'matrix',
      accountId: '@bob:example.com',
      space: '#general:example.com',
    });
    assert.equal(feed.publisher?.feedGuid, '000000a0-aaa5-bbbf-b765-6333d449661a');
    assert.equal(feed.publisher?.medium, 'publisher');
    assert.deepEqual(
      feed.podroll?.map((r) => r.feedGuid),
      ['917393e3-1b1e-5cef-ace4-edaa54e1f810', '396d9ae0-da7e-5557-b894-b606231fa3ea'],
    );
  });

  test('the live item', () => {
    const live = feed.liveItems?.[0];
    assert.equal(feed.liveItems?.length, 1);
    assert.equal(live?.status, 'live');
    assert.equal(live?.start, '2021-09-26T13:30:00.000Z');
    assert.equal(live?.end, '2021-09-26T15:30:00.000Z');
    assert.equal(live?.title, 'Podcasting 2.0 Live Show');
    assert.equal(live?.guid, 'https://example.com/live');
    assert.deepEqual(live?.contentLinks, [
      { href: 'https://www.youtube.com/pc20/livestream', text: 'YouTube!' },
      { href: 'https://www.twitch.tv/pc20/livestream', text: 'Twitch!' },
    ]);
    assert.equal(live?.alternateEnclosures?.[0]?.sources[0]?.uri, 'https://example.com/pc20/livestream');
  });

  test('episode 3: season, episode, chapters, soundbite, transcripts, persons', () => {
    assert.equal(ep3?.season, 1);
    assert.equal(ep3?.seasonName, 'Podcasting 2.0');
    assert.equal(ep3?.episode, 3);
    assert.deepEqual(ep3?.chapters, {
      url: 'https://example.com/ep3_chapters.json',
      type: 'application/json',
    });
    assert.deepEqual(ep3?.soundbites, [{ startTime: 33.833, duration: 60 }]);
    assert.deepEqual(ep3?.transcripts, [
      { url: 'https://example.com/ep3/transcript.txt', type: 'text/plain', language: 'en-US' },
      {
        url: 'https://example.com/episode1/transcript.vtt',
        type: 'text/vtt',
        language: 'es',
        rel: 'captions',
      },
    ]);
    assert.deepEqual(
      ep3?.persons?.map((p) => [p.name, p.role, p.group]),
      [
        ['Adam Curry', 'host', 'cast'],
        ['Dave Jones', 'guest', 'cast'],
        ['Becky Smith', 'cover art designer', 'visuals'],
      ],
    );
    assert.equal(ep3?.persons?.[0]?.img, 'https://example.com/images/adamcurry.jpg');
  });

  test('episode 3: alternate enclosures, value, social interactions, location', () => {
    assert.equal(ep3?.alternateEnclosures?.length, 5);
    assert.deepEqual(
      ep3?.alternateEnclosures?.[0]?.sources.map((s) => s.uri),
      ['https://example.com/file-03.mp3', 'ipfs://someRandomMpegFile03'],
    );
    const video = ep3?.alternateEnclosures?.[4];
    assert.equal(video?.type, 'video/mp4');
    assert.equal(video?.height, 720);
    assert.equal(video?.bitrate, 511276.52);
    assert.deepEqual(video?.integrity, {
      type: 'sri',
      value: 'sha384-ExVqijgYHm15PqQqdXfW95x+Rs6C+d6E/ICxyQOeFevnxNLR/wtJNrNYTjIysUBo',
    });
    assert.deepEqual(
      ep3?.value?.recipients.map((r) => r.split),
      [49, 1, 50],
    );
    assert.deepEqual(
      ep3?.socialInteract?.map((s) => [s.protocol, s.priority, s.accountId]),
      [
        ['activitypub', 1, '@dave'],
        ['twitter', 2, '@podcastindexorg'],
      ],
    );
    assert.equal(ep3?.location?.name, 'Birmingham Civil Rights Museum');
    assert.equal(ep2?.location?.name, 'Marlow', 'the first of two locations');
  });
});

describe('a real Podcasting 2.0 feed (partytime real-world/themnshow.xml) through parseFeed', {
  skip: noCorpus('feeds/partytime/real-world/themnshow.xml'),
}, () => {
  const { xml, result } = corpusFeed('feeds/partytime/real-world/themnshow.xml');
  const { feed } = result;

  test('every item arrives', () => {
    assert.equal(result.episodes.length, xml.match(/<item>/g)?.length);
  });

  test('channel tags as written in the file', () => {
    assert.equal(
      feed.podcastGuid,
      '7a2d292c-8656-5fcf-88d2-31b10e54d7c7',
      'old GitHub namespace URI matched',
    );
    assert.deepEqual(feed.locked, { locked: false, owner: 'mike@mikeneumann.show' });
    assert.equal(feed.block, false);
    assert.equal(feed.blockedServices?.length, 11);
    assert.ok(feed.blockedServices?.includes('spotify') && feed.blockedServices.includes('apple'));
    assert.deepEqual(feed.updateFrequency, {
      text: 'Biweekly on Saturdays',
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA',
    });
    assert.deepEqual(feed.persons, [
      {
        name: 'Mike Neumann',
        role: 'host',
        group: 'cast',
        img: 'https://mikeneumann.show/assets/static/MNeumann.jpeg',
        href: 'https://mikeneumann.net/',
      },
    ]);
    assert.deepEqual(
      feed.value?.recipients.map((r) => [r.name, r.split]),
      [
        ['mikeneumann@fountain.fm', 65],
        ['Podcastindex.org', 5],
        ['Tim Jurgensen', 25],
        ['Sovereign Feeds', 5],
      ],
    );
    assert.equal(feed.value?.recipients[0]?.customKey, '906608');
    assert.deepEqual(feed.funding, [
      { url: 'https://www.buymeacoffee.com/mikeneumann', label: 'Support the show! You know you want to!' },
    ]);
    assert.equal(feed.trailers?.length, 2);
    assert.equal(feed.trailers?.[1]?.season, 1);
    assert.equal(feed.podroll?.length, 5);
    assert.equal(feed.liveItems?.[0]?.status, 'ended');
  });

  test('episode 54: persons, transcript, chapters, season name, alternate enclosures', () => {
    const ep = result.episodes.find((e) => e.guid === 'ab86b7b7-79e2-43f4-9f58-8d2584b103ec');
    assert.equal(ep?.episode, 54);
    assert.equal(ep?.episodeDisplay, 'Social Media');
    assert.equal(ep?.seasonName, 'Breakfasts with Dr. Tim');
    assert.deepEqual(
      ep?.persons?.map((p) => [p.name, p.role]),
      [['Dr. Timothy M. Jurgensen', 'guest']],
    );
    assert.deepEqual(ep?.transcripts, [
      {
        url: 'https://mikeneumann.show/assets/static/themnshow054-20240914-DRAFT-transcript.srt',
        type: 'application/x-subrip',
        language: 'EN',
        rel: 'captions',
      },
    ]);
    assert.equal(ep?.chapters?.type, 'application/json+chapters');
    assert.equal(ep?.alternateEnclosures?.length, 2);
  });

  test('episode 53: a value time split pointing at a remote item, and a fee recipient', () => {
    const ep = result.episodes.find((e) => e.guid === '32b8f150-5771-47d6-9f89-9177761f0f4e');
    assert.deepEqual(ep?.value?.recipients[0], {
      name: 'Sovereign Feeds',
      type: 'node',
      address: '035ad2c954e264004986da2d9499e1732e5175e1dcef2453c921c6cdcc3536e9d8',
      split: 10,
      fee: true,
    });
    assert.deepEqual(ep?.value?.timeSplits?.at(-1), {
      startTime: 3988.47683,
      duration: 218.932245,
      remotePercentage: 95,
      remoteItem: {
        feedGuid: 'a2a5a46b-0fdd-5327-bb98-5b7a2981bedc',
        itemGuid: '016f763a-0185-5216-8e95-2b3f6282cf53',
      },
    });
  });
});
