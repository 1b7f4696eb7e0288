// Sources as data (issue 16): an episode's source list for its page and as BibTeX / CSL-JSON downloads, and a source's
// page listing the episodes that cite it, as far as this visitor may see them (private shows are left out).
import type { FastifyInstance } from 'fastify';
import { toBibtex, toCslJson } from '../../../citations/export.ts';
import type { EpisodeCitation } from '../../../domain/citation.ts';
import type { Audience, Store } from '../../../store/ports.ts';
import type { SourceReach } from '../../../store/source-ports.ts';
import { type EpisodeSourcesModel, sourcePage } from '../../../views/sources.ts';
import { notFound } from '../../errors.ts';
import { parseId } from '../../ids.ts';
import { episodeHref, showHref } from '../../present.ts';
import type { WebApp } from '../../server.ts';
import { audienceOf, visibleEpisode } from '../../visibility.ts';

export const sourceHref = (id: number): string => `/sources/${id}`;

/**
 * The episode page's source list: each citation with its source and where else the visitor can see it cited.
 * `read`: what the episode page already read with the episode (its citations, and their reach for an anonymous
 * visitor); a signed-in visitor's reach is asked for, since it counts the private shows they follow.
 */
export async function episodeSources(
  store: Store,
  episodeId: number,
  audience: Audience,
  read?: { citations: readonly EpisodeCitation[]; publicReach: readonly SourceReach[] },
): Promise<EpisodeSourcesModel | undefined> {
  const cited = read?.citations ?? (await store.sources.forEpisode(episodeId));
  if (cited.length === 0) return undefined;
  const reach =
    read !== undefined && audience.userId === undefined && audience.isAdmin !== true
      ? read.publicReach
      : await store.sources.reach(
          cited.map((c) => c.sourceId),
          { exceptEpisodeId: episodeId, audience },
        );
  const bySource = new Map(reach.map((r) => [r.sourceId, r]));
  return {
    items: cited.map((c) => {
      const r = bySource.get(c.sourceId);
      return {
        citation: c.citation,
        sourceHref: sourceHref(c.sourceId),
        ...(r !== undefined && r.episodes > 0 ? { alsoCited: { episodes: r.episodes, shows: r.shows } } : {}),
      };
    }),
    bibtexHref: `${episodeHref(episodeId)}/sources.bib`,
    cslJsonHref: `${episodeHref(episodeId)}/sources.csl.json`,
  };
}

export function registerSourcePages(app: FastifyInstance, web: WebApp): void {
  const { store } = web.deps;

  app.get<{ Params: { id: string } }>('/sources/:id', async (req, reply) => {
    const cached = web.fromCache(req, reply);
    if (cached) return cached;
    const id = parseId(req.params.id, 'source');
    const source = await store.sources.get(id);
    if (!source) throw notFound('No such source.');
    const citing = await store.sources.citingEpisodes(id, { audience: audienceOf(req), limit: 200 });
    // A source cited only in shows this visitor may not see does not exist for them.
    if (citing.episodeCount === 0) throw notFound('No such source.');
    return web.sendPage(
      reply,
      sourcePage(web.pageContext(req), {
        citation: source.citation,
        episodeCount: citing.episodeCount,
        showCount: citing.showCount,
        episodes: citing.episodes.map((e) => ({
          href: episodeHref(e.episodeId),
          title: e.episodeTitle ?? 'Untitled episode',
          showHref: showHref(e.showId),
          showTitle: e.showTitle ?? 'Untitled show',
          ...(e.publishedAt ? { publishedAt: e.publishedAt } : {}),
        })),
      }),
      200,
      { cache: true },
    );
  });

  app.get<{ Params: { id: string } }>('/episodes/:id/sources.bib', async (req, reply) => {
    const id = parseId(req.params.id, 'episode');
    await visibleEpisode(store, id, audienceOf(req));
    const cited = await store.sources.forEpisode(id);
    return reply
      .header('content-type', 'application/x-bibtex; charset=utf-8')
      .header('content-disposition', `attachment; filename="episode-${id}-sources.bib"`)
      .send(
        toBibtex(
          cited.map((c) => c.citation),
          `earshot-${id}`,
        ),
      );
  });

  app.get<{ Params: { id: string } }>('/episodes/:id/sources.csl.json', async (req, reply) => {
    const id = parseId(req.params.id, 'episode');
    await visibleEpisode(store, id, audienceOf(req));
    const cited = await store.sources.forEpisode(id);
    return reply
      .header('content-type', 'application/vnd.citationstyles.csl+json; charset=utf-8')
      .header('content-disposition', `attachment; filename="episode-${id}-sources.json"`)
      .send(
        JSON.stringify(
          toCslJson(
            cited.map((c) => c.citation),
            `earshot-${id}`,
          ),
        ),
      );
  });
}
