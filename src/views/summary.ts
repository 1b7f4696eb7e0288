// An episode's summary is often the first paragraph of its notes too: the page prints it once.

const plain = (s: string): string =>
  s
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(?:nbsp|#160);/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/[\s\u2026.]+/g, ' ')
    .trim()
    .toLowerCase();

/** True when the notes already say what the summary says (the summary may be a truncation of them). */
export function summaryInNotes(summary: string, notesHtml: string | undefined): boolean {
  if (!notesHtml) return false;
  const s = plain(summary);
  if (!s) return true;
  return plain(notesHtml).includes(s);
}
