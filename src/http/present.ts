// Store records → view models. Pure: no I/O, no request.
import { hash } from 'node:crypto';
import type { CoverKind } from '../domain/cover.ts';
import type { Episode, EpisodeListItem } from '../domain/episode.ts';
import type { Credit, Person } from '../domain/person.ts';
import type { Show } from '../domain/show.ts';
import type { TranscriptMoment } from '../media-text/index.ts';
import type { Progress } from '../store/listener-ports.ts';
import { authorField, authorName } from '../views/author.ts';
import { truncate } from '../views/format.ts';
import type {
  CoverImage,
  EpisodeRow,
  Host,
  PlayInfo,
  ShowCard,
  ShowHeader,
  ShowLink,
} from '../views/models.ts';

export const showHref = (id: number): string => `/shows/${id}`;
export const episodeHref = (id: number): string => `/episodes/${id}`;
export const personHref = (id: number): string => `/people/${id}`;

export function showTitle(show: Pick<Show, 'title' | 'id'>): string {
  return show.title?.trim() || `Untitled show ${show.id}`;
}

export function episodeTitle(ep: Pick<Episode, 'title' | 'id'>): string {
  return ep.title?.trim() || `Untitled episode ${ep.id}`;
}

/** What a cover is made from: the catalogue's image URL (absent: none usable) and the title its fallback spells. */
export interface CoverSource {
  url?: string;
  title: string;
}

/** Image URLs the endpoint may fetch: http(s), or this site's own demo files. Anything else is no image. */
function usableImage(url: string | undefined): string | undefined {
  return url !== undefined && isPlayableUrl(url) ? url : undefined;
}

export function showCoverSource(show: Pick<Show, 'id' | 'title' | 'imageUrl'>): CoverSource {
  const url = usableImage(show.imageUrl);
  return { title: showTitle(show), ...(url === undefined ? {} : { url }) };
}

/** An episode's own artwork, else its show's (the fallback spells the show's title either way). */
export function episodeCoverSource(
  ep: Pick<Episode, 'imageUrl'>,
  show: Pick<Show, 'id' | 'title' | 'imageUrl'>,
): CoverSource {
  const own = usableImage(ep.imageUrl);
  return own === undefined ? showCoverSource(show) : { url: own, title: showTitle(show) };
}

export function personCoverSource(person: Pick<Person, 'name' | 'img'>): CoverSource {
  const url = usableImage(person.img);
  return { title: person.name, ...(url === undefined ? {} : { url }) };
}

/**
 * The version in a cover's path: changes when its source URL (or the title its fallback spells) changes, so the
 * endpoint can answer `immutable` for a year.
 */
export function coverVersion(source: CoverSource): string {
  // One-shot `hash` (no Hash object): a show page works out some 40 of these.
  return hash('sha256', `${source.url ?? ''}\n${source.title}`, 'hex').slice(0, 12);
}

export function coverPath(kind: CoverKind, id: number, source: CoverSource): CoverImage {
  return { path: `/images/${kind}/${id}/${coverVersion(source)}` };
}

/** A show's cover (its initials when it has no artwork). */
export function showCover(show: Pick<Show, 'id' | 'title' | 'imageUrl'>): CoverImage {
  return coverPath('show', show.id, showCoverSource(show));
}

/** An episode's own artwork, else its show's cover (the same URL as the show's, so browsers cache it once). */
export function episodeCover(
  ep: Pick<Episode, 'id' | 'imageUrl'>,
  show: Pick<Show, 'id' | 'title' | 'imageUrl'>,
): CoverImage {
  return usableImage(ep.imageUrl) === undefined
    ? showCover(show)
    : coverPath('episode', ep.id, episodeCoverSource(ep, show));
}

/** A person's picture, when a feed gave one. */
export function personCover(person: Pick<Person, 'id' | 'name' | 'img'>): CoverImage | undefined {
  return usableImage(person.img) === undefined
    ? undefined
    : coverPath('person', person.id, personCoverSource(person));
}

/** The player's artwork: one mid-size rendition of the cover. */
export function playerArt(cover: CoverImage): string {
  return `${cover.path}/320.webp`;
}

