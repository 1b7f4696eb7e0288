// /api/v1 for sources as data (issue 16): an episode's citations and a source with the episodes citing it, as far
// as the caller may see them (a private show's episodes are 404, and left out of a source's list).
import type { FastifyInstance } from 'fastify';
import type { Citation } from '../../domain/citation.ts';
import { notFound } from '../errors.ts';
import { parseId } from '../ids.ts';
import { episodeHref } from '../present.ts';
import type { WebApp } from '../server.ts';
import { audienceOf, visibleEpisode } from '../visibility.ts';
import { sourceHref } from './pages/sources.ts';

export interface EpisodeCitationJson {
  position: number;
  sourceId: number;
  /** The source's page. */
  url: string;
  citation: Citation;
}

export interface SourceJson {
  id: number;
  url: string;
  citation: Citation;
  citedBy: { episodes: number; shows: number };
  episodes: {
    id: number;
    showId: number;
    url: string;
    title?: string;
    showTitle?: string;
    publishedAt?: string;
  }[];
}

export function registerSourceApi(app: FastifyInstance, web: WebApp): void {
  const { store } = web.deps;

  app.get<{ Params: { id: string } }>('/api/v1/episodes/:id/sources', async (req) => {
    const id = parseId(req.params.id, 'episode');
    await visibleEpisode(store, id, audienceOf(req));
    const cited = await store.sources.forEpisode(id);
    const sources: EpisodeCitationJson[] = cited.map((c) => ({
      position: c.position,
      sourceId: c.sourceId,
      url: sourceHref(c.sourceId),
      citation: c.citation,
    }));
    return { episodeId: id, sources };
  });

  app.get<{ Params: { id: string } }>('/api/v1/sources/:id', async (req) => {
    const id = parseId(req.params.id, 'source');
    const source = await store.sources.get(id);
    if (!source) throw notFound('No such source.');
    const citing = await store.sources.citingEpisodes(id, { audience: audienceOf(req), limit: 200 });
    if (citing.episodeCount === 0) throw notFound('No such source.');
    const json: SourceJson = {
      id,
      url: sourceHref(id),
      citation: source.citation,
      citedBy: { episodes: citing.episodeCount, shows: citing.showCount },
      episodes: citing.episodes.map((e) => ({
        id: e.episodeId,
        showId: e.showId,
        url: episodeHref(e.episodeId),
        ...(e.episodeTitle === undefined ? {} : { title: e.episodeTitle }),
        ...(e.showTitle === undefined ? {} : { showTitle: e.showTitle }),
        ...(e.publishedAt === undefined ? {} : { publishedAt: e.publishedAt }),
      })),
    };
    return json;
  });
}

/** The OpenAPI paths of these routes, merged into `openApiDocument()`. */
export function sourcesOpenApiPaths(): Record<string, unknown> {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  return {
    '/api/v1/episodes/{id}/sources': {
      get: {
        summary: "An episode's citations, in the order of its notes, each with its source",
        parameters: [id],
        responses: { '200': { description: 'OK' }, '404': { description: 'No such episode' } },
      },
    },
    '/api/v1/sources/{id}': {
      get: {
        summary: 'A source, how widely it is cited and the episodes citing it',
        parameters: [id],
        responses: { '200': { description: 'OK' }, '404': { description: 'No such source' } },
      },
    },
  };
}
