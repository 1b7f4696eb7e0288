// The authors before a citation's title: "Applebaum, Anne", "Costea, Bogdan and Peter Watt", "Davies, R. W., and
// Oleg Khlevnyuk", "Smith, J., & Lee, K.", "Britannica, The Editors of Encyclopaedia". Names come out as written,
// the inverted ones turned round ("Anne Applebaum").

const PARTICLES = /^(?:of|de|del|della|van|von|der|den|la|le|du|da|dos|bin|al|y|the)$/i;

/** The names in `text`, or none when it does not read as a list of names. */
export function parseAuthors(raw: string): string[] {
  let text = raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^by\s+/i, '')
    .replace(/\s*\((?:eds?|editors?|trans|comp)\.?\)/gi, '')
    .replace(/,?\s*(?:eds?|editors?)\.?$/i, '')
    .replace(/,?\s*et al\.?$/i, '')
    .replace(/[\s,;:]+$/, '');
  // A full stop that ends the list, not an initial's.
  if (/\.$/.test(text) && !/(?:^|[\s.])\p{Lu}\.$/u.test(text) && !/\b(?:Jr|Sr)\.$/.test(text))
    text = text.slice(0, -1);
  if (text === '' || text.length > 300 || /\d/.test(text)) return [];
  const groups = text.split(/\s*(?:,\s*(?:and|&)\s+|\s+(?:and|&)\s+|;\s*)/i).filter((g) => g !== '');
  const names: string[] = [];
  groups.forEach((group, index) => {
    const chunks = group.split(/\s*,\s*/).filter((c) => c !== '');
    if (chunks.length === 1) {
      names.push(chunks[0] ?? '');
      return;
    }
    // "Smith, J., Jones, K.": surname, initials pairs.
    if (chunks.length % 2 === 0 && chunks.every((c, i) => i % 2 === 0 || isInitials(c))) {
      for (let i = 0; i < chunks.length; i += 2) names.push(`${chunks[i + 1]} ${chunks[i]}`);
      return;
    }
    // The first author inverted ("Last, First"), any others as written.
    const [last, first, ...others] = chunks;
    if (index === 0 && last !== undefined && first !== undefined) {
      names.push(`${first} ${last}`);
      names.push(...others);
    } else names.push(...chunks);
  });
  const clean = names.map((n) => n.trim()).filter((n) => n !== '');
  return clean.every(isName) ? clean : [];
}

function isInitials(text: string): boolean {
  return /^(?:\p{Lu}\.?[\s-]?){1,4}$/u.test(text);
}

/** One to eight words, the first capitalised, none but particles in lower case. */
function isName(text: string): boolean {
  const words = text.split(' ');
  if (words.length > 8) return false;
  if (!/^\p{Lu}/u.test(text)) return false;
  return words.every((w) => /^[\p{Lu}'’(]/u.test(w) || PARTICLES.test(w));
}
