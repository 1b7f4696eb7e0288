// Bounded, deterministic hostile inputs: path parameter values by parameter name, query strings, bodies with the
// Content-Types that go with them, and a seeded PRNG for a few random requests per route. Nothing here knows a
// route: values are chosen by parameter name, so a new route gets the same treatment.
import { gzipSync } from 'node:zlib';

/** FNV-1a: a per-route seed that does not depend on the order routes were registered in. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** What the sweep knows about the two listeners and the catalogue (ids and names, never their private data). */
export interface Targets {
  attacker: { name: string; device: string };
  victim: { name: string; device: string };
  showIds: number[];
  episodeIds: number[];
  /** Episodes the victim queued / has progress on (the ids are public; the state is not). */
  victimEpisodeIds: number[];
  personIds: number[];
}

const UNKNOWN_IDS = ['999999', '2147483648', '999999999999999', '9'.repeat(40)];
const NOT_IDS = [
  '0',
  '-1',
  'abc',
  '1e3',
  '1.5',
  '0x10',
  '01',
  '1%00',
  '%ZZ',
  '%F0%9F%8E%A7',
  '..%2F..%2Fetc%2Fpasswd',
  "1'%20OR%20'1'='1",
  'x'.repeat(199),
  'x'.repeat(400),
];
const NAMES = [
  'nobody',
  'a'.repeat(65),
  'al%00ice',
  '..',
  '%ZZ',
  'x%2Fy',
  '%20',
  '%3Cscript%3E',
  'x'.repeat(400),
];

/** Values for one path parameter; the first is a valid default for when other parameters are under test. */
export function paramValues(route: string, param: string, t: Targets): string[] {
  const segments = route.split('/');
  const before = segments[segments.indexOf(`:${param}`) - 1] ?? '';
  const first = <T>(xs: readonly T[], what: string): T => {
    const x = xs[0];
    if (x === undefined) throw new Error(`the demo catalogue has no ${what}`);
    return x;
  };
  switch (param) {
    case 'id': {
      const own =
        before === 'shows' || before === 'follows'
          ? first(t.showIds, 'show')
          : before === 'people'
            ? first(t.personIds, 'person')
            : first(t.episodeIds, 'episode');
      return [
        String(own),
        ...[...new Set([...t.showIds.slice(0, 2), ...t.victimEpisodeIds, ...t.personIds.slice(0, 1)])]
          .filter((id) => id !== own)
          .map(String),
        ...UNKNOWN_IDS,
        ...NOT_IDS,
      ];
    }
    case 'user':
      return [
        t.attacker.name,
        t.victim.name,
        t.attacker.name.toUpperCase(),
        t.victim.name.toUpperCase(),
        ...NAMES,
      ];
    case 'file':
      return [
        `${t.attacker.name}.json`,
        `${t.attacker.device}.json`,
        `${t.victim.name}.json`,
        `${t.victim.device}.json`,
        `${t.victim.device}.opml`,
        `${t.victim.name}.txt`,
        `${t.attacker.name}.opml`,
        `${t.attacker.name}.txt`,
        `${t.attacker.name}.jsonp`,
        `${t.attacker.name}.xml`,
        `${t.attacker.name}.JSON`,
        t.attacker.name,
        '.json',
        'account.json',
        'device.json',
        'podcast.json',
        'episode.json',
        'weird.json',
        '10.json',
        '0.json',
        '-1.json',
        '1e9.json',
        '99999999999999999999.json',
        'abc.json',
        `${'x'.repeat(190)}.json`,
        '%ZZ.json',
        'a%20b.json',
        '..%2F..%2Fpackage.json',
      ];
    case 'op':
      return ['next', 'up', 'down', 'remove', 'weird', 'NEXT', '%ZZ', 'x'.repeat(300)];
    case 'name':
    case '*':
      return [
        'cover.png',
        'app.css',
        'icon.svg',
        'nope.wav',
        '../package.json',
        '..%2F..%2F..%2Fpackage.json',
        '%2e%2e%2f%2e%2e%2fpackage.json',
        '....//....//package.json',
        '%00',
        '%ZZ',
        '.',
        'x'.repeat(300),
      ];
    default:
      return ['x', 'valid-looking-token', ...NOT_IDS, ...NAMES];
  }
}

