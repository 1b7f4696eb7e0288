// The one browser script: htmx for boosted navigation (only #main is swapped, so the player keeps playing) and the
// player element, wired to the page by event delegation so swapped-in content needs no re-binding.
import htmx from 'htmx.org';
import { EarshotPlayer, trackFromButton } from './player.ts';

// With the script, the custom player replaces the browser's own (<audio controls> on episode pages, for no-JS).
document.documentElement.classList.add('js');
customElements.define('earshot-player', EarshotPlayer);

interface HtmxApi {
  ajax(verb: 'get', path: string, context: { target: string; select: string; swap: string }): Promise<void>;
}
// htmx.esm.js has `export default htmx`; TypeScript reads the untyped-module package as CommonJS, so its default
// import looks like the module namespace. esbuild (which bundles this) gives the htmx object itself.
const hx = htmx as unknown as HtmxApi;

function player(): EarshotPlayer | undefined {
  const p = document.querySelector('earshot-player');
  return p instanceof EarshotPlayer ? p : undefined;
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const p = player();
  if (!target || !p) return;
  const playButton = target.closest<HTMLElement>('button[data-play]');
  if (playButton) {
    const track = trackFromButton(playButton);
    if (!track) return;
    // A search hit's "Play at 12:34" goes to its moment even while the episode is already playing.
    if (p.track?.episodeId === track.episodeId && playButton.dataset.moment !== undefined)
      p.seekTo(track.start ?? 0);
    else if (p.track?.episodeId === track.episodeId) p.toggle();
    else p.load(track);
    return;
  }
  const seek = target.closest<HTMLElement>('a[data-seek]');
  if (seek) {
    const seconds = Number(seek.dataset.seek);
    if (!Number.isFinite(seconds)) return;
    event.preventDefault();
    const page = document.querySelector<HTMLElement>('[data-episode-id]');
    if (p.track && page && p.track.episodeId === page.dataset.episodeId) {
      p.seekTo(seconds);
      return;
    }
    const button = document.querySelector<HTMLElement>('button[data-play]');
    const track = button ? trackFromButton(button) : undefined;
    if (track) p.load({ ...track, start: seconds });
  }
});

document.addEventListener('keydown', (event) => {
  const p = player();
  if (!p || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
  if (event.key === '?') {
    event.preventDefault();
    p.toggleHelp();
    return;
  }
  if (!p.track) return;
  const onButton = event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement;
  switch (event.key) {
    case ' ':
      if (onButton) return; // Space activates the focused control.
      event.preventDefault();
      p.toggle();
      break;
    case 'ArrowLeft':
      event.preventDefault();
      if (event.shiftKey) p.chapterSkip(-1);
      else p.skip(-15);
      break;
    case 'ArrowRight':
      event.preventDefault();
      if (event.shiftKey) p.chapterSkip(1);
      else p.skip(30);
      break;
    case '[':
      p.changeSpeed(-1);
      break;
    case 'm':
      p.toggleMute();
      break;
    case 'Escape':
      p.expand(false);
      break;
    case ']':
      p.changeSpeed(1);
      break;
  }
});

document.addEventListener('change', (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute('data-share-time')) return;
  const url = document.querySelector<HTMLInputElement>('input[data-share-base]');
  const p = player();
  if (!url) return;
  const t = p?.track ? Math.floor(p.audio.currentTime) : 0;
  url.value = box.checked ? `${url.dataset.shareBase}?t=${t}` : (url.dataset.shareBase ?? '');
});

function afterNavigation(): void {
  const p = player();
  p?.expand(false); // a link in the phone's player sheet: show the page it leads to
  p?.syncPage();
  // ?t= on an episode page that is already playing: jump there.
  const t = Number(new URLSearchParams(location.search).get('t'));
  const page = document.querySelector<HTMLElement>('[data-episode-id]');
  if (p?.track && page && page.dataset.episodeId === p.track.episodeId && Number.isFinite(t) && t > 0)
    p.seekTo(t);
  document.querySelector<HTMLElement>('#main')?.focus({ preventScroll: true });
}

// The server answers page actions (Mark as Played, Follow) with a 303 to the page; htmx follows it and swaps the form.
document.body.addEventListener('htmx:afterSettle', (event) => {
  const detail = (event as CustomEvent<{ boosted?: boolean; target?: Element }>).detail; // htmx's documented event detail
  if (detail?.boosted) afterNavigation();
  else player()?.syncPage();
});
document.body.addEventListener('htmx:historyRestore', () => player()?.syncPage());
document.addEventListener('earshot:played', (event) => {
  // Ended: the server marked it played; refresh the page's "Mark as Played" form in place from the server's page.
  const id = (event as CustomEvent<{ episodeId: string }>).detail?.episodeId; // dispatched by the player
  const page = document.querySelector<HTMLElement>('[data-episode-id]');
  if (!id || page?.dataset.episodeId !== id || !document.querySelector('form.played-form')) return;
  void hx.ajax('get', location.pathname, {
    target: 'form.played-form',
    select: 'form.played-form',
    swap: 'outerHTML',
  });
});

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js').catch(() => {});
  });
}

// htmx reads its config from <meta name="htmx-config">; expose it for debugging in the console only.
Object.assign(window, { htmx });
