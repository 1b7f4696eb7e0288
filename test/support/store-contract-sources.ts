// The sources contract (issue 16), run against SQLite and PostgreSQL alike by src/store/sources.test.ts: citations
// replaced per episode, one source per work across episodes and shows (DOI, ISBN, URL, title + container), and the
// citing episodes as far as an audience may see them.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Citation } from '../../src/domain/citation.ts';
import { createAccount } from '../../src/services/passwords.ts';
import type { Store } from '../../src/store/ports.ts';
import { listenerDbTest } from './store-contract-listeners.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');

const STAKHANOV: Citation = {
  text: 'Britannica, The Editors of Encyclopaedia. "Stakhanov". Encyclopedia Britannica, 10 Jun. 2008, https://www.britannica.com/place/Stakhanov',
  authors: ['The Editors of Encyclopaedia Britannica'],
  title: 'Stakhanov',
  container: 'Encyclopedia Britannica',
  date: '2008-06-10',
  url: 'https://www.britannica.com/place/Stakhanov',
};
const KNIGHT: Citation = {
  text: 'Knight, Amy. “Beria: Stalin’s First Lieutenant.” Princeton University Press. 1995.',
  authors: ['Amy Knight'],
  title: 'Beria: Stalin’s First Lieutenant',
  container: 'Princeton University Press',
  date: '1995',
};

async function show(
  store: Store,
  name: string,
  guids: string[],
): Promise<{ feedId: number; showId: number }> {
  const { feed } = await store.feeds.add(`https://feeds.example/${name}.xml`, T0);
  const { show } = await store.shows.upsert(feed.id, { format: 'rss', title: name }, T0);
  await store.episodes.upsertForShow(
    show.id,
    guids.map((guid) => ({ guid, guidSource: 'guid' as const, title: `${name} ${guid}` })),
    { now: T0, complete: true },
  );
  return { feedId: feed.id, showId: show.id };
}

async function episodeId(store: Store, showId: number, guid: string): Promise<number> {
  const page = await store.episodes.listForShow(showId, { limit: 100 });
  const id = page.items.find((e) => e.guid === guid)?.id;
  assert.ok(id !== undefined, `episode ${guid}`);
  return id;
}

