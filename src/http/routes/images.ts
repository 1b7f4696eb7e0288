// GET /images/<kind>/<id>/<version>/<width>.webp: a cover the catalogue references (a show's artwork, an episode's
// own, a podcast:person picture), never an arbitrary URL. The source comes from the store, so the path names only
// an id; what the viewer may not see is a 404 like anything that does not exist (src/http/visibility.ts).
// The version is a hash of the source URL: while it matches, the answer is immutable for a year; an old version
// (a page rendered before the feed changed its image) gets today's cover, cached briefly.
// A source that fails (404, not an image, too big, refused by the SSRF guard) answers the title's initials as SVG,
// cached for minutes so a fixed source is tried again; never a 500, never a broken image.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CoverKind, type CoverWidth, isCoverKind, isCoverWidth } from '../../domain/cover.ts';
import type { CoverAnswer } from '../../services/cover-images.ts';
import type { Audience } from '../../store/ports.ts';
import { coverFallbackSvg } from '../../views/cover-fallback.ts';
import { notFound } from '../errors.ts';
import { parseId } from '../ids.ts';
import {
  type CoverSource,
  coverVersion,
  episodeCoverSource,
  personCoverSource,
  showCoverSource,
} from '../present.ts';
import type { WebApp } from '../server.ts';
import { audienceOf, visibleEpisode, visibleShow } from '../visibility.ts';

const YEAR = 365 * 24 * 3600;
/** An old version's answer: long enough for a page's lifetime in a browser, short enough to pick up the new one. */
const STALE_VERSION_SECONDS = 300;
/** A failed source's fallback: the source is tried again after the service's failure memory (10 min) anyway. */
const FALLBACK_SECONDS = 600;
const WIDTH_FILE = /^([1-9]\d{1,3})\.webp$/;
const VERSION = /^[0-9a-f]{12}$/;
/** Inline SVG is only ever drawn, never a document: nothing in it may run or load. */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

interface Params {
  kind: string;
  id: string;
  version: string;
  file: string;
}

interface Resolved {
  source: CoverSource;
  /** Anyone may see it: shared caches may keep it. */
  isPublic: boolean;
}

export function registerImageRoutes(app: FastifyInstance, web: WebApp): void {
  const { store } = web.deps;
  const images = web.deps.coverImages;

  async function resolve(kind: CoverKind, id: number, audience: Audience): Promise<Resolved> {
    switch (kind) {
      case 'show': {
        const show = await visibleShow(store, id, audience, 'No such image.');
        return { source: showCoverSource(show), isPublic: show.isPublic };
      }
      case 'episode': {
        const { episode, show } = await visibleEpisode(store, id, audience);
        return { source: episodeCoverSource(episode, show), isPublic: show.isPublic };
      }
      case 'person': {
        const person = await store.people.get(id);
        if (person === undefined) throw notFound('No such image.');
        const credits = await store.people.credits(id, { episodeLimit: 1, audience });
        if (credits.shows.length === 0 && credits.episodes.length === 0) throw notFound('No such image.');
        // What an anonymous visitor may fetch is public; a signed-in listener's answer may rest on a private show.
        return { source: personCoverSource(person), isPublic: audience.userId === undefined };
      }
    }
  }

  app.get<{ Params: Params }>('/images/:kind/:id/:version/:file', async (req, reply) => {
    const { kind, version, file } = req.params;
    const width = Number(WIDTH_FILE.exec(file)?.[1]);
    if (!isCoverKind(kind) || !isCoverWidth(width) || !VERSION.test(version)) {
      throw notFound('No such image.');
    }
    const id = parseId(req.params.id, 'image');
    const { source, isPublic } = await resolve(kind, id, audienceOf(req));
    const current = coverVersion(source) === version;
    const answer: CoverAnswer =
      source.url === undefined
        ? { kind: 'failed', code: 'unsupported-url' }
        : images === undefined
          ? { kind: 'failed', code: 'busy' }
          : await images.cover(source.url, width);
    return send(req, reply, answer, { source, width, current, isPublic });
  });
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  answer: CoverAnswer,
  at: { source: CoverSource; width: CoverWidth; current: boolean; isPublic: boolean },
): FastifyReply {
  const scope = at.isPublic ? 'public' : 'private';
  let body: Buffer;
  let etag: string;
  let cacheControl: string;
  if (answer.kind === 'image') {
    body = answer.body;
    etag = answer.etag;
    reply.header('content-type', answer.type);
    cacheControl = at.current
      ? `${scope}, max-age=${YEAR}, immutable`
      : `${scope}, max-age=${STALE_VERSION_SECONDS}`;
  } else {
    body = Buffer.from(coverFallbackSvg(at.source.title, at.width));
    etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    reply.header('content-type', 'image/svg+xml').header('content-security-policy', SVG_POLICY);
    // No source at all is as lasting as an image (a new one changes the version); a failed one is retried soon;
    // an overloaded server's answer is not kept at all.
    cacheControl =
      answer.code === 'busy' || answer.code === 'internal'
        ? 'no-store'
        : answer.code === 'unsupported-url' && at.source.url === undefined && at.current
          ? `${scope}, max-age=${YEAR}, immutable`
          : `${scope}, max-age=${FALLBACK_SECONDS}`;
  }
  reply.header('cache-control', cacheControl).header('etag', etag);
  // A shared cache keeps no response that sets a cookie; the page that drew the image has set them already.
  if (at.isPublic) reply.removeHeader('set-cookie');
  if (matches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.send(body);
}

/** `If-None-Match` against our strong ETag (a list, or `*`; a weak form of ours also matches, as for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}
