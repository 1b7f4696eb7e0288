// The one rule for user names, for sign-up, `earshot users add` and the gPodder sync routes alike.
//
// A name is NFKC-normalised and trimmed, then must be 1–64 of the characters a-z A-Z 0-9 . _ - (RFC 3986's
// unreserved set without `~`, and within mygpo's `[\w.+-]+`): every podcast app puts the name into URL paths such as
// /api/2/subscriptions/NAME/DEV.json, and these characters need no escaping there in any client. A name made only of
// dots is refused (`.` and `..` are path navigation). Names compare case-insensitively.
//
// Look-alikes: `userNameSkeleton` folds a name to what it looks like (NFKC, the common Cyrillic and Greek letters
// that look Latin mapped to Latin, I/1/| → l, 0 → o, case folded, rn → m, vv → w, cl → d), after UTS #39's skeleton
// idea. Two accounts whose skeletons are equal could pass for each other, so a new name whose skeleton equals an
// existing one's is refused. The mapping is deliberately small: new names are ASCII, so only ASCII look-alikes and
// the scripts that older names (created before this rule) may contain need folding.

export const USER_NAME_MAX_LENGTH = 64;

const ALLOWED = /^[A-Za-z0-9._-]+$/;

export type UserNameCheck = { ok: true; name: string } | { ok: false; message: string };

const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Cyrillic}/u, 'a Cyrillic letter'],
  [/\p{Script=Greek}/u, 'a Greek letter'],
  [/\p{Script=Armenian}/u, 'an Armenian letter'],
  [/\p{L}/u, 'a letter outside a–z'],
  [/\p{N}/u, 'a digit outside 0–9'],
  [/\s/u, 'a space'],
  [/\p{C}/u, 'an invisible or control character'],
];

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = SCRIPTS.find(([re]) => re.test(ch))?.[1];
  const shown = /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) ? `"${ch}" ` : '';
  return `${shown}(${code}${kind === undefined ? '' : `, ${kind}`})`;
}

/** Checks a name for a NEW account; answers the name to store (NFKC, trimmed) or a message for the person. */
export function checkNewUserName(raw: string): UserNameCheck {
  const name = raw.normalize('NFKC').trim();
  if (name === '') return { ok: false, message: 'Choose a user name.' };
  if ([...name].length > USER_NAME_MAX_LENGTH)
    return { ok: false, message: `User names are at most ${USER_NAME_MAX_LENGTH} characters.` };
  if (!ALLOWED.test(name)) {
    const bad = [...name].find((ch) => !ALLOWED.test(ch)) ?? '';
    return {
      ok: false,
      message: `User names may use the letters a–z and A–Z, digits, '.', '_' and '-' only, so that every podcast app can put them in a web address; ${describeChar(bad)} is not one of them.`,
    };
  }
  if (/^\.+$/.test(name)) return { ok: false, message: 'A user name needs a letter or a digit.' };
  return { ok: true, name };
}

/** Whether a name passes the rule (what sign-up and the CLI accept, and what the sync routes expect). */
export function isUserName(name: string): boolean {
  const check = checkNewUserName(name);
  return check.ok && check.name === name;
}

/**
 * Whether a string could name an EXISTING account, for look-ups (sign-in, the user in a sync URL): accounts made
 * before the rule may hold other characters, and must still be able to sign in. No control characters, no `/`.
 */
export function couldBeUserName(name: string): boolean {
  return (
    name.length > 0 &&
    [...name].length <= USER_NAME_MAX_LENGTH &&
    !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}/\\]/u.test(name)
  );
}

/** Letters of other scripts that look like Latin ones, mapped to the Latin letter (case kept). */
// biome-ignore format: a table reads better in rows
const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ь: 'b', п: 'n', г: 'r',
  А: 'A', В: 'B', Е: 'E', Ё: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X',
  Ѕ: 'S', І: 'I', Ї: 'I', Ј: 'J', Ԁ: 'D', Ԛ: 'Q', Ԝ: 'W', Һ: 'H', Ӏ: 'l',
  // Greek
  α: 'a', β: 'b', γ: 'y', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y',
  Χ: 'X',
  // Armenian and Latin extras that read as ASCII letters
  օ: 'o', ս: 'u', հ: 'h', ո: 'n', ı: 'i', ȷ: 'j', ɑ: 'a', ɡ: 'g', ℓ: 'l',
  // ASCII look-alikes
  I: 'l', '1': 'l', '|': 'l', '0': 'o',
};

/** What a name looks like: equal skeletons mean the two names could pass for each other. */
export function userNameSkeleton(name: string): string {
  let folded = '';
  for (const ch of name.normalize('NFKC').trim().normalize('NFD')) {
    if (/\p{Mn}/u.test(ch)) continue; // accents are dropped: "alicé" reads as "alice" at a glance
    folded += LOOKALIKES[ch] ?? ch;
  }
  return folded.toLowerCase().replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/cl/g, 'd').normalize('NFC');
}
