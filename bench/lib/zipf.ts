// Words drawn as bench:web and search-profile draw them.
/** Zipf-like draws over the vocabulary (most frequent first): rank k is drawn with weight 1/(k+1). */
export function zipf(words: readonly string[], random: () => number): () => string {
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 0; k < words.length; k++) {
    sum += 1 / (k + 1);
    cumulative.push(sum);
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? 'history';
  };
}

/**
 * The searches of bench:web's varied rows, drawn from a catalogue's vocabulary: `n` distinct words, a word and the
 * first 2–4 letters of another (a word being typed), and a word said in transcripts (alone or after a word).
 */
export function searchDraws(
  vocabulary: { words: readonly string[]; spokenWords: readonly string[] },
  random: () => number,
): { words: (n: number) => string; wordAndPrefix: () => string; spoken: () => string } {
  const word = zipf(vocabulary.words, random);
  const spoken = zipf(vocabulary.spokenWords, random);
  const prefix = (w: string): string =>
    w.slice(0, Math.max(2, Math.min(w.length - 1, 2 + Math.floor(random() * 3))));
  return {
    words: (n) => {
      const out: string[] = [];
      while (out.length < n) {
        const w = word();
        if (!out.includes(w)) out.push(w);
      }
      return out.join(' ');
    },
    wordAndPrefix: () => `${word()} ${prefix(word())}`,
    spoken: () => (random() < 0.5 ? spoken() : `${word()} ${spoken()}`),
  };
}