/** Query strings sent to every GET route (a route that ignores a parameter may answer 200; none may answer 500). */
export function hostileQueries(t: Targets): string[] {
  return [
    'page=-1',
    'page=abc',
    'page=99999999',
    'limit=1e9',
    'limit=-5',
    'limit=0',
    'limit=abc',
    'limit=1&limit=2',
    'offset=-1',
    'offset=1e99',
    'sort=weird',
    'sort=oldest&sort=newest',
    'sort[$ne]=1',
    't=NaN',
    't=-1',
    't=1e99',
    't=12:34',
    'after=garbage',
    'after=%ZZ',
    `after=${'x'.repeat(1000)}`,
    `after=${Buffer.from('{"k":"9999","id":-1}').toString('base64url')}`,
    'q=',
    'q=%20%20',
    `q=${'x'.repeat(5000)}`,
    'q=%22%27%3Cscript%3E*%20OR%20NEAR(%22',
    'q=*',
    'q[]=a&q[]=b',
    'since=-1',
    'since=abc',
    'since=1e30',
    'since=99999999999999999999',
    'since=0',
    'since=0&aggregated=true',
    'podcast=not%20a%20url&since=0',
    `device=${t.victim.device}&since=0`,
    'device=..%2F&since=0',
    'aggregated=maybe',
    'jsonp=alert(1)%3C/script%3E',
    `jsonp=${'x'.repeat(1000)}`,
    'scope=weird&podcast=&episode=',
    'msg=weird&n=-1',
    'next=//evil.example/',
    'next=https://evil.example/',
    'next=/%5Cevil.example',
    'token=',
    '%ZZ=1',
    '__proto__[x]=1',
  ];
}

export interface HostileBody {
  label: string;
  contentType?: string;
  contentEncoding?: string;
  payload?: string | Buffer;
  /** Form bodies carry the CSRF token inside, like the pages' forms. */
  formCsrf?: boolean;
}

let bomb: Buffer | undefined;
/** 20 MB of zeros, gzipped to ~20 KB: must be refused by size, not inflated into memory. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(20 * 1024 * 1024));
  return bomb;
}

export function hostileBodies(t: Targets): HostileBody[] {
  const json = (label: string, value: string): HostileBody => ({
    label,
    contentType: 'application/json',
    payload: value,
  });
  const form = (label: string, value: string): HostileBody => ({
    label,
    contentType: 'application/x-www-form-urlencoded',
    payload: value,
    formCsrf: true,
  });
  return [
    { label: 'no body' },
    json('empty JSON body', ''),
    json('malformed JSON', '{"positionSeconds":'),
    json('JSON array', '[]'),
    json('JSON null', 'null'),
    json('JSON string', '"text"'),
    json('JSON number', '12'),
    json('JSON {}', '{}'),
    json('deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`),
    json('prototype pollution', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}'),
    json(
      'wrong types',
      '{"positionSeconds":"abc","episodeId":"1","to":"x","next":"yes","ended":"no","listenedSeconds":{}}',
    ),
    json('huge numbers', '{"positionSeconds":1e308,"episodeId":1e308,"to":1e308,"listenedSeconds":1e308}'),
    json('negative numbers', '{"positionSeconds":-1,"episodeId":-5,"to":-1,"listenedSeconds":-1}'),
    json(
      'subscription change with junk',
      JSON.stringify({
        add: [1, null, {}, 'not a url', 'javascript:alert(1)', 'http://127.0.0.1/x', 'file:///etc/passwd'],
        remove: 'x',
      }),
    ),
    json(
      'actions with junk items',
      JSON.stringify([
        { action: 'play', position: 'x' },
        { podcast: 1 },
        null,
        'x',
        {
          action: 'PLAY',
          podcast: 'http://e.example/x',
          episode: 'http://e.example/y',
          timestamp: 'not a date',
          position: -5,
          started: 9e99,
          total: 0,
        },
        { action: 'play', podcast: '', episode: '', timestamp: '9999-99-99T99:99:99', device: '../x' },
      ]),
    ),
    json('actions as an object', '{"actions":{"a":1}}'),
    json('device with an overlong caption', JSON.stringify({ caption: 'c'.repeat(5000), type: { $ne: 1 } })),
    json('settings junk', '{"set":"x","remove":{"a":1}}'),
    json('sync-devices junk', '{"synchronize":"x","stop-synchronize":[[1,null]]}'),
    json(
      'cross-user references',
      JSON.stringify({ user: t.victim.name, device: t.victim.device, userId: 1, episodeId: 1 }),
    ),
    form('form junk', 'a=1&a=2&name=&password=&to=abc&open=maybe&url=not%20a%20url'),
    form('form with a private URL', 'url=http%3A%2F%2F127.0.0.1%2Fadmin&opml=%3Copml'),
    form('form with a script URL', 'url=javascript%3Aalert(1)&current=x&password=short'),
    form(
      'form with broken OPML',
      `opml=${encodeURIComponent('<opml><body><outline xmlUrl="http://[::1"/><outline xmlUrl=')}`,
    ),
    form('form with an overlong field', `name=${'n'.repeat(10_000)}&password=${'p'.repeat(10_000)}`),
    { label: 'text/plain not JSON', contentType: 'text/plain', payload: 'hello' },
    { label: 'XML', contentType: 'application/xml', payload: '<a><b/></a>' },
    {
      label: 'multipart',
      contentType: 'multipart/form-data; boundary=xx',
      payload: '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xx--\r\n',
    },
    { label: 'JSON as UTF-16', contentType: 'application/json; charset=utf-16', payload: '{}' },
    {
      label: 'invalid UTF-8',
      contentType: 'application/json',
      payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    },
    { label: 'unknown content type', contentType: 'application/x-weird', payload: '{}' },
    { label: 'garbage content type', contentType: ';;;', payload: '{}' },
    {
      label: 'not gzip',
      contentType: 'application/json',
      contentEncoding: 'gzip',
      payload: 'not gzip at all',
    },
    {
      label: 'gzip bomb',
      contentType: 'application/json',
      contentEncoding: 'gzip',
      payload: gzipBomb(),
    },
    {
      label: 'unknown content encoding',
      contentType: 'application/json',
      contentEncoding: 'br, zstd',
      payload: '{}',
    },
    json('oversized body (3 MB)', `"${'x'.repeat(3 * 1024 * 1024)}"`),
    json('oversized body (9 MB)', `"${'x'.repeat(9 * 1024 * 1024)}"`),
  ];
}

/** Authorization headers that are wrong in every way a client gets them wrong. */
export function badAuthHeaders(t: Targets, attackerPassword: string): { label: string; value: string }[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [
    { label: 'malformed base64', value: 'Basic !!!not-base64!!!' },
    { label: 'empty Basic', value: 'Basic ' },
    { label: 'no colon', value: `Basic ${b64(t.attacker.name)}` },
    { label: 'empty user', value: `Basic ${b64(`:${attackerPassword}`)}` },
    { label: 'unknown user', value: `Basic ${b64(`nobody-here:${attackerPassword}`)}` },
    {
      label: "victim's name with the attacker's password",
      value: `Basic ${b64(`${t.victim.name}:${attackerPassword}`)}`,
    },
    { label: 'wrong password', value: `Basic ${b64(`${t.attacker.name}:wrong`)}` },
    { label: 'latin-1 garbage', value: `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x80]).toString('base64')}` },
    { label: 'another scheme', value: 'Bearer abc.def.ghi' },
    { label: 'overlong', value: `Basic ${b64(`${'u'.repeat(4000)}:${'p'.repeat(4000)}`)}` },
  ];
}

