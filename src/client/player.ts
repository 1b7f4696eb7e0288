// <earshot-player>: the fixed audio player. It lives outside #main, so boosted navigation (htmx swapping only #main)
// and Back/Forward never touch it and the audio keeps playing. Position is saved to the server every ~10 s, on
// pause and on leaving (sendBeacon). Played follows src/domain/listening.ts: reaching the end by listening marks it,
// seeking back from there un-marks it. At the end the next queued episode plays (unless autoplay is off or the sleep
// timer says "end of episode"); a file that cannot be loaded shows an error with Retry, Download and Next.
import { finishedByListening, isAtEnd } from '../domain/listening.ts';
import type { PlayInfo } from '../views/models.ts';
import { buildPlayerUi, type PlayerUi, SPEEDS } from './player-ui.ts';

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

const SAVE_EVERY_MS = 10_000;
const STORE_KEY = 'earshot.player';
const VOLUME_KEY = 'earshot.volume';
const AUTOPLAY_KEY = 'earshot.autoplay';
/** An arrow key on the seek slider moves this many seconds; Page Up/Down a minute. */
const SLIDER_STEP = 10;
/** "Previous track" restarts the episode when it has played longer than this. */
const RESTART_AFTER = 5;

const MEDIA_ERRORS: Record<number, string> = {
  2: 'The audio could not be reached (network error).',
  3: 'The audio file is damaged and could not be played.',
  4: 'The audio file was not found or cannot be played here.',
};

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

function trackFromPlayInfo(p: PlayInfo): Track {
  return {
    episodeId: p.episodeId,
    src: p.audioUrl,
    title: p.title,
    show: p.showTitle,
    href: p.href,
    ...(p.audioType ? { type: p.audioType } : {}),
    ...(p.imageUrl ? { art: p.imageUrl } : {}),
    ...(p.durationSeconds !== undefined ? { duration: p.durationSeconds } : {}),
    ...(p.startSeconds !== undefined ? { start: p.startSeconds } : {}),
  };
}

function readChapters(value: unknown): Chapter[] {
  if (!Array.isArray(value)) return [];
  return value.filter((c): c is Chapter => typeof c?.start === 'number' && typeof c?.title === 'string');
}

export class EarshotPlayer extends HTMLElement {
  readonly audio = new Audio();
  track: Track | undefined;
  chapters: Chapter[] = [];
  /** Tracks played before this one in this tab, for "previous track". */
  readonly history: Track[] = [];
  #lastSave = 0;
  #listenedSinceSave = 0;
  #lastTime = 0;
  /** Where the current uninterrupted run of playback began (the last seek or the start). */
  #runStart = 0;
  #endedSent = false;
  #signedIn = true;
  /** Seconds of playback left before the sleep timer pauses (counted while playing). */
  #sleepLeft: number | undefined;
  #sleepAtEnd = false;
  #lastWall = 0;
  #error: string | undefined;
  #ui: PlayerUi | undefined;

