// People named by feeds (`podcast:person`, `itunes:author`/owner, credits in show notes), shared across shows and
// episodes: a person is one or more names (a `Person` row each) joined by a link, a picture or an admin.

export interface Person {
  id: number;
  name: string;
  /** Latest link and image any feed gave for this person. */
  href?: string;
  img?: string;
}

/** A person's part in a show or an episode. */
export interface Credit {
  person: Person;
  role: string;
  group: string;
}

/**
 * The identity of a person across feeds: the name, trimmed, whitespace collapsed, case-folded.
 * Two feeds naming "Tracy V. Wilson" credit the same person.
 */
export function personKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * A person as a feed credits them on a show or an episode (`podcast:person`): before it is matched to a stored
 * `Person` by `personKey(name)`.
 */
export interface CreditedPerson {
  name: string;
  /** Lowercased role from the Podcasting 2.0 taxonomy (`host`, `guest`, `producer`, …); `host` when not given. */
  role: string;
  /** Lowercased group from the taxonomy (`cast`, `writing`, …); `cast` when not given. */
  group: string;
  /** A picture of the person. */
  img?: string;
  /** The person's page. */
  href?: string;
}

/**
 * A name's family name as identity resolution compares it: the last word (a "Jr."/"III" suffix skipped), without
 * punctuation or diacritics, case-folded. "Tracy V. Wilson" and "Tracy Wilson" share one; "Holly Frey" does not.
 */
export function familyName(name: string): string {
  const words = personKey(name)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}\s'-]/gu, '')
    .split(' ')
    .filter((w) => w !== '' && !/^(?:jr|sr|ii|iii|iv)$/u.test(w));
  return words.at(-1) ?? '';
}

/**
 * An admin's merge (one person's names joined to another's), split (one name taken out of a person) or split by show
 * (a person's credits on some shows moved to a new person of the same name: two people who share a name).
 */
export interface PersonChange {
  id: number;
  kind: 'merge' | 'split' | 'split-show';
  /** Merge: the person merged away. Split: the name split off. Split by show: the new person. */
  personId: number;
  /** Merge: the person merged into. Split and split by show: the person split from. */
  otherId: number;
  /** Split by show: the shows whose credits moved. */
  showIds?: number[];
  createdAt: string;
  undoneAt?: string;
}

/** Why an admin's merge, split or undo was refused. */
export class PersonChangeError extends Error {
  constructor(
    readonly code:
      | 'not-found'
      | 'same-person'
      | 'not-joined'
      | 'conflict'
      | 'already-undone'
      | 'no-credits'
      | 'nothing-left',
    message: string,
  ) {
    super(message);
    this.name = 'PersonChangeError';
  }
}
