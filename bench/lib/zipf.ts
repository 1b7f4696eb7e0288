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
