// English function words without a meaning of their own, for lists a reader scans for meaning: the words that point to
// a trained class (train/class-words.ts) and the words an item was "driven by" in the report (analysis/markdown.ts). A
// model can lean on "the" or "it" by chance, and the measure is right to show it where every word is shown (Explain
// Sentiment, the Report view's marks), but a short list of "the", "it", "I" tells a reader nothing. Negations ("not",
// "no", "never", "don't"), "but", "again", "since", "too" and the like say something and are not in the list. No
// imports: webviews may bundle it.

const FUNCTION_WORDS = new Set(`a an the and or nor of to in on at by for from with as into onto than that this these those
  there here it its i me my mine we us our ours you your yours he him his she her hers they them their theirs is are was
  were be been being am do does did have has had having will would shall should can could may might must s m re ve ll d
  which who whom whose what`.split(/\s+/));

/**
 * Whether a word is a function word: compared in lower case, without the punctuation around it; a contraction is one
 * when each of its parts is ("I'm", "it's"; not "don't", whose "t" is a negation).
 */
export function isFunctionWord(word: string): boolean {
  const parts = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').split(/['’]/);
  return parts.length > 0 && parts[0] !== '' && parts.every((p) => FUNCTION_WORDS.has(p));
}
