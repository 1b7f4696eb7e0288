// The SSRF guard: which resolved addresses a feed fetch may connect to.
import { isIP } from 'node:net';

/** Why an address is refused, for the error message and for tests. */
export type BlockedRange =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  /** TEST-NET-1/2/3 and 2001:db8::/32: never a real server, often a lab or a container network. */
  | 'documentation'
  /** One of the addresses of this host's own interfaces (a service bound to 0.0.0.0 answers there). */
  | 'own-address';

interface V4Range {
  base: number;
  bits: number;
  range: BlockedRange;
}

function v4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function cidr4(base: string, bits: number, range: BlockedRange): V4Range {
  const value = v4(base);
  if (value === undefined) throw new Error(`bad CIDR base ${base}`);
  return { base: value, bits, range };
}

const V4_BLOCKED: readonly V4Range[] = [
  cidr4('0.0.0.0', 8, 'unspecified'), // "this network", 0.0.0.0 reaches the local host on Linux
  cidr4('10.0.0.0', 8, 'private'),
  cidr4('100.64.0.0', 10, 'cgnat'),
  cidr4('127.0.0.0', 8, 'loopback'),
  cidr4('169.254.0.0', 16, 'link-local'), // includes the cloud metadata address 169.254.169.254
  cidr4('172.16.0.0', 12, 'private'),
  cidr4('192.0.0.0', 24, 'reserved'), // IETF protocol assignments
  cidr4('192.0.2.0', 24, 'documentation'), // TEST-NET-1
  cidr4('192.168.0.0', 16, 'private'),
  cidr4('198.18.0.0', 15, 'reserved'), // benchmarking
  cidr4('198.51.100.0', 24, 'documentation'), // TEST-NET-2
  cidr4('203.0.113.0', 24, 'documentation'), // TEST-NET-3
  cidr4('224.0.0.0', 4, 'multicast'),
  cidr4('240.0.0.0', 4, 'reserved'), // includes broadcast 255.255.255.255
];

function inV4(value: number, r: V4Range): boolean {
  const size = 2 ** (32 - r.bits);
  return value >= r.base && value < r.base + size;
}

/** Parses an IPv6 literal (with optional embedded dotted IPv4 and zone id) into eight 16-bit groups. */
function v6(text: string): number[] | undefined {
  let rest = text;
  const zone = rest.indexOf('%');
  if (zone !== -1) rest = rest.slice(0, zone);
  const lastColon = rest.lastIndexOf(':');
  const last = rest.slice(lastColon + 1);
  if (last.includes('.')) {
    // Rewrite a trailing dotted IPv4 (::ffff:127.0.0.1) as two hex groups (::ffff:7f00:1).
    const value = v4(last);
    if (value === undefined) return undefined;
    rest = `${rest.slice(0, lastColon + 1)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const back = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === undefined || back === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - back.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...back];
}

function embeddedV4(groups: readonly number[]): number {
  return (groups[6] ?? 0) * 65536 + (groups[7] ?? 0);
}

function classifyV4(value: number): BlockedRange | undefined {
  for (const r of V4_BLOCKED) if (inV4(value, r)) return r.range;
  return undefined;
}

function classifyV6(g: readonly number[]): BlockedRange | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (firstFiveZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d): judge the IPv4 inside.
  if (firstFiveZero && (g5 === 0xffff || g5 === 0)) return classifyV4(embeddedV4(g));
  // NAT64 (64:ff9b::/96) also reaches an IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return classifyV4(embeddedV4(g));
  // 6to4 (2002::/16) embeds an IPv4 address in groups 1-2.
  if (g0 === 0x2002) return classifyV4(g1 * 65536 + g2);
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xffc0) === 0xfec0) return 'reserved'; // deprecated site-local
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  return undefined;
}

/**
 * The blocked range an IP address literal falls into, or undefined when it is a public address.
 * Anything that is not a parseable IP literal counts as blocked ('reserved'): the guard fails closed.
 * `own`: this host's interface addresses (see ownAddresses): one of them is blocked as 'own-address' even when public.
 */
export function blockedRange(address: string, own?: OwnAddresses): BlockedRange | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare.split('%')[0] ?? '');
  if (family === 4) {
    const value = v4(bare);
    if (value === undefined) return 'reserved';
    return classifyV4(value) ?? (own?.has(`4:${value}`) === true ? 'own-address' : undefined);
  }
  if (family === 6) {
    const groups = v6(bare);
    if (groups === undefined) return 'reserved';
    const range = classifyV6(groups);
    if (range !== undefined || own === undefined) return range;
    if (own.has(`6:${groups.join(':')}`)) return 'own-address';
    // An IPv4-mapped form of one of this host's IPv4 addresses.
    const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0] = groups;
    if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0))
      return own.has(`4:${embeddedV4(groups)}`) ? 'own-address' : undefined;
    return undefined;
  }
  return 'reserved';
}

/** This host's addresses in a form blockedRange compares quickly. */
export type OwnAddresses = ReadonlySet<string>;

/** The addresses of the host's interfaces (what `os.networkInterfaces()` returns), for blockedRange. */
export function ownAddresses(
  interfaces: Readonly<Record<string, readonly { address: string }[] | undefined>>,
): OwnAddresses {
  const out = new Set<string>();
  for (const list of Object.values(interfaces)) {
    for (const { address } of list ?? []) {
      const bare = address.split('%')[0] ?? '';
      const family = isIP(bare);
      if (family === 4) {
        const value = v4(bare);
        if (value !== undefined) out.add(`4:${value}`);
      } else if (family === 6) {
        const groups = v6(bare);
        if (groups !== undefined) out.add(`6:${groups.join(':')}`);
      }
    }
  }
  return out;
}