export function sourcesContract(kind: 'sqlite' | 'postgres', options: { skip?: string } = {}): void {
  const t = listenerDbTest(kind, options);

  describe(`store contract (${kind}): sources`, () => {
    t(
      'an episode keeps its citations in order, each as read, and they are replaced as a whole',
      async ({ store }) => {
        const a = await show(store, 'a', ['1']);
        const ep = await episodeId(store, a.showId, '1');
        await store.sources.replaceForEpisodes(a.showId, [{ guid: '1', citations: [STAKHANOV, KNIGHT] }], T0);
        const cited = await store.sources.forEpisode(ep);
        assert.deepEqual(
          cited.map((c) => [c.position, c.citation]),
          [
            [0, STAKHANOV],
            [1, KNIGHT],
          ],
        );
        assert.deepEqual((await store.sources.get(cited[0]?.sourceId ?? 0))?.citation, STAKHANOV);
        await store.sources.replaceForEpisodes(a.showId, [{ guid: '1', citations: [KNIGHT] }], T0);
        assert.deepEqual(
          (await store.sources.forEpisode(ep)).map((c) => c.citation.title),
          [KNIGHT.title],
        );
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            { guid: '1', citations: [] },
            { guid: 'unknown', citations: [KNIGHT] },
          ],
          T0,
        );
        assert.deepEqual(await store.sources.forEpisode(ep), []);
      },
    );

    t(
      'one work is one source across episodes and shows, by URL, DOI or title and container',
      async ({ store }) => {
        const a = await show(store, 'a', ['1', '2']);
        const b = await show(store, 'b', ['1']);
        const sameUrl: Citation = {
          text: 'Stakhanov',
          title: 'Stakhanov',
          url: 'http://britannica.com/place/Stakhanov/',
        };
        const sameBook: Citation = {
          text: 'Knight',
          title: 'Beria: Stalin’s first lieutenant',
          container: 'Princeton University Press',
        };
        const other: Citation = { text: 'Other', title: 'Beria', container: 'Norton' };
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            { guid: '1', citations: [STAKHANOV, KNIGHT] },
            { guid: '2', citations: [sameUrl] },
          ],
          T0,
        );
        await store.sources.replaceForEpisodes(b.showId, [{ guid: '1', citations: [sameBook, other] }], T0);
        const first = await store.sources.forEpisode(await episodeId(store, a.showId, '1'));
        const second = await store.sources.forEpisode(await episodeId(store, a.showId, '2'));
        const third = await store.sources.forEpisode(await episodeId(store, b.showId, '1'));
        assert.equal(second[0]?.sourceId, first[0]?.sourceId);
        assert.equal(third[0]?.sourceId, first[1]?.sourceId);
        assert.notEqual(third[1]?.sourceId, first[1]?.sourceId);
        const doiA: Citation = { text: 'x', title: 'A paper', doi: '10.1000/XYZ' };
        const doiB: Citation = { text: 'y', title: 'A paper, reprinted', doi: '10.1000/xyz' };
        await store.sources.replaceForEpisodes(a.showId, [{ guid: '2', citations: [doiA] }], T0);
        await store.sources.replaceForEpisodes(b.showId, [{ guid: '1', citations: [doiB] }], T0);
        assert.equal(
          (await store.sources.forEpisode(await episodeId(store, a.showId, '2')))[0]?.sourceId,
          (await store.sources.forEpisode(await episodeId(store, b.showId, '1')))[0]?.sourceId,
        );
      },
    );

    t('the citing episodes and counts leave out shows the audience may not see', async (db) => {
      const { store } = db;
      const a = await show(store, 'a', ['1', '2']);
      const b = await show(store, 'b', ['1']);
      for (const [s, guid] of [
        [a, '1'],
        [a, '2'],
        [b, '1'],
      ] as const)
        await store.sources.replaceForEpisodes(s.showId, [{ guid, citations: [STAKHANOV] }], T0);
      await store.feeds.setVisibility(b.feedId, 'private');
      const sourceId =
        (await store.sources.forEpisode(await episodeId(store, a.showId, '1')))[0]?.sourceId ?? 0;
      const everyone = await store.sources.citingEpisodes(sourceId, { audience: {} });
      assert.equal(everyone.episodeCount, 2);
      assert.equal(everyone.showCount, 1);
      assert.deepEqual(new Set(everyone.episodes.map((e) => e.showId)), new Set([a.showId]));
      const follower = (
        await createAccount(db.listeners.users, { name: 'fan', password: 'a password, long enough' }, T0)
      ).id;
      await db.listeners.library.follow(follower, b.feedId, T0);
      const theirs = await store.sources.citingEpisodes(sourceId, { audience: { userId: follower } });
      assert.equal(theirs.episodeCount, 3);
      assert.equal(theirs.showCount, 2);
      const ep = await episodeId(store, a.showId, '1');
      assert.deepEqual(await store.sources.reach([sourceId], { exceptEpisodeId: ep, audience: {} }), [
        { sourceId, episodes: 1, shows: 1 },
      ]);
    });

    t(
      'the episode page\'s "also cited in" counts follow every change to the citations, visibility and catalogue',
      async ({ store }) => {
        const a = await show(store, 'a', ['1', '2', '3']);
        const b = await show(store, 'b', ['1', '2']);
        // a1 lists Stakhanov twice (an episode counts once) and Knight, which nobody else cites.
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            { guid: '1', citations: [STAKHANOV, KNIGHT, STAKHANOV] },
            { guid: '2', citations: [STAKHANOV] },
          ],
          T0,
        );
        await store.sources.replaceForEpisodes(b.showId, [{ guid: '1', citations: [STAKHANOV] }], T0);
        const a1 = await episodeId(store, a.showId, '1');
        const b1 = await episodeId(store, b.showId, '1');
        const [stakhanov, knight] = (await store.sources.forEpisode(a1)).map((c) => c.sourceId);
        assert.ok(stakhanov !== undefined && knight !== undefined);
        // What a visitor's page says, and the same from the citing episodes themselves (citingEpisodes lists them)
        // and from sources.reach.
        const page = async (id: number) =>
          ((await store.browse.episodePage(id))?.publicReach ?? []).sort((x, y) => x.sourceId - y.sourceId);
        const counted = async (id: number) => {
          const rows = [];
          for (const sourceId of new Set((await store.sources.forEpisode(id)).map((c) => c.sourceId))) {
            const { episodes } = await store.sources.citingEpisodes(sourceId, { audience: {}, limit: 100 });
            const others = episodes.filter((e) => e.episodeId !== id);
            if (others.length > 0)
              rows.push({
                sourceId,
                episodes: others.length,
                shows: new Set(others.map((e) => e.showId)).size,
              });
          }
          return rows.sort((x, y) => x.sourceId - y.sourceId);
        };
        const reach = async (id: number) =>
          (
            await store.sources.reach(
              (await store.sources.forEpisode(id)).map((c) => c.sourceId),
              { exceptEpisodeId: id, audience: {} },
            )
          ).sort((x, y) => x.sourceId - y.sourceId);
        const agree = async (id: number, expected: Array<[number, number, number]>, when: string) => {
          const shown = await page(id);
          assert.deepEqual(
            shown.map((r) => [r.sourceId, r.episodes, r.shows]),
            expected,
            when,
          );
          assert.deepEqual(shown, await counted(id), `${when}: as the citing episodes say`);
          assert.deepEqual(await reach(id), shown, `${when}: sources.reach`);
        };
        await agree(a1, [[stakhanov, 2, 2]], 'a2 and b1 cite it; Knight only here');
        await agree(b1, [[stakhanov, 2, 1]], 'a1 and a2, in one show');
        // a2's notes no longer cite it, a3's now do, b2's too.
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            { guid: '2', citations: [KNIGHT] },
            { guid: '3', citations: [STAKHANOV, STAKHANOV] },
          ],
          T0,
        );
        await store.sources.replaceForEpisodes(b.showId, [{ guid: '2', citations: [STAKHANOV] }], T0);
        await agree(b1, [[stakhanov, 3, 2]], 'a1, a3 and b2');
        await store.sources.replaceForEpisodes(a.showId, [{ guid: '3', citations: [] }], T0);
        await agree(
          a1,
          [
            [stakhanov, 2, 1],
            [knight, 1, 1],
          ],
          'b1 and b2; a2 cites Knight',
        );
        // A private show's citations are not told to visitors; public again, they are.
        await store.feeds.setVisibility(b.feedId, 'private');
        await agree(a1, [[knight, 1, 1]], 'b is private');
        await store.feeds.setVisibility(b.feedId, 'public');
        await agree(
          a1,
          [
            [stakhanov, 2, 1],
            [knight, 1, 1],
          ],
          'b is public again',
        );
        // The episodes gone with their feed: their citations no longer count.
        await store.feeds.remove(b.feedId);
        await agree(a1, [[knight, 1, 1]], 'b removed');
        await agree(await episodeId(store, a.showId, '2'), [[knight, 1, 1]], 'a2 cites Knight, as a1 does');
      },
    );

    t(
      'a search finds sources by the words of their reference line, as far as the audience may see',
      async (db) => {
        const { store } = db;
        const a = await show(store, 'a', ['1', '2']);
        const b = await show(store, 'b', ['1']);
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            { guid: '1', citations: [STAKHANOV, KNIGHT] },
            { guid: '2', citations: [STAKHANOV] },
          ],
          T0,
        );
        const secret: Citation = {
          text: 'Keeper, Mara. "Stakhanov and the lamp." Secret Press, 2020.',
          title: 'Stakhanov and the lamp',
        };
        await store.sources.replaceForEpisodes(b.showId, [{ guid: '1', citations: [secret] }], T0);
        await store.feeds.setVisibility(b.feedId, 'private');
        const found = async (query: string, audience = {}) =>
          (await store.sources.search(query, { limit: 10, audience })).map((h) => [
            h.source.citation.title,
            h.episodes,
          ]);
        // Most cited first; the private show's source is nobody else's business.
        assert.deepEqual(await found('stakhanov'), [[STAKHANOV.title, 2]]);
        assert.deepEqual(
          await found('BRITANNICA stakh'),
          [[STAKHANOV.title, 2]],
          'case; the last word as a prefix',
        );
        assert.deepEqual(
          await found('britannica stakhano'),
          [[STAKHANOV.title, 2]],
          'a last word longer than the prefix indexes, only begun',
        );
        assert.deepEqual(await found('princeton knight'), [[KNIGHT.title, 1]]);
        assert.deepEqual(await found('stakhanov knight'), [], 'every word, in one reference');
        assert.deepEqual(await found('*:" or 1=1 --'), [], 'nothing typed is query syntax');
        assert.deepEqual(await found(''), []);
        const admin = await found('stakhanov', { isAdmin: true });
        assert.deepEqual(new Set(admin.map((h) => h[0])), new Set([STAKHANOV.title, secret.title]));
        // A source's line changes with a fuller citation of it: the search follows.
        await store.sources.replaceForEpisodes(
          a.showId,
          [
            {
              guid: '2',
              citations: [
                { ...STAKHANOV, text: `${STAKHANOV.text} Accessed 5 May 2024.`, publisher: 'Britannica' },
              ],
            },
          ],
          T0,
        );
        assert.deepEqual(await found('accessed stakhanov'), [[STAKHANOV.title, 2]]);
      },
    );
  });
}
