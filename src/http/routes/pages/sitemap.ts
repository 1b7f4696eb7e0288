// /sitemap.xml for crawlers: a sitemap index of pages of at most 50,000 URLs. Page n of a kind covers the public ids
// in (n·50,000, (n+1)·50,000], read by keyset from the store, so every page costs the same; private shows (and
// their episodes) are never listed. `sitemaps/browse.xml` lists the catalogue's pages and its public categories.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PublicEntry, PublicIdsQuery } from '../../../store/ports.ts';
import { notFound } from '../../errors.ts';
import { episodeHref, showHref } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { categoryHref } from './browse.ts';

/** The sitemap protocol's limit of URLs per file. */
export const SITEMAP_PAGE = 50_000;

const XML_HEADERS = {
  'content-type': 'application/xml; charset=utf-8',
  'cache-control': 'no-cache',
};

const KINDS = ['shows', 'episodes'] as const;
type Kind = (typeof KINDS)[number];

const xmlEscape = (s: string): string =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

function lastmod(e: PublicEntry): string {
  if (!e.lastModified) return '';
  const d = new Date(e.lastModified);
  return Number.isNaN(d.getTime()) ? '' : `<lastmod>${d.toISOString()}</lastmod>`;
}

export function registerSitemap(app: FastifyInstance, web: WebApp): void {
  const { store } = web.deps;
  /** The catalogue's own pages: /shows, /categories, /new and every category with a public show. */
  const browseSitemap = async (req: FastifyRequest, reply: FastifyReply) => {
    const base = web.baseUrl(req);
    const categories = await store.browse.categoryCounts({});
    const paths = ['/shows', '/categories', '/new', ...categories.map((c) => categoryHref(c.slug))];
    const urls = paths.map((p) => `<url><loc>${xmlEscape(`${base}${p}`)}</loc></url>`);
    return reply
      .headers(XML_HEADERS)
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  };
  const source: Record<
    Kind,
    { list(q: PublicIdsQuery): Promise<PublicEntry[]>; max(): Promise<number>; href(id: number): string }
  > = {
    shows: { list: (q) => store.shows.listPublic(q), max: () => store.shows.maxPublicId(), href: showHref },
    episodes: {
      list: (q) => store.episodes.listPublic(q),
      max: () => store.episodes.maxPublicId(),
      href: episodeHref,
    },
  };
  app.get('/sitemap.xml', async (req, reply) => {
    const base = web.baseUrl(req);
    const entries: string[] = [`<sitemap><loc>${xmlEscape(`${base}/sitemaps/browse.xml`)}</loc></sitemap>`];
    for (const kind of KINDS) {
      const max = await source[kind].max();
      const pages = Math.ceil(max / SITEMAP_PAGE);
      for (let n = 0; n < pages; n++) {
        entries.push(`<sitemap><loc>${xmlEscape(`${base}/sitemaps/${kind}-${n}.xml`)}</loc></sitemap>`);
      }
    }
    return reply
      .headers(XML_HEADERS)
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</sitemapindex>\n`,
      );
  });

  app.get<{ Params: { name: string } }>('/sitemaps/:name', async (req, reply) => {
    if (req.params.name === 'browse.xml') return browseSitemap(req, reply);
    const m = /^(shows|episodes)-(\d{1,6})\.xml$/.exec(req.params.name);
    if (!m) throw notFound();
    const kind = m[1] as Kind;
    const n = Number(m[2]);
    const src = source[kind];
    if (n * SITEMAP_PAGE >= (await src.max())) throw notFound();
    const entries = await src.list({
      afterId: n * SITEMAP_PAGE,
      throughId: (n + 1) * SITEMAP_PAGE,
      limit: SITEMAP_PAGE,
    });
    const base = web.baseUrl(req);
    const urls = entries.map(
      (e) => `<url><loc>${xmlEscape(`${base}${src.href(e.id)}`)}</loc>${lastmod(e)}</url>`,
    );
    return reply
      .headers(XML_HEADERS)
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`,
      );
  });
}