/** Cookie headers a broken client or a forger sends. */
export function badCookieHeaders(): { label: string; value: string }[] {
  return [
    { label: 'malformed escapes', value: 'sessionid=%ZZ; earshot_session=%ZZ; earshot_csrf=%E0%A4%A' },
    { label: 'forged sessions', value: 'sessionid=forged-session; earshot_session=forged-session' },
    { label: 'overlong', value: `sessionid=${'s'.repeat(8000)}; earshot_session=${'e'.repeat(8000)}` },
    { label: 'junk', value: ';;;=;sessionid;=x; ="; earshot_session="' },
  ];
}

/** A random string over an alphabet that stresses URL parsing and escaping. */
export function randomText(rand: () => number, max: number): string {
  const alphabet = [
    'a',
    'Z',
    '0',
    '9',
    '-',
    '_',
    '.',
    '~',
    '%',
    '%2F',
    '%00',
    '%ZZ',
    '%C3%A9',
    '%F0%9F%8E%A7',
    '+',
    '*',
    "'",
    '"',
    '<',
    '>',
    '(',
    ')',
    ':',
    ';',
    ',',
    '@',
    '!',
    '$',
  ];
  const n = Math.floor(rand() * max);
  let out = '';
  for (let i = 0; i < n; i++) out += pick(rand, alphabet);
  return out;
}

/** A random JSON value up to a small depth: the shapes handlers get from broken clients. */
export function randomJson(rand: () => number, depth = 0): unknown {
  const r = rand();
  if (depth > 2 || r < 0.35) {
    return pick(rand, [
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e21,
      -9e15,
      2 ** 53 + 1,
      '',
      'play',
      'http://e.example/feed',
      '2024-01-01T00:00:00',
      'x'.repeat(Math.floor(rand() * 300)),
      '\u0000\uD800',
    ]);
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => randomJson(rand, depth + 1));
  const keys = [
    'add',
    'remove',
    'action',
    'podcast',
    'episode',
    'position',
    'started',
    'total',
    'timestamp',
    'guid',
    'device',
    'caption',
    'type',
    'set',
    'synchronize',
    'positionSeconds',
    'episodeId',
    'to',
    'next',
    'ended',
    '_csrf',
  ];
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) out[pick(rand, keys)] = randomJson(rand, depth + 1);
  return out;
}
