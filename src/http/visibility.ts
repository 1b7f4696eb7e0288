// Private feeds on the web and in /api/v1 (issue 12, finding 2): a show whose feed a listener added is seen only by
// admins and by the listeners who follow it or subscribe to it from a phone. To anyone else it answers 404 exactly
// like an id that does not exist, so that nobody learns it is there.
import type { FastifyRequest } from 'fastify';
import type { Episode } from '../domain/episode.ts';
import type { Show } from '../domain/show.ts';
import type { EpisodePageReads, ShowPageList, ShowPageReads } from '../store/browse-ports.ts';
import type { Audience, Store } from '../store/ports.ts';
import { contextOf } from './context.ts';
import { notFound } from './errors.ts';

/** The request's viewer as the store's audience (anonymous: empty). */
export function audienceOf(req: FastifyRequest): Audience {
  const viewer = contextOf(req).viewer;
  return viewer === undefined ? {} : { userId: viewer.id, isAdmin: viewer.isAdmin };
}

/** Public shows cost nothing; a private one asks the store whether the audience follows it. */
export async function canSee(store: Store, show: Show, audience: Audience): Promise<boolean> {
  return show.isPublic || audience.isAdmin === true || store.feeds.isVisible(show.feedId, audience);
}

/** The show, when it exists and the audience may see it; else 404 with `message`. */
export async function visibleShow(
  store: Store,
  id: number,
  audience: Audience,
  message = 'No such show.',
): Promise<Show> {
  const show = await store.shows.get(id);
  if (show === undefined || !(await canSee(store, show, audience))) throw notFound(message);
  return show;
}

/** The episode and its show, when both exist and the audience may see the show; else 404. */
export async function visibleEpisode(
  store: Store,
  id: number,
  audience: Audience,
): Promise<{ episode: Episode; show: Show }> {
  const episode = await store.episodes.get(id);
  if (episode === undefined) throw notFound('No such episode.');
  const show = await visibleShow(store, episode.showId, audience, 'No such episode.');
  return { episode, show };
}

/** A show page's reads (one statement), when the show exists and the audience may see it; else 404. */
export async function visibleShowPage(
  store: Store,
  id: number,
  audience: Audience,
  list: ShowPageList,
): Promise<ShowPageReads> {
  const page = await store.browse.showPage(id, list);
  if (page === undefined || !(await canSee(store, page.show, audience))) throw notFound('No such show.');
  return page;
}

/** An episode page's reads (one statement), when the episode exists and the audience may see its show; else 404. */
export async function visibleEpisodePage(
  store: Store,
  id: number,
  audience: Audience,
): Promise<EpisodePageReads> {
  const page = await store.browse.episodePage(id);
  if (page === undefined || !(await canSee(store, page.show, audience))) throw notFound('No such episode.');
  return page;
}