export function showCard(show: Show): ShowCard {
  return {
    href: showHref(show.id),
    title: showTitle(show),
    cover: showCover(show),
    ...(show.description ? { blurb: truncate(show.description, 110) } : {}),
    ...authorField(show.author),
  };
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

function isWebUrl(url: string | undefined): url is string {
  return url !== undefined && /^https?:\/\//i.test(url);
}

/** Audio and art may also be served by this site (the demo catalogue: `/demo-assets/…`). */
export function isPlayableUrl(url: string | undefined): url is string {
  return url !== undefined && (/^https?:\/\//i.test(url) || url.startsWith('/demo-assets/'));
}

export function showLinks(show: Show): ShowLink[] {
  const links: ShowLink[] = [];
  if (isWebUrl(show.link)) links.push({ kind: 'website', label: hostName(show.link), url: show.link });
  for (const f of show.funding ?? []) {
    if (isWebUrl(f.url))
      links.push({ kind: 'funding', label: f.label?.trim() || hostName(f.url), url: f.url });
  }
  for (const s of show.socialInteract ?? []) {
    const url = isWebUrl(s.accountUrl) ? s.accountUrl : isWebUrl(s.uri) ? s.uri : undefined;
    if (!url) continue;
    const who = s.accountId ? ` ${s.accountId}` : '';
    links.push({ kind: 'social', label: `${s.protocol}${who}`.trim(), url });
  }
  for (const item of show.podroll ?? []) {
    if (isWebUrl(item.feedUrl))
      links.push({ kind: 'other', label: item.title ?? hostName(item.feedUrl), url: item.feedUrl });
  }
  if (show.license?.url && isWebUrl(show.license.url)) {
    links.push({ kind: 'other', label: `License: ${show.license.name}`, url: show.license.url });
  }
  const seen = new Set<string>();
  return links.filter((l) => {
    if (seen.has(l.url)) return false;
    seen.add(l.url);
    return true;
  });
}

/** `{ cover }` when there is one, for spreading into a view model. */
export function coverField(cover: CoverImage | undefined): { cover?: CoverImage } {
  return cover === undefined ? {} : { cover };
}

function roleLabel(role: string): string {
  return role.replace(/\b\w/g, (c) => c.toUpperCase());
}

/** "Hosts And Creators": podcast:person credits, else itunes:author / owner. */
export function hosts(credits: Credit[], show: Pick<Show, 'author' | 'owner'>): Host[] {
  if (credits.length > 0) {
    return credits.map((c) => ({
      name: c.person.name,
      role: roleLabel(c.role),
      personHref: personHref(c.person.id),
      ...coverField(personCover(c.person)),
      ...(isWebUrl(c.person.href) ? { url: c.person.href } : {}),
    }));
  }
  const names = new Set<string>();
  const author = authorName(show.author);
  const owner = authorName(show.owner?.name);
  if (author) names.add(author);
  if (owner) names.add(owner);
  return [...names].map((name) => ({ name, role: 'Creator' }));
}

export function playInfo(ep: EpisodeListItem, show: Show, progress?: Progress): PlayInfo | undefined {
  if (!ep.enclosure?.url || !isPlayableUrl(ep.enclosure.url)) return undefined;
  const start =
    progress && !progress.played && progress.positionSeconds > 0 ? progress.positionSeconds : undefined;
  return {
    episodeId: String(ep.id),
    audioUrl: ep.enclosure.url,
    title: episodeTitle(ep),
    showTitle: showTitle(show),
    href: episodeHref(ep.id),
    ...(ep.enclosure.type ? { audioType: ep.enclosure.type } : {}),
    imageUrl: playerArt(episodeCover(ep, show)),
    ...(ep.durationSeconds !== undefined ? { durationSeconds: ep.durationSeconds } : {}),
    ...(start !== undefined ? { startSeconds: start } : {}),
  };
}

export function episodeRow(
  ep: EpisodeListItem,
  show: Show,
  options: { progress?: Progress; withShow?: boolean } = {},
): EpisodeRow {
  const p = options.progress;
  const play = playInfo(ep, show, p);
  return {
    href: episodeHref(ep.id),
    title: episodeTitle(ep),
    ...(ep.publishedAt ? { publishedAt: ep.publishedAt } : {}),
    ...(ep.durationSeconds !== undefined ? { durationSeconds: ep.durationSeconds } : {}),
    ...(ep.season !== undefined ? { season: ep.season } : {}),
    ...(ep.episode !== undefined ? { episode: ep.episode } : {}),
    ...(ep.episodeType ? { episodeType: ep.episodeType } : {}),
    ...(options.withShow ? { showTitle: showTitle(show), showHref: showHref(show.id) } : {}),
    ...(p ? { played: p.played } : {}),
    ...(p && p.positionSeconds > 0 ? { progressSeconds: p.positionSeconds } : {}),
    ...(play ? { play } : {}),
  };
}

export function showHeader(show: Show, credits: Credit[]): ShowHeader {
  return {
    id: String(show.id),
    href: showHref(show.id),
    title: showTitle(show),
    serial: show.type === 'serial',
    hosts: hosts(credits, show),
    links: showLinks(show),
    ...authorField(show.author),
    ...(show.description ? { description: show.description } : {}),
    cover: showCover(show),
    ...(show.imageUrl ? { imageUrl: show.imageUrl } : {}),
  };
}

/** A transcript hit's moment as the results show it: the episode page starting there (`?t=`), and the line. */
export function momentLink(
  episodePath: string,
  moment: TranscriptMoment,
): { href: string; atSeconds: number; speaker?: string; text: string } {
  return {
    href: `${episodePath}?t=${moment.startSeconds}`,
    atSeconds: moment.startSeconds,
    ...(moment.speaker === undefined ? {} : { speaker: moment.speaker }),
    text: moment.text,
  };
}
