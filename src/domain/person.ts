// People named by feeds (`podcast:person`), shared across shows and episodes.

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
