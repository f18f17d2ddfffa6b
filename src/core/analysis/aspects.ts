// Contrastive feedback ("fast shipping but the strap broke", "物流很快，但是质量很差"): split at contrast
// markers so each clause can be classified on its own.

// "yet" contrasts only as a conjunction (", yet", "and yet", a sentence's first word, or "yet" opening a clause with
// its subject: "fast shipping yet the strap broke"), not as the adverb of "I have yet to see it", "not yet", "the best yet".
const EN_MARKERS =
  /\s*(?:[,;]\s*)?\b(?:but|however|although|though|even though|whereas|except that|except|on the other hand|unfortunately|sadly|apart from that|other than that)\b[,:]?\s*|\s*(?:[,;]\s*(?:and\s+)?|\band\s+|(?<=^|[.!?]\s*))\byet\b[,:]?\s*|\s+yet\s+(?=(?:the|it|its|it's|i|i'm|they|we|this|that|these|those|my|our|your|their|there|he|she|you|nothing|no one)\b)/gi;
// Not a contrast: 不但 ("not only"), 只不过 inside a clause / 再好不过 / 不过如此 / 忙不过来 ("merely", "couldn't be better",
// "just so-so", "too much to handle"), 冷却 ("cooling"), and 只是 as "only" inside a clause ("距离只是马路对面": the
// distance is only across the road); 只是 and 只不过 contrast opening a clause ("，只是送餐慢", "很好，只不过吃完拉肚子了")
// or, 只是, before a reservation ("不错只是有点贵").
const ZH_MARKERS =
  /\s*[，,;；]?\s*(?:(?<!不)但是?(?![愿凡])|可是|(?<!只|再|最|再好|最好|再合适|最合适)不过(?!瘾|如此|来|去)|然而|(?<![冷忘退])却|(?<=^|[\s，,;；。.!！?？…])(?:只是|只不过)|(?<!不)只是(?=有点|有些|稍|略|太|不)|可惜|就是有点)\s*[，,]?\s*/g;

function meaningful(clause: string): boolean {
  const han = (clause.match(/\p{Script=Han}/gu) ?? []).length;
  const words = (clause.match(/[A-Za-z]{2,}/g) ?? []).length;
  return han >= 2 || words >= 2;
}

/**
 * Clauses of a contrastive text, or [] when it has no contrast marker (or only one meaningful side).
 * The marker is dropped; "Although A, B" keeps A and B.
 */
export function splitContrast(text: string): string[] {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length > 1000) return [];
  const hasEn = /\b(but|however|although|though|yet|whereas|except|unfortunately|sadly|on the other hand)\b/i.test(t);
  const hasZh = /但是|但|可是|不过|然而|却|只是|可惜/.test(t);
  if (!hasEn && !hasZh) return [];
  let parts = [t];
  if (hasEn) parts = parts.flatMap((p) => p.split(EN_MARKERS));
  if (hasZh) parts = parts.flatMap((p) => p.split(ZH_MARKERS));
  // "Although the app is fast, it crashes": the comma after a leading concession is the boundary.
  parts = parts.flatMap((p, i) => (i === 1 && parts[0].trim() === '' && /,/.test(p) ? p.split(/,\s*/, 2) : [p]));
  const clauses = parts.map((p) => p.replace(/^[\s,.;:，。；：!！?？]+|[\s,;:，；：]+$/g, '')).filter(meaningful);
  return clauses.length >= 2 ? clauses.slice(0, 4) : [];
}
