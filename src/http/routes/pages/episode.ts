// An episode's page (notes, chapters, transcript, player) and its transcript panel.
import type { FastifyInstance } from 'fastify';
import type { Episode } from '../../../domain/episode.ts';
import type { PopularShows } from '../../../services/library-service.ts';
import { authorField } from '../../../views/author.ts';
import type { Chapter, TranscriptModel } from '../../../views/models.ts';
import { episodePage, transcriptPanel } from '../../../views/pages.ts';
import { NotesCache } from '../../../views/show-notes.ts';
import { contextOf } from '../../context.ts';
import { parseId } from '../../ids.ts';
import {
  episodeCover,
  episodeHref,
  episodeRow,
  hosts,
  playInfo,
  showHref,
  showLinks,
  showTitle,
} from '../../present.ts';
import type { ServerDeps, WebApp } from '../../server.ts';
import { audienceOf, visibleEpisode, visibleEpisodePage } from '../../visibility.ts';
import { popularCards } from './popular.ts';
import { episodeSources } from './sources.ts';
import { parseStartTime } from './start-time.ts';

/** A page render waits at most this long for a transcript or chapters file from a podcast host. */
const WAIT_MS = 1500;

type MediaText = ServerDeps['mediaText'];

async function chaptersOf(mediaText: MediaText, ep: Episode): Promise<Chapter[]> {
  if (!mediaText) return [];
  const r = await mediaText.chaptersFor(ep, { waitMs: WAIT_MS });
  if (r.state !== 'ok') return [];
  return r.chapters
    .filter((c) => !c.hidden)
    .map((c, i) => ({
      startSeconds: c.start,
      title: c.title ?? `Chapter ${i + 1}`,
      ...(c.image ? { imageUrl: c.image } : {}),
      ...(c.url ? { url: c.url } : {}),
    }));
}

async function transcriptOf(
  mediaText: MediaText,
  ep: Episode,
  language: string | undefined,
  waitMs?: number,
): Promise<TranscriptModel | undefined> {
  if (!mediaText) return undefined;
  const r = await mediaText.transcriptFor(ep, {
    ...(language ? { language } : {}),
    ...(waitMs !== undefined ? { waitMs } : {}),
  });
  switch (r.state) {
    case 'none':
      return undefined;
    case 'ok':
      return { url: r.url, type: r.type, cues: r.cues, timed: r.timed };
    case 'pending':
      return { url: r.url, type: r.type, pending: true, refreshHref: `${episodeHref(ep.id)}/transcript` };
    case 'unavailable':
      return { url: r.url, type: r.type };
  }
}

export function registerEpisodePages(app: FastifyInstance, web: WebApp, popular: PopularShows): void {
  const { deps } = web;
  const { store } = deps;
  const notes = new NotesCache();

  // The transcript panel alone: what a pending panel asks for again.
  app.get<{ Params: { id: string } }>('/episodes/:id/transcript', async (req, reply) => {
    const { episode: ep, show } = await visibleEpisode(
      store,
      parseId(req.params.id, 'episode'),
      audienceOf(req),
    );
    const t = await transcriptOf(deps.mediaText, ep, show.language, 10_000);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(transcriptPanel(t).toString());
  });

  app.get<{ Params: { id: string }; Querystring: { t?: string | string[] } }>(
    '/episodes/:id',
    async (req, reply) => {
      const cached = web.fromCache(req, reply);
      if (cached) return cached;
      const ctx = contextOf(req);
      const id = parseId(req.params.id, 'episode');
      const startAt = parseStartTime(req.query.t);
      // The episode, its show, both one's credits, its citations and their reach: one statement.
      const read = await visibleEpisodePage(store, id, audienceOf(req));
      const { episode: ep, show, credits: epCredits, showCredits } = read;
      const [chapters, transcript, sources] = await Promise.all([
        chaptersOf(deps.mediaText, ep),
        transcriptOf(deps.mediaText, ep, show.language, WAIT_MS),
        episodeSources(store, id, audienceOf(req), read),
      ]);
      const viewerId = ctx.viewer?.id;
      const lib = deps.listeners?.library;
      const progress = viewerId !== undefined && lib ? await lib.progress(viewerId, id) : undefined;
      const inQueue =
        viewerId !== undefined && lib
          ? (await lib.queue(viewerId)).some((q) => q.episodeId === id)
          : undefined;
      const play = playInfo(ep, show, progress);
      const image = ep.imageUrl ?? show.imageUrl;
      const shareUrl = `${web.baseUrl(req)}${episodeHref(id)}`;
      const pop = await popular.list(8, web.now());
      return web.sendPage(
        reply,
        episodePage(web.pageContext(req), {
          show: {
            href: showHref(show.id),
            title: showTitle(show),
            ...authorField(show.author),
          },
          episode: {
            id: String(id),
            href: episodeHref(id),
            title: episodeRow(ep, show).title,
            ...(ep.publishedAt ? { publishedAt: ep.publishedAt } : {}),
            ...(ep.durationSeconds !== undefined ? { durationSeconds: ep.durationSeconds } : {}),
            ...(ep.season !== undefined ? { season: ep.season } : {}),
            ...(ep.episode !== undefined ? { episode: ep.episode } : {}),
            ...(ep.episodeType ? { episodeType: ep.episodeType } : {}),
            ...(ep.description ? { description: ep.description } : {}),
            ...(ep.contentHtml
              ? { notesHtml: notes.get(`${id}:${ep.contentHtml.length}:${ep.lastSeenAt}`, ep.contentHtml) }
              : {}),
            cover: episodeCover(ep, show),
            ...(image ? { imageUrl: image } : {}),
            ...(ep.link && /^https?:/i.test(ep.link) ? { link: ep.link } : {}),
            ...(ep.enclosure?.url && /^https?:/i.test(ep.enclosure.url)
              ? {
                  enclosureUrl: ep.enclosure.url,
                  ...(ep.enclosure.type ? { enclosureType: ep.enclosure.type } : {}),
                }
              : {}),
          },
          showUrl: `${web.baseUrl(req)}${showHref(show.id)}`,
          hosts: hosts(epCredits.length ? epCredits : showCredits, show),
          chapters,
          ...(sources ? { sources } : {}),
          soundbites: (ep.soundbites ?? []).map((s) => ({
            startSeconds: s.startTime,
            durationSeconds: s.duration,
            ...(s.title ? { title: s.title } : {}),
          })),
          funding: [...(ep.funding ?? []), ...(show.funding ?? [])]
            .filter((f) => /^https?:/i.test(f.url))
            .map((f) => ({ url: f.url, label: f.label?.trim() || 'Support the show' })),
          links: showLinks(show),
          ...(transcript ? { transcript } : {}),
          ...(play ? { play } : {}),
          ...(progress || (viewerId !== undefined && lib) ? { played: progress?.played ?? false } : {}),
          ...(progress && progress.positionSeconds > 0 ? { progressSeconds: progress.positionSeconds } : {}),
          ...(startAt !== undefined ? { startAt } : {}),
          ...(inQueue !== undefined ? { inQueue } : {}),
          shareUrl,
          popular: popularCards(pop, show.id, 6),
        }),
        200,
        { cache: show.isPublic },
      );
    },
  );
}
