// The player's markup, built once: what <earshot-player> shows and the controls it wires up (src/client/player.ts).
// On a phone the bar is a one-row mini-player (cover, title, play/pause, a progress line) and `data-expanded` on the
// element turns it into a full sheet with every control (public/app.css).

export const SPEEDS = [0.5, 0.75, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

const SLEEP_CHOICES = [
  ['0', 'Sleep: off'],
  ['5', '5 min'],
  ['15', '15 min'],
  ['30', '30 min'],
  ['60', '60 min'],
  ['end', 'End of episode'],
] as const;

const SHORTCUTS =
  '<h2>Keyboard shortcuts</h2><dl><dt>Space</dt><dd>Play / pause</dd><dt>←</dt><dd>Back 15 s</dd><dt>→</dt><dd>Forward 30 s</dd>' +
  '<dt>Shift + ← / →</dt><dd>Previous / next chapter</dd><dt>[ / ]</dt><dd>Slower / faster</dd><dt>m</dt><dd>Mute</dd>' +
  '<dt>?</dt><dd>This help</dd></dl><form method="dialog"><button>Close</button></form>';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, text: string, attrs: Record<string, string> = {}): HTMLButtonElement {
  return el('button', { type: 'button', 'aria-label': label, ...attrs }, text);
}

export interface PlayerUi {
  bar: HTMLElement;
  expand: HTMLButtonElement;
  collapse: HTMLButtonElement;
  art: HTMLImageElement;
  title: HTMLAnchorElement;
  show: HTMLElement;
  chapterName: HTMLElement;
  prevChapter: HTMLButtonElement;
  back: HTMLButtonElement;
  play: HTMLButtonElement;
  fwd: HTMLButtonElement;
  nextChapter: HTMLButtonElement;
  nextTrack: HTMLButtonElement;
  seek: HTMLInputElement;
  time: HTMLElement;
  line: HTMLProgressElement;
  speed: HTMLSelectElement;
  sleep: HTMLSelectElement;
  sleepLeft: HTMLElement;
  mute: HTMLButtonElement;
  volume: HTMLInputElement;
  autoplay: HTMLInputElement;
  helpButton: HTMLButtonElement;
  help: HTMLDialogElement;
  error: HTMLElement;
  errorText: HTMLElement;
  retry: HTMLButtonElement;
  download: HTMLAnchorElement;
  skip: HTMLButtonElement;
  status: HTMLElement;
}

function select(label: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  const s = el('select', { 'aria-label': label });
  for (const [value, text] of options) s.append(el('option', { value }, text));
  return s;
}

function errorBox(): Pick<PlayerUi, 'error' | 'errorText' | 'retry' | 'download' | 'skip'> {
  const error = el('div', { class: 'player-error', role: 'alert', hidden: '' });
  const errorText = el('p', {});
  const retry = el('button', { type: 'button' }, 'Retry');
  const download = el('a', { href: '#', download: '', rel: 'nofollow noopener' }, 'Download audio');
  const skip = el('button', { type: 'button' }, 'Play next in queue');
  error.append(errorText, retry, download, skip);
  return { error, errorText, retry, download, skip };
}

export function buildPlayerUi(host: HTMLElement): PlayerUi {
  const bar = el('div', { class: 'player-bar', hidden: '', role: 'region', 'aria-label': 'Player' });
  const expand = button('Show all player controls', '▲', {
    class: 'player-expand',
    'aria-expanded': 'false',
  });
  const collapse = button('Minimise the player', '▼', { class: 'player-collapse' });
  const art = el('img', { class: 'player-art', alt: '', width: '48', height: '48' });
  const meta = el('div', { class: 'player-meta' });
  const title = el('a', { class: 'player-title', href: '#' });
  const show = el('span', { class: 'player-show' });
  const chapterName = el('span', { class: 'player-chapter' });
  meta.append(title, show, chapterName);

  const controls = el('div', { class: 'player-controls', role: 'group', 'aria-label': 'Playback' });
  const prevChapter = button('Previous chapter', '|◀', { hidden: '' });
  const back = button('Back 15 seconds', '−15');
  const play = button('Play', '▶', { class: 'player-play' });
  const fwd = button('Forward 30 seconds', '+30');
  const nextChapter = button('Next chapter', '▶|', { hidden: '' });
  const nextTrack = button('Play next in queue', 'Next', { class: 'player-next', hidden: '' });
  controls.append(prevChapter, back, play, fwd, nextChapter, nextTrack);

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
  const line = el('progress', { class: 'player-line', max: '1', value: '0', 'aria-hidden': 'true' });

  const extras = el('div', { class: 'player-extras' });
  const speed = select(
    'Playback speed',
    SPEEDS.map((s) => [String(s), `${s}×`]),
  );
  speed.value = '1';
  const sleep = select('Sleep timer', SLEEP_CHOICES);
  const sleepLeft = el('span', { class: 'player-sleep-left', 'aria-live': 'off' });
  const mute = button('Mute', 'Mute', { class: 'player-mute', 'aria-pressed': 'false' });
  const volume = el('input', {
    type: 'range',
    min: '0',
    max: '100',
    step: '5',
    value: '100',
    class: 'player-volume',
    'aria-label': 'Volume',
  });
  const autoplayLabel = el('label', { class: 'player-autoplay' });
  const autoplay = el('input', { type: 'checkbox' });
  autoplayLabel.append(autoplay, ' Autoplay queue');
  const helpButton = button('Keyboard shortcuts', '?', { class: 'player-help' });
  extras.append(speed, sleep, sleepLeft, mute, volume, autoplayLabel, helpButton);

  const help = el('dialog', { class: 'shortcuts', 'aria-label': 'Keyboard shortcuts' });
  help.innerHTML = SHORTCUTS;
  const status = el('p', { class: 'player-status', role: 'status' });
  const errors = errorBox();

  bar.append(collapse, art, meta, controls, expand, seekWrap, line, extras, errors.error, status);
  host.append(bar, help);
  return {
    bar,
    expand,
    collapse,
    art,
    title,
    show,
    chapterName,
    prevChapter,
    back,
    play,
    fwd,
    nextChapter,
    nextTrack,
    seek,
    time,
    line,
    speed,
    sleep,
    sleepLeft,
    mute,
    volume,
    autoplay,
    helpButton,
    help,
    status,
    ...errors,
  };
}
