// <earshot-player>: the fixed audio player. It lives outside #main, so boosted navigation (htmx swapping only #main)
// and Back/Forward never touch it and the audio keeps playing. Position is saved to the server every ~10 s, on
// pause and on leaving (sendBeacon); the episode is marked played when it ends.

export interface Track {
  episodeId: string;
  src: string;
  type?: string;
  title: string;
  show: string;
  art?: string;
  href: string;
  duration?: number;
  start?: number;
}

interface Chapter {
  start: number;
  title: string;
}

const SPEEDS = [0.5, 0.75, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];
const SAVE_EVERY_MS = 10_000;
const STORE_KEY = 'earshot.player';

export function clock(seconds: number): string {
  const t = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function csrf(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

export class EarshotPlayer extends HTMLElement {
  readonly audio = new Audio();
  track: Track | undefined;
  chapters: Chapter[] = [];
  #lastSave = 0;
  #listenedSinceSave = 0;
  #lastTime = 0;
  #endedSent = false;
  #signedIn = true;
  #sleepTimer: number | undefined;
  #sleepAtEnd = false;
  #ui!: {
    // Assigned in connectedCallback before any use.
    bar: HTMLElement;
    art: HTMLImageElement;
    title: HTMLAnchorElement;
    show: HTMLElement;
    play: HTMLButtonElement;
    seek: HTMLInputElement;
    time: HTMLElement;
    speed: HTMLSelectElement;
    sleep: HTMLSelectElement;
    prevChapter: HTMLButtonElement;
    nextChapter: HTMLButtonElement;
    chapterName: HTMLElement;
    help: HTMLDialogElement;
  };

  connectedCallback(): void {
    if (this.#ui) return;
    this.audio.preload = 'metadata';
    const bar = el('div', { class: 'player-bar', hidden: '' });
    const art = el('img', { class: 'player-art', alt: '', width: '48', height: '48' });
    const meta = el('div', { class: 'player-meta' });
    const title = el('a', { class: 'player-title', href: '#' });
    const show = el('span', { class: 'player-show' });
    const chapterName = el('span', { class: 'player-chapter' });
    meta.append(title, show, chapterName);

    const controls = el('div', { class: 'player-controls', role: 'group', 'aria-label': 'Playback' });
    const prevChapter = el('button', { type: 'button', 'aria-label': 'Previous chapter', hidden: '' }, '|◀');
    const back = el('button', { type: 'button', 'aria-label': 'Back 15 seconds', 'data-skip': '-15' }, '−15');
    const play = el('button', { type: 'button', class: 'player-play', 'aria-label': 'Play' }, '▶');
    const fwd = el(
      'button',
      { type: 'button', 'aria-label': 'Forward 30 seconds', 'data-skip': '30' },
      '+30',
    );
    const nextChapter = el('button', { type: 'button', 'aria-label': 'Next chapter', hidden: '' }, '▶|');
    controls.append(prevChapter, back, play, fwd, nextChapter);

    const seekWrap = el('div', { class: 'player-seek' });
    const seek = el('input', {
      type: 'range',
      min: '0',
      max: '0',
      step: '1',
      value: '0',
      'aria-label': 'Seek',
    });
    const time = el('span', { class: 'player-time', 'aria-live': 'off' }, '0:00 / 0:00');
    seekWrap.append(seek, time);

    const extras = el('div', { class: 'player-extras' });
    const speed = el('select', { 'aria-label': 'Playback speed' });
    for (const s of SPEEDS) speed.append(el('option', { value: String(s) }, `${s}×`));
    speed.value = '1';
    const sleep = el('select', { 'aria-label': 'Sleep timer' });
    for (const [v, label] of [
      ['0', 'Sleep: off'],
      ['5', '5 min'],
      ['15', '15 min'],
      ['30', '30 min'],
      ['60', '60 min'],
      ['end', 'End of episode'],
    ] as const) {
      sleep.append(el('option', { value: v }, label));
    }
    const helpButton = el(
      'button',
      { type: 'button', 'aria-label': 'Keyboard shortcuts', class: 'player-help' },
      '?',
    );
    extras.append(speed, sleep, helpButton);

    const help = el('dialog', { class: 'shortcuts', 'aria-label': 'Keyboard shortcuts' });
    help.innerHTML =
      '<h2>Keyboard shortcuts</h2><dl><dt>Space</dt><dd>Play / pause</dd><dt>←</dt><dd>Back 15 s</dd><dt>→</dt><dd>Forward 30 s</dd>' +
      '<dt>Shift + ← / →</dt><dd>Previous / next chapter</dd><dt>[ / ]</dt><dd>Slower / faster</dd><dt>?</dt><dd>This help</dd></dl>' +
      '<form method="dialog"><button>Close</button></form>';

    bar.append(art, meta, controls, seekWrap, extras);
    this.append(bar, help);
    this.#ui = {
      bar,
      art,
      title,
      show,
      play,
      seek,
      time,
      speed,
      sleep,
      prevChapter,
      nextChapter,
      chapterName,
      help,
    };
    this.#signedIn = document.querySelector('meta[name="earshot-user"]') !== null;

    play.addEventListener('click', () => this.toggle());
    back.addEventListener('click', () => this.skip(-15));
    fwd.addEventListener('click', () => this.skip(30));
    prevChapter.addEventListener('click', () => this.chapterSkip(-1));
    nextChapter.addEventListener('click', () => this.chapterSkip(1));
    helpButton.addEventListener('click', () => this.toggleHelp());
    seek.addEventListener('input', () => {
      this.audio.currentTime = Number(seek.value);
    });
    speed.addEventListener('change', () => {
      this.audio.playbackRate = Number(speed.value);
      localStorage.setItem('earshot.speed', speed.value);
    });
    sleep.addEventListener('change', () => this.setSleep(sleep.value));
    const savedSpeed = localStorage.getItem('earshot.speed');
    if (savedSpeed && SPEEDS.includes(Number(savedSpeed))) speed.value = savedSpeed;

    const a = this.audio;
    a.addEventListener('play', () => this.#render());
    a.addEventListener('pause', () => {
      this.#render();
      this.save();
    });
    a.addEventListener('loadedmetadata', () => this.#render());
    a.addEventListener('timeupdate', () => this.#tick());
    a.addEventListener('ended', () => this.#ended());
    a.addEventListener('ratechange', () => {
      this.#ui.speed.value = String(a.playbackRate);
    });
    window.addEventListener('pagehide', () => this.save(true));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.save(true);
    });
    this.#restore();
  }

  /** Loads a track; plays it unless `autoplay` is false. */
  load(track: Track, autoplay = true): void {
    if (this.track && this.track.episodeId !== track.episodeId) this.save();
    this.track = track;
    this.#endedSent = false;
    this.#listenedSinceSave = 0;
    this.audio.src = track.src;
    this.audio.playbackRate = Number(this.#ui.speed.value);
    const start = track.start ?? 0;
    this.#lastTime = start;
    if (start > 0) {
      const seekOnce = () => {
        this.audio.currentTime = start;
        this.audio.removeEventListener('loadedmetadata', seekOnce);
      };
      this.audio.addEventListener('loadedmetadata', seekOnce);
    }
    this.chapters = [];
    this.syncPage();
    this.#mediaSession();
    this.#render();
    this.#persist();
    if (autoplay) void this.audio.play().catch(() => this.#render());
  }

  toggle(): void {
    if (!this.track) return;
    if (this.audio.paused) void this.audio.play().catch(() => this.#render());
    else this.audio.pause();
  }

  skip(seconds: number): void {
    if (!this.track) return;
    const d = Number.isFinite(this.audio.duration) ? this.audio.duration : Number.POSITIVE_INFINITY;
    this.audio.currentTime = Math.min(Math.max(0, this.audio.currentTime + seconds), d);
  }

  seekTo(seconds: number): void {
    this.audio.currentTime = Math.max(0, seconds);
    if (this.audio.paused) void this.audio.play().catch(() => this.#render());
  }

  chapterSkip(direction: 1 | -1): void {
    if (this.chapters.length === 0) return;
    const t = this.audio.currentTime;
    if (direction > 0) {
      const next = this.chapters.find((c) => c.start > t + 0.5);
      if (next) this.audio.currentTime = next.start;
    } else {
      const previous = [...this.chapters].reverse().find((c) => c.start < t - 3);
      this.audio.currentTime = previous ? previous.start : 0;
    }
  }

  changeSpeed(step: 1 | -1): void {
    const i = SPEEDS.indexOf(this.audio.playbackRate);
    const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, (i < 0 ? 2 : i) + step))] ?? 1;
    this.audio.playbackRate = next;
    localStorage.setItem('earshot.speed', String(next));
  }

  toggleHelp(): void {
    const d = this.#ui.help;
    if (d.open) d.close();
    else d.showModal();
  }

  setSleep(value: string): void {
    if (this.#sleepTimer !== undefined) window.clearTimeout(this.#sleepTimer);
    this.#sleepTimer = undefined;
    this.#sleepAtEnd = value === 'end';
    const minutes = Number(value);
    if (minutes > 0) {
      this.#sleepTimer = window.setTimeout(() => {
        this.audio.pause();
        this.#ui.sleep.value = '0';
      }, minutes * 60_000);
    }
  }

  /** Reads chapters and highlights from the current page when it shows the playing episode. */
  syncPage(): void {
    const page = document.querySelector<HTMLElement>('[data-episode-id]');
    const here = page?.dataset.episodeId !== undefined && page.dataset.episodeId === this.track?.episodeId;
    if (here) {
      const found: Chapter[] = [];
      for (const li of document.querySelectorAll<HTMLElement>('.chapters li[data-start]')) {
        found.push({
          start: Number(li.dataset.start),
          title:
            li
              .querySelector('a')
              ?.textContent?.replace(/^\s*[\d:]+\s*/, '')
              .trim() ?? '',
        });
      }
      if (found.length) this.chapters = found;
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-play]')) {
      const playing = b.dataset.episodeId === this.track?.episodeId && !this.audio.paused;
      b.setAttribute('aria-pressed', playing ? 'true' : 'false');
      b.classList.toggle('playing', playing);
    }
    this.#render();
  }

  /** Sends the position to the server (signed-in listeners); `beacon` when the page is going away. */
  save(beacon = false): void {
    const track = this.track;
    if (!track) return;
    this.#persist();
    if (!this.#signedIn) return;
    const body = {
      episodeId: Number(track.episodeId),
      positionSeconds: Math.floor(this.audio.currentTime),
      listenedSeconds: Math.min(120, Math.round(this.#listenedSinceSave)),
      _csrf: csrf(),
    };
    this.#listenedSinceSave = 0;
    this.#lastSave = Date.now();
    void this.#post(body, beacon);
  }

  /** Sends progress; settles once the server has answered (a beacon: at once). */
  #post(body: object, beacon: boolean): Promise<void> {
    const json = JSON.stringify(body);
    if (beacon && navigator.sendBeacon) {
      navigator.sendBeacon('/api/v1/me/progress', new Blob([json], { type: 'text/plain' }));
      return Promise.resolve();
    }
    return fetch('/api/v1/me/progress', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: json,
      credentials: 'same-origin',
      keepalive: true,
    })
      .then((r) => {
        if (r.status === 401) this.#signedIn = false;
      })
      .catch(() => {});
  }

  #tick(): void {
    const a = this.audio;
    const t = a.currentTime;
    const delta = t - this.#lastTime;
    if (!a.paused && delta > 0 && delta < 5) this.#listenedSinceSave += delta / (a.playbackRate || 1);
    this.#lastTime = t;
    if (!a.paused && Date.now() - this.#lastSave >= SAVE_EVERY_MS) this.save();
    if (Number.isFinite(a.duration) && a.duration > 10 && a.duration - t < 3 && !this.#endedSent)
      this.#markEnded();
    this.#render();
    this.#highlight(t);
  }

  #ended(): void {
    if (!this.#endedSent) this.#markEnded();
    if (this.#sleepAtEnd) this.#ui.sleep.value = '0';
    this.#render();
  }

  #markEnded(): void {
    this.#endedSent = true;
    const track = this.track;
    if (!track) return;
    const played = (): void => {
      document.dispatchEvent(new CustomEvent('earshot:played', { detail: { episodeId: track.episodeId } }));
    };
    if (this.#signedIn) {
      // The page then asks the server for its Played button: only once the server has stored the end.
      void this.#post(
        {
          episodeId: Number(track.episodeId),
          positionSeconds: Math.floor(this.audio.currentTime),
          listenedSeconds: Math.round(this.#listenedSinceSave),
          ended: true,
          _csrf: csrf(),
        },
        false,
      ).then(played);
      this.#listenedSinceSave = 0;
    } else played();
  }

  #highlight(t: number): void {
    const page = document.querySelector<HTMLElement>('[data-episode-id]');
    if (!page || page.dataset.episodeId !== this.track?.episodeId) return;
    const cues = document.querySelectorAll<HTMLElement>('[data-transcript] li[data-start]');
    let current: HTMLElement | undefined;
    for (const cue of cues) {
      if (Number(cue.dataset.start) <= t) current = cue;
      else break;
    }
    for (const cue of document.querySelectorAll<HTMLElement>('[data-transcript] li.current')) {
      if (cue !== current) {
        cue.classList.remove('current');
        cue.removeAttribute('aria-current');
      }
    }
    if (current && !current.classList.contains('current')) {
      current.classList.add('current');
      current.setAttribute('aria-current', 'true');
      const box = current.parentElement;
      if (box && box.scrollHeight > box.clientHeight)
        box.scrollTop = current.offsetTop - box.offsetTop - box.clientHeight / 3;
    }
    const share = document.querySelector<HTMLInputElement>('[data-share-time]');
    const url = document.querySelector<HTMLInputElement>('input[data-share-base]');
    if (share?.checked && url) url.value = `${url.dataset.shareBase}?t=${Math.floor(t)}`;
  }

  #render(): void {
    const ui = this.#ui;
    const track = this.track;
    if (!ui || !track) return;
    ui.bar.hidden = false;
    document.body.classList.add('has-player');
    const a = this.audio;
    const playing = !a.paused;
    ui.play.textContent = playing ? '❚❚' : '▶';
    ui.play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    ui.title.textContent = track.title;
    ui.title.href = track.href;
    ui.show.textContent = track.show;
    if (track.art) {
      ui.art.src = track.art;
      ui.art.hidden = false;
    } else ui.art.hidden = true;
    const duration = Number.isFinite(a.duration) && a.duration > 0 ? a.duration : (track.duration ?? 0);
    ui.seek.max = String(Math.floor(duration));
    ui.seek.value = String(Math.floor(a.currentTime));
    ui.seek.setAttribute('aria-valuetext', `${clock(a.currentTime)} of ${clock(duration)}`);
    ui.time.textContent = `${clock(a.currentTime)} / ${clock(duration)}`;
    const hasChapters = this.chapters.length > 0;
    ui.prevChapter.hidden = !hasChapters;
    ui.nextChapter.hidden = !hasChapters;
    const chapter = [...this.chapters].reverse().find((c) => c.start <= a.currentTime);
    ui.chapterName.textContent = chapter?.title ?? '';
    this.dataset.state = playing ? 'playing' : 'paused';
    if ('mediaSession' in navigator) {
      navigator.mediaSession.playbackState = playing ? 'playing' : 'paused';
      if (duration > 0 && a.currentTime <= duration) {
        try {
          navigator.mediaSession.setPositionState({
            duration,
            position: a.currentTime,
            playbackRate: a.playbackRate || 1,
          });
        } catch {
          // Some browsers reject position state while metadata is loading.
        }
      }
    }
    for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-play]')) {
      const on = b.dataset.episodeId === track.episodeId && playing;
      if (b.classList.contains('playing') !== on) {
        b.classList.toggle('playing', on);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
    }
  }

  #mediaSession(): void {
    const track = this.track;
    if (!track || !('mediaSession' in navigator)) return;
    navigator.mediaSession.metadata = new MediaMetadata({
      title: track.title,
      artist: track.show,
      album: track.show,
      artwork: track.art ? [{ src: track.art, sizes: '512x512' }] : [],
    });
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ['play', () => void this.audio.play()],
      ['pause', () => this.audio.pause()],
      ['seekbackward', (d) => this.skip(-(d.seekOffset ?? 15))],
      ['seekforward', (d) => this.skip(d.seekOffset ?? 30)],
      [
        'seekto',
        (d) => {
          if (d.seekTime !== undefined) this.audio.currentTime = d.seekTime;
        },
      ],
      ['previoustrack', () => this.chapterSkip(-1)],
      ['nexttrack', () => this.chapterSkip(1)],
    ];
    for (const [action, handler] of handlers) {
      try {
        navigator.mediaSession.setActionHandler(action, handler);
      } catch {
        // Unsupported action in this browser.
      }
    }
  }

  #persist(): void {
    if (!this.track) return;
    const state = {
      track: { ...this.track, start: Math.floor(this.audio.currentTime || this.track.start || 0) },
      at: Date.now(),
    };
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      // Storage full or disabled: the server copy is enough.
    }
  }

  #restore(): void {
    try {
      const raw = localStorage.getItem(STORE_KEY);
      if (!raw) return;
      const state: unknown = JSON.parse(raw);
      if (!state || typeof state !== 'object' || !('track' in state)) return;
      const t = state.track as Track; // written by #persist above
      if (typeof t?.src === 'string' && typeof t.episodeId === 'string') this.load(t, false);
    } catch {
      localStorage.removeItem(STORE_KEY);
    }
  }
}

export function trackFromButton(b: HTMLElement): Track | undefined {
  const d = b.dataset;
  if (!d.src || !d.episodeId) return undefined;
  return {
    episodeId: d.episodeId,
    src: d.src,
    title: d.title ?? '',
    show: d.show ?? '',
    href: d.href ?? '#',
    ...(d.type ? { type: d.type } : {}),
    ...(d.art ? { art: d.art } : {}),
    ...(d.duration ? { duration: Number(d.duration) } : {}),
    ...(d.start ? { start: Number(d.start) } : {}),
  };
}
