// English (and Chinese) function words without a meaning of their own, for lists a reader scans for meaning: the words that point to
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
 * Chinese function words, as a Chinese item is cut into words (analysis/phrases.ts zhReaderWords): particles (的 了 吗 呢
 * 吧), pronouns and demonstratives (我 你们 这个 什么 其他), the copula 是 and 有, prepositions and conjunctions (在 把 被 给 和
 * 为了 或者), the measure word 个 and 一 (一些 有些), 觉得, and 很, which Chinese puts before a predicative adjective (很好,
 * 很快) as a matter of grammar, not of degree. Negations (不 没 没有), 太 ("too"), 最, 但 and the like say something and are not in the list.
 */
const ZH_FUNCTION_WORDS = new Set(`的 地 得 之 了 着 过 吗 呢 吧 啊 呀 哦 嗯 啦 呗 嘛 么 哈 我 你 您 他 她 它 咱 我们 你们 他们 她们 它们 咱们
  自己 大家 这 那 哪 这个 那个 这些 那些 这样 那样 这么 那么 这里 那里 这儿 那儿 什么 怎么 是 有 在 和 与 及 或 跟 同 把 被 给 让
  从 对 向 往 于 以 为 个 一 很 就 也 都 又 才 还 再 而 一些 有些 其他 其它 别的 觉得 为了 或者 于是`.split(/\s+/));

/**
 * Whether a word is a function word: compared in lower case, without the punctuation around it; a contraction is one
 * when each of its parts is ("I'm", "it's"; not "don't", whose "t" is a negation).
 */
export function isFunctionWord(word: string): boolean {
  if (ZH_FUNCTION_WORDS.has(word.trim())) return true;
  const parts = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').split(/['’]/);
  return parts.length > 0 && parts[0] !== '' && parts.every((p) => FUNCTION_WORDS.has(p));
}

/** The words a reader is shown of `words` (strongest first): each once whatever its case, no function words. */
export function namedWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  return words.filter((w) => {
    const key = w.toLowerCase();
    if (seen.has(key) || isFunctionWord(w)) return false;
    seen.add(key);
    return true;
  });
}
