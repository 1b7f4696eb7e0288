// itunes:explicit (and googleplay:explicit) in all its spellings: Apple's `true|false`, the legacy
// `yes|no|clean|explicit`, any case, with stray whitespace. Anything else is unknown.

export function parseExplicit(raw: string): boolean | undefined {
  switch (raw.trim().toLowerCase()) {
    case 'yes':
    case 'true':
    case 'explicit':
      return true;
    case 'no':
    case 'false':
    case 'clean':
      return false;
    default:
      return undefined;
  }
}
