// Pure transcript and chapter parsers (no I/O): bytes or text in, normalised cues and chapters out.
export { chaptersFromPodlove, parseJsonChapters } from './chapters.ts';
export {
  type CueMarks,
  cueMarks,
  decodeCueMarks,
  encodeCueMarks,
  findMoment,
  findMomentInText,
  holdsEveryWord,
  type TranscriptMoment,
} from './moment.ts';
export { decodeText } from './text-util.ts';
export {
  chooseFormat,
  formatFromType,
  formatFromUrl,
  parseTranscript,
  parseTranscriptBytes,
  parseTranscriptInTurns,
  sniffFormat,
  type TranscriptHints,
  transcriptPlainText,
} from './transcript.ts';
export * from './types.ts';