  connectedCallback(): void {
    if (this.#ui) return;
    this.audio.preload = 'metadata';
    this.#ui = buildPlayerUi(this);
    this.#signedIn = document.querySelector('meta[name="earshot-user"]') !== null;
    this.#wireControls(this.#ui);
    this.#wireAudio();
    this.#restoreSettings(this.#ui);
    this.#restore();
  }

  // ── wiring ──────────────────────────────────────────────────────────────────────────────────────────────────────

  #wireControls(ui: PlayerUi): void {
    const on = (node: HTMLElement, type: string, run: () => void) => node.addEventListener(type, run);
    on(ui.play, 'click', () => this.toggle());
    on(ui.back, 'click', () => this.skip(-15));
    on(ui.fwd, 'click', () => this.skip(30));
    on(ui.prevChapter, 'click', () => this.chapterSkip(-1));
    on(ui.nextChapter, 'click', () => this.chapterSkip(1));
    on(ui.nextTrack, 'click', () => void this.playNext());
    on(ui.skip, 'click', () => void this.playNext());
    on(ui.retry, 'click', () => this.retry());
    on(ui.helpButton, 'click', () => this.toggleHelp());
    on(ui.expand, 'click', () => this.expand(true));
    on(ui.collapse, 'click', () => this.expand(false));
    on(ui.mute, 'click', () => this.toggleMute());
    on(ui.volume, 'input', () => this.#setVolume(Number(ui.volume.value) / 100));
    on(ui.seek, 'input', () => {
      this.audio.currentTime = Number(ui.seek.value);
    });
    ui.seek.addEventListener('keydown', (event) => this.#seekKey(event));
    on(ui.speed, 'change', () => {
      this.audio.playbackRate = Number(ui.speed.value);
      localStorage.setItem('earshot.speed', ui.speed.value);
    });
    on(ui.sleep, 'change', () => this.setSleep(ui.sleep.value));
    on(ui.autoplay, 'change', () => localStorage.setItem(AUTOPLAY_KEY, ui.autoplay.checked ? 'on' : 'off'));
  }

  #wireAudio(): void {
    const a = this.audio;
    a.addEventListener('play', () => {
      this.#lastWall = performance.now();
      this.#render();
    });
    a.addEventListener('pause', () => {
      this.#render();
      this.save();
    });
    a.addEventListener('loadedmetadata', () => this.#render());
    a.addEventListener('playing', () => this.#clearError());
    a.addEventListener('timeupdate', () => this.#tick());
    a.addEventListener('seeking', () => this.#seeked());
    a.addEventListener('ended', () => this.#ended());
    a.addEventListener('error', () => this.#failed());
    a.addEventListener('volumechange', () => this.#volumeChanged());
    a.addEventListener('ratechange', () => {
      if (this.#ui) this.#ui.speed.value = String(a.playbackRate);
    });
    window.addEventListener('pagehide', () => this.save(true));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') this.save(true);
    });
  }

  #restoreSettings(ui: PlayerUi): void {
    const savedSpeed = localStorage.getItem('earshot.speed');
    if (savedSpeed && SPEEDS.includes(Number(savedSpeed))) ui.speed.value = savedSpeed;
    ui.autoplay.checked = localStorage.getItem(AUTOPLAY_KEY) !== 'off';
    try {
      const v: unknown = JSON.parse(localStorage.getItem(VOLUME_KEY) ?? 'null');
      if (v && typeof v === 'object' && 'volume' in v && typeof v.volume === 'number')
        this.audio.volume = Math.min(1, Math.max(0, v.volume));
      if (v && typeof v === 'object' && 'muted' in v) this.audio.muted = v.muted === true;
    } catch {
      localStorage.removeItem(VOLUME_KEY);
    }
    this.#volumeChanged();
  }

  // ── what the page and the keyboard ask for ──────────────────────────────────────────────────────────────────────

  /**
   * Loads a track; plays it unless `autoplay` is false. The track it replaces is saved and becomes "previous"
   * (unless `remember` is false: going back to the previous one).
   */
  load(track: Track, options: { autoplay?: boolean; chapters?: Chapter[]; remember?: boolean } = {}): void {
    const { autoplay = true, chapters = [], remember = true } = options;
    if (this.track && this.track.episodeId !== track.episodeId) {
      this.save();
      if (remember) this.history.push(this.track);
    }
    this.track = track;
    this.#endedSent = false;
    this.#listenedSinceSave = 0;
    this.#error = undefined;
    this.#say('');
    const start = track.start ?? 0;
    // A start time goes in the URL as a media fragment (`#t=42`): the browser's first position is then the moment
    // itself. Seeking at loadedmetadata alone let playback that had already begun run from 0 until the event was
    // handled (a loaded machine played the first seconds of the episode). The seek stays for a browser that ignores
    // the fragment.
    this.audio.src = start > 0 ? `${track.src.replace(/#.*$/s, '')}#t=${start}` : track.src;
    this.audio.playbackRate = Number(this.#ui?.speed.value ?? 1);
    this.#lastTime = start;
    this.#runStart = start;
    if (start > 0) {
      const seekOnce = () => {
        if (Math.abs(this.audio.currentTime - start) > 0.5) this.audio.currentTime = start;
        this.audio.removeEventListener('loadedmetadata', seekOnce);
      };
      this.audio.addEventListener('loadedmetadata', seekOnce);
    }
    this.chapters = chapters;
    this.syncPage();
    this.#mediaSession();
    this.#render();
    this.#persist();
    if (autoplay) this.#play();
  }

  toggle(): void {
    if (!this.track) return;
    if (this.#error) this.retry();
    else if (this.audio.paused) this.#play();
    else this.audio.pause();
  }

  skip(seconds: number): void {
    if (!this.track) return;
    const d = Number.isFinite(this.audio.duration) ? this.audio.duration : Number.POSITIVE_INFINITY;
    this.audio.currentTime = Math.min(Math.max(0, this.audio.currentTime + seconds), d);
  }

  seekTo(seconds: number): void {
    this.audio.currentTime = Math.max(0, seconds);
    if (this.audio.paused) this.#play();
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

  toggleMute(): void {
    this.audio.muted = !this.audio.muted;
  }

  toggleHelp(): void {
    const d = this.#ui?.help;
    if (!d) return;
    if (d.open) d.close();
    else d.showModal();
  }

  /** The phone's mini-player opens into a sheet with every control, and back. */
  expand(open: boolean): void {
    const ui = this.#ui;
    if (!ui || this.hasAttribute('data-expanded') === open) return;
    this.toggleAttribute('data-expanded', open);
    ui.expand.setAttribute('aria-expanded', String(open));
    (open ? ui.collapse : ui.expand).focus();
  }

  /** "0" off, minutes, or "end" (pause when this episode ends). */
  setSleep(value: string): void {
    const minutes = Number(value);
    this.#sleepAtEnd = value === 'end';
    this.#sleepLeft = minutes > 0 ? minutes * 60 : undefined;
    if (this.#ui) this.#ui.sleep.value = this.#sleepAtEnd || minutes > 0 ? value : '0';
    this.#render();
  }

  /** Loads the file again, from where it was. */
  retry(): void {
    const track = this.track;
    if (track) this.load({ ...track, start: Math.floor(this.#lastTime) }, { chapters: this.chapters });
  }

  /** Takes this episode out of the queue and plays the next queued one (signed-in listeners). */
  async playNext(): Promise<void> {
    const next = await this.#advanceQueue();
    if (next) this.load(trackFromPlayInfo(next));
    else this.#say('Nothing else in your queue.');
  }

  /** Back to the episode played before, or to this one's start when it has been playing a while. */
  playPrevious(): void {
    const previous = this.history.at(-1);
    if (!previous || this.audio.currentTime > RESTART_AFTER) {
      this.audio.currentTime = 0;
      return;
    }
    this.history.pop();
    this.load({ ...previous, start: 0 }, { remember: false });
  }

  /** Reads chapters and highlights from the current page when it shows the playing episode. */
  syncPage(): void {
    const page = document.querySelector<HTMLElement>('[data-episode-id]');
    const here = page?.dataset.episodeId !== undefined && page.dataset.episodeId === this.track?.episodeId;
    if (here) {
      const found = [...document.querySelectorAll<HTMLElement>('.chapters li[data-start]')].map((li) => ({
        start: Number(li.dataset.start),
        title:
          li
            .querySelector('a')
            ?.textContent?.replace(/^\s*[\d:]+\s*/, '')
            .trim() ?? '',
      }));
      if (found.length) {
        this.chapters = found;
        this.#persist();
      }
    }
    this.#render();
  }

  // ── saving ──────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Sends the position to the server (signed-in listeners); `beacon` when the page is going away. */
  save(beacon = false): void {
    const track = this.track;
    if (!track) return;
    this.#persist();
    if (!this.#signedIn) return;
    void this.#postProgress({}, beacon);
  }

  /** Position (and `ended`: played or un-played) for the server; settles once it has answered. */
  #postProgress(extra: { ended?: boolean }, beacon = false): Promise<void> {
    const track = this.track;
    if (!track) return Promise.resolve();
    const body = {
      episodeId: Number(track.episodeId),
      positionSeconds: Math.floor(this.audio.currentTime),
      listenedSeconds: Math.min(120, Math.round(this.#listenedSinceSave)),
      ...extra,
      _csrf: csrf(),
    };
    this.#listenedSinceSave = 0;
    this.#lastSave = Date.now();
    const json = JSON.stringify(body);
    if (beacon && navigator.sendBeacon) {
      navigator.sendBeacon('/api/v1/me/progress', new Blob([json], { type: 'text/plain' }));
      return Promise.resolve();
    }
    return this.#send('/api/v1/me/progress', json).then(() => undefined);
  }

  #send(url: string, json: string): Promise<Response | undefined> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: json,
      credentials: 'same-origin',
      keepalive: true,
    })
      .then((r) => {
        if (r.status === 401) this.#signedIn = false;
        return r;
      })
      .catch(() => undefined);
  }

  async #advanceQueue(): Promise<PlayInfo | undefined> {
    if (!this.#signedIn) return undefined;
    const from = this.track ? Number(this.track.episodeId) : undefined;
    const r = await this.#send('/api/v1/me/queue/advance', JSON.stringify({ from, _csrf: csrf() }));
    if (!r?.ok) return undefined;
    const body: unknown = await r.json().catch(() => undefined);
    if (!body || typeof body !== 'object' || !('next' in body)) return undefined;
    const next = body.next as PlayInfo; // what /api/v1/me/queue/advance answers
    return typeof next?.audioUrl === 'string' ? next : undefined;
  }

  // ── playback events ─────────────────────────────────────────────────────────────────────────────────────────────

  #play(): void {
    this.audio.play().catch(() => this.#render());
  }

  #duration(): number {
    const a = this.audio;
    return Number.isFinite(a.duration) && a.duration > 0 ? a.duration : (this.track?.duration ?? 0);
  }

  #tick(): void {
    const a = this.audio;
    const t = a.currentTime;
    const delta = t - this.#lastTime;
    if (!a.paused && delta > 0 && delta < 5) this.#listenedSinceSave += delta / (a.playbackRate || 1);
    if (delta < 0 || delta >= 5) this.#runStart = t; // a jump, whoever made it
    this.#lastTime = t;
    this.#countDownSleep();
    if (!a.paused && Date.now() - this.#lastSave >= SAVE_EVERY_MS) this.save();
    if (!this.#endedSent && finishedByListening(this.#runStart, t, this.#duration())) this.#markEnded();
    this.#render();
    this.#highlight(t);
  }

  #seeked(): void {
    const t = this.audio.currentTime;
    this.#runStart = t;
    this.#lastTime = t;
    if (this.#endedSent && !isAtEnd(t, this.#duration())) this.#unmarkEnded();
  }

  #countDownSleep(): void {
    const now = performance.now();
    const elapsed = (now - this.#lastWall) / 1000;
    this.#lastWall = now;
    if (this.#sleepLeft === undefined || this.audio.paused) return;
    this.#sleepLeft -= elapsed;
    if (this.#sleepLeft > 0) return;
    this.audio.pause();
    this.setSleep('0');
  }

  #ended(): void {
    const d = this.#duration();
    if (!this.#endedSent && finishedByListening(this.#runStart, d, d)) this.#markEnded();
    const sleepNow = this.#sleepAtEnd;
    if (sleepNow) this.setSleep('0');
    this.#render();
    if (!sleepNow && this.#signedIn && this.#ui?.autoplay.checked) void this.#autoplayNext();
  }

  async #autoplayNext(): Promise<void> {
    const next = await this.#advanceQueue();
    if (next) this.load(trackFromPlayInfo(next));
  }

  #markEnded(): void {
    this.#endedSent = true;
    this.#playedChanged(true);
  }

  #unmarkEnded(): void {
    this.#endedSent = false;
    this.#playedChanged(false);
  }

  /** Tells the server, then the page (which asks the server for its Played button once the change is stored). */
  #playedChanged(played: boolean): void {
    const track = this.track;
    if (!track) return;
    const announce = (): void => {
      const detail = { episodeId: track.episodeId, played };
      document.dispatchEvent(new CustomEvent('earshot:played', { detail }));
    };
    if (this.#signedIn) void this.#postProgress({ ended: played }).then(announce);
    else announce();
  }

  #failed(): void {
    if (!this.track || !this.audio.error) return;
    this.#error = MEDIA_ERRORS[this.audio.error.code] ?? 'The audio could not be played.';
    this.#render();
  }

  #clearError(): void {
    if (this.#error === undefined) return;
    this.#error = undefined;
    this.#render();
  }

  #seekKey(event: KeyboardEvent): void {
    const steps: Record<string, number> = {
      ArrowLeft: -SLIDER_STEP,
      ArrowDown: -SLIDER_STEP,
      ArrowRight: SLIDER_STEP,
      ArrowUp: SLIDER_STEP,
      PageDown: -60,
      PageUp: 60,
    };
    const step = steps[event.key];
    if (step === undefined) return;
    event.preventDefault();
    this.skip(step);
  }

  #setVolume(volume: number): void {
    this.audio.volume = volume;
    if (volume > 0) this.audio.muted = false;
  }

  #volumeChanged(): void {
    const ui = this.#ui;
    if (!ui) return;
    const silent = this.audio.muted || this.audio.volume === 0;
    ui.mute.setAttribute('aria-pressed', String(this.audio.muted));
    ui.volume.value = String(Math.round(this.audio.volume * 100));
    ui.volume.setAttribute('aria-valuetext', silent ? 'muted' : `${ui.volume.value}%`);
    try {
      localStorage.setItem(
        VOLUME_KEY,
        JSON.stringify({ volume: this.audio.volume, muted: this.audio.muted }),
      );
    } catch {
      // Storage full or disabled: the volume lasts until the page is left.
    }
  }

  // ── rendering ───────────────────────────────────────────────────────────────────────────────────────────────────

  #render(): void {
    const ui = this.#ui;
    const track = this.track;
    if (!ui || !track) return;
    ui.bar.hidden = false;
    document.body.classList.add('has-player');
    const playing = !this.audio.paused && this.#error === undefined; // a failed load can leave `paused` false
    ui.play.textContent = playing ? '❚❚' : '▶';
    ui.play.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    this.dataset.state = this.#error ? 'error' : playing ? 'playing' : 'paused';
    this.#renderTrack(ui, track);
    this.#renderTime(ui);
    this.#renderExtras(ui);
    this.#renderError(ui, track);
    this.#renderPageButtons(track, playing);
    this.#renderMediaSession(playing);
  }

  #renderTrack(ui: PlayerUi, track: Track): void {
    ui.title.textContent = track.title;
    ui.title.href = track.href;
    ui.show.textContent = track.show;
    if (track.art) ui.art.src = track.art;
    ui.art.hidden = !track.art;
    const hasChapters = this.chapters.length > 0;
    ui.prevChapter.hidden = !hasChapters;
    ui.nextChapter.hidden = !hasChapters;
    const chapter = [...this.chapters].reverse().find((c) => c.start <= this.audio.currentTime);
    ui.chapterName.textContent = chapter?.title ?? '';
    ui.nextTrack.hidden = !this.#signedIn;
  }

  #renderTime(ui: PlayerUi): void {
    const t = this.audio.currentTime;
    const duration = this.#duration();
    ui.seek.max = String(Math.floor(duration));
    ui.seek.value = String(Math.floor(t));
    ui.seek.setAttribute('aria-valuetext', `${clock(t)} of ${clock(duration)}`);
    ui.time.textContent = `${clock(t)} / ${clock(duration)}`;
    ui.line.max = Math.max(1, duration);
    ui.line.value = Math.min(t, ui.line.max);
  }

  #renderExtras(ui: PlayerUi): void {
    const left = this.#sleepLeft;
    ui.sleepLeft.textContent =
      left !== undefined ? `Sleeps in ${clock(left)}` : this.#sleepAtEnd ? 'Sleeps at the end' : '';
    ui.autoplay.parentElement?.toggleAttribute('hidden', !this.#signedIn);
  }

  #renderError(ui: PlayerUi, track: Track): void {
    ui.error.hidden = this.#error === undefined;
    if (this.#error === undefined) return;
    ui.errorText.textContent = `Can't play “${track.title}”. ${this.#error}`;
    ui.download.href = track.src;
    ui.skip.hidden = !this.#signedIn;
    ui.time.textContent = 'Not playing';
  }

  #say(message: string): void {
    if (this.#ui) this.#ui.status.textContent = message;
  }

  /** The page's ▶ Play button of the playing episode says Pause while it plays. */
  #renderPageButtons(track: Track, playing: boolean): void {
    for (const b of document.querySelectorAll<HTMLButtonElement>('button[data-play]')) {
      const on = b.dataset.episodeId === track.episodeId && playing;
      const label = on ? 'Pause' : (b.dataset.label ?? 'Play');
      const text = b.querySelector('.play-label');
      if (!text || text.textContent === label) continue;
      text.textContent = label;
      const icon = b.querySelector('.play-icon');
      if (icon) icon.textContent = on ? '❚❚' : '▶';
      b.classList.toggle('playing', on);
      b.setAttribute('aria-label', `${label}: ${b.dataset.title ?? ''}`);
    }
  }

  #renderMediaSession(playing: boolean): void {
    if (!('mediaSession' in navigator)) return;
    navigator.mediaSession.playbackState = playing ? 'playing' : 'paused';
    const duration = this.#duration();
    const position = this.audio.currentTime;
    if (duration <= 0 || position > duration) return;
    try {
      navigator.mediaSession.setPositionState({
        duration,
        position,
        playbackRate: this.audio.playbackRate || 1,
      });
    } catch {
      // Some browsers reject position state while metadata is loading.
    }
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
      ['play', () => this.#play()],
      ['pause', () => this.audio.pause()],
      ['seekbackward', (d) => this.skip(-(d.seekOffset ?? 15))],
      ['seekforward', (d) => this.skip(d.seekOffset ?? 30)],
      [
        'seekto',
        (d) => {
          if (d.seekTime !== undefined) this.audio.currentTime = d.seekTime;
        },
      ],
      ['previoustrack', () => this.playPrevious()],
      ['nexttrack', () => void this.playNext()],
    ];
    for (const [action, handler] of handlers) {
      try {
        navigator.mediaSession.setActionHandler(action, handler);
      } catch {
        // Unsupported action in this browser.
      }
    }
  }

  // ── this tab's copy (the track survives a reload) ──────────────────────────────────────────────────────────────

  #persist(): void {
    if (!this.track) return;
    const state = {
      track: { ...this.track, start: Math.floor(this.audio.currentTime || this.track.start || 0) },
      chapters: this.chapters,
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
      const chapters = 'chapters' in state ? readChapters(state.chapters) : [];
      if (typeof t?.src === 'string' && typeof t.episodeId === 'string')
        this.load(t, { autoplay: false, chapters });
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
