// Column inference for tables (CSV/TSV/JSON objects): kinds, the text column, and the roles the
// analysis uses (date, rating, categories). Works on a sample of rows.

import { isStrongDateName, parseDate, profileDates, type DateFormat } from './dates';

export type ColumnKind = 'text' | 'number' | 'date' | 'category' | 'id' | 'empty';

export interface ColumnInfo {
  name: string;
  index: number;
  kind: ColumnKind;
  /** Mean length (characters) of the non-empty values in the sample. */
  avgLength: number;
  nonEmpty: number;
  distinct: number;
  numericRatio: number;
  dateRatio: number;
  /** Up to 3 example values. */
  examples: string[];
  /** Smallest / largest numeric value (NaN when none). */
  numMin: number;
  numMax: number;
  /** Why this column was (or could be) the text column: 'name' (header hint) or 'content'. */
  textHint?: 'name' | 'content';
  /** How its values are read as dates (day/month order, numbers, two-digit years), decided from the sample. */
  dateFormat?: DateFormat;
  /** A rating-named column whose values are ratings written out ("4/5", "★★★★", "Very satisfied"): their range. */
  writtenRatings?: { ratio: number; min: number; max: number };
  /** A value (not a missing-value marker) that could not be read as a date, when the column also has dates. */
  notADate?: string;
}

export interface ColumnRoles {
  textColumn?: string;
  /** Text-like columns, best first (for a quick pick when ambiguous). */
  candidates: string[];
  /** True when no header hint decided and two candidates score similarly. */
  ambiguous: boolean;
  dateColumn?: string;
  /** How the date column's values are read; the same for every row of the file. */
  dateFormat?: DateFormat;
  /** A date-named column whose values could not be read as dates (when no date column was found). */
  unreadableDateColumn?: string;
  ratingColumn?: string;
  ratingScale?: RatingScale;
  /**
   * A rating-named column whose sampled values are 0 and 1 (or shares) only: no scale yet. The analysis reads its
   * values in every row and takes it as ratings when later rows show a scale (a 4 or a 5 after a first page of 0s
   * and 1s); a genuine 0/1 or 0–1 column stays unrated.
   */
  ratingCandidate?: string;
  categoryColumns: string[];
}

const TEXT_HINTS = new Set([
  'text', 'feedback', 'comment', 'comments', 'review', 'reviews', 'body', 'message', 'msg', 'content', 'description',
  'verbatim', 'response', 'answer', 'note', 'notes', 'remark', 'remarks', 'opinion', 'complaint', 'suggestion',
  'reply', 'sentence', 'utterance', 'quote', 'details', 'detail', 'summary', 'issue', 'ticket', 'post', 'tweet',
  '评论', '内容', '反馈', '评价', '留言', '意见', '文本', '描述', '回复', '建议', '正文', '备注',
  // German, French, Spanish, Portuguese, Italian, Dutch, Japanese, Korean exports
  'kommentar', 'kommentare', 'rezension', 'nachricht', 'inhalt', 'beschreibung', 'anmerkung', 'commentaire', 'commentaires',
  'avis', 'texte', 'comentario', 'comentarios', 'reseña', 'resena', 'opinión', 'mensaje', 'texto', 'comentário',
  'comentários', 'mensagem', 'commento', 'commenti', 'recensione', 'testo', 'opmerking', 'opmerkingen', 'レビュー', 'コメント',
  '本文', '리뷰', '댓글', '내용', '의견',
]);
const NOT_TEXT_TOKENS = new Set(['id', 'date', 'time', 'rating', 'score', 'count', 'type', 'url', 'link', 'author', 'user', 'name', 'email', 'lang', 'language', 'label', 'sentiment', 'stars', 'star', 'num', 'number', 'length', 'len']);
const DATE_HINTS = /(^|_|\b)(date|time|timestamp|created|updated|submitted|posted|day|week|month|at|datum|fecha|erstellt)($|_|\b)|日期|时间|日付|날짜/i;
// (a rating column must also hold numbers or written ratings: a German "Bewertung" of review texts stays text)
const RATING_HINTS = /(^|_|\b)(rating|ratings|stars?|score|nps|rate|grade|satisfaction|satisfied|csat|recommend|bewertung|sterne|punkte|valoraci[oó]n|puntuaci[oó]n|calificaci[oó]n|estrellas|[ée]toiles|avalia[cç][aã]o|estrelas|valutazione|stelle|beoordeling|sterren)($|_|\b)|评分|星级|打分|评星|分数|满意度|评价等级|推荐|評価|별점|평점/i;
const CATEGORY_HINTS = /(^|_|\b)(product|version|app_?version|platform|plan|tier|channel|category|segment|region|country|market|os|device|source|store|team|feature|area|component|type|language|locale|lang|browser|release|sku|brand|model|topic|subcategory|intent|reason|tags?|queue|department|dept|priority|status|produkt|kategorie|plattform|producto|categor[ií]a|plataforma|produit|cat[ée]gorie|plateforme|prodotto)($|_|\b)|产品|版本|平台|渠道|类别|类型|分类|地区|套餐|系统|机型|来源|标签|意图|原因/i;
const ID_HINTS = /(^|_|\b)(id|uuid|guid|key|no|number|#)($|_|\b)|编号/i;

function tokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Is this a typical column name (text, date, rating, category or id hint)? Used for header detection. */
export function isKnownColumnName(name: string): boolean {
  return hasTextNameHint(name) || DATE_HINTS.test(name) || ratingNamed(name) || CATEGORY_HINTS.test(name) || /^(id|uuid|user|author|name|email|title|subject|label|sentiment|lang|language)$/i.test(name.trim());
}

export function hasTextNameHint(name: string): boolean {
  // A JSON field flattened to a dotted path ("comments.userComment.text", "user.bio"): its last part names the value,
  // the parts before name what holds it, so "comments.userComment.text" is text (its "user" is the container's) and
  // "comments.userComment.device" is not (its "comments" is the container's).
  // A last part that is a number or a language code names no value: pandas' duplicate "Feedback.1", a translated
  // "text.en" / "answer.zh-CN" take the part before it.
  const n = DOTTED_PATH.test(name) ? lastNamingPart(name) : name;
  const t = tokens(n);
  if (t.some((x) => NOT_TEXT_TOKENS.has(x))) return false;
  if (t.some((x) => TEXT_HINTS.has(x))) return true;
  // Chinese, Japanese and Korean headers are not split into words.
  for (const h of TEXT_HINTS) if (/[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(h) && n.includes(h)) return true;
  return false;
}

/** The last part of a dotted name that is neither a number nor a language code ("a.b.text.en" -> "text"). */
function lastNamingPart(name: string): string {
  const parts = name.split('.');
  while (parts.length > 1 && /^(\d+|[a-z]{2}(?:[-_][A-Za-z]{2,4})?)$/.test(parts[parts.length - 1])) parts.pop();
  return parts[parts.length - 1];
}

/** A flattened JSON field's name (json.ts flattenRecord): parts joined by dots, no spaces. */
const DOTTED_PATH = /^[^\s.]+(\.[^\s.]+)+$/;

/**
 * A rating-named column ("Stars", "Overall Rating", "NPS", "评分"); camelCase names too (Google Play's "starRating",
 * "userRating"). The one rule for the readers (a table's rating column) and generate (its evidence's rating field).
 */
export function ratingNamed(name: string): boolean {
  return RATING_HINTS.test(name) || RATING_HINTS.test(name.replace(/(\p{Ll})(\p{Lu})/gu, '$1_$2'));
}

const NUMERIC_RE = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?([.,]\d+)?%?$/;
export function isNumeric(v: string): boolean {
  return v !== '' && /\d/.test(v) && NUMERIC_RE.test(v.trim());
}

export { parseDate } from './dates';

/**
 * What exports write for "no value" ("N/A", "null", "-", "unknown"): not a value of the column, so a date or
 * rating column with such cells in some rows is still a date or rating column (the rows are undated or unrated).
 */
const MISSING_VALUE = /^(?:n\/?a|#n\/a|none|null|nil|nan|unknown|missing|not available|not applicable|not provided|[-–—?]+)$/i;
export function isMissingValue(v: string): boolean {
  return MISSING_VALUE.test(v.trim());
}

const URL_OR_EMAIL = /^(?:(?:https?|ftp):\/\/\S+|www\.\S+|[^\s@,;]+@[^\s@,;]+\.[a-z]{2,})$/i;
const JSON_VALUE = /^(?:\{\s*"[\s\S]*\}|\[\s*[\[{"][\s\S]*\])$/;

/** A column name rather than a question or a sentence: a few words, no closing punctuation. */
function headerLike(name: string): boolean {
  const n = name.trim();
  return n.length <= 40 && n.split(/\s+/).length <= 5 && !/[.!?。！？…:：]$/.test(n);
}

/** At least half of the (first 50) values are several words: prose, not codes. */
function multiWord(values: readonly string[]): boolean {
  const head = values.slice(0, 50);
  return head.filter((v) => /\S\s+\S/.test(v)).length * 2 >= head.length;
}

/** Names made distinct (a repeated "Labels" becomes "Labels_2"); a blank one is named by its index ("c3"). */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    let name = n.trim() || `c${i}`;
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    if (k) name = `${name}_${k + 1}`;
    return name;
  });
}

/** Infers kinds of the columns from sample rows (cells by column index). */
export function inferColumns(names: string[], rows: string[][]): ColumnInfo[] {
  return names.map((name, index) => {
    const values: string[] = [];
    for (const r of rows) {
      const v = (r[index] ?? '').trim();
      if (v) values.push(v);
    }
    const nonEmpty = values.length;
    const distinctSet = new Set(values);
    const distinct = distinctSet.size;
    const avgLength = nonEmpty ? values.reduce((a, v) => a + [...v].length, 0) / nonEmpty : 0;
    // numbers, dates and ratings are counted among the cells that hold a value ("N/A", "-" hold none)
    const valued = values.filter((v) => !isMissingValue(v));
    const numericRatio = valued.length ? valued.filter(isNumeric).length / valued.length : 0;
    const dateFormat = profileDates(valued, isStrongDateName(name));
    const notDates = valued.filter((v) => parseDate(v, dateFormat) === undefined);
    const dateRatio = valued.length ? 1 - notDates.length / valued.length : 0;
    let numMin = NaN, numMax = NaN;
    for (const v of valued) {
      if (!isNumeric(v)) continue;
      const n = Number(v.replace(/%$/, '').replace(/,(?=\d{3}\b)/g, '').replace(',', '.'));
      if (!Number.isFinite(n)) continue;
      if (Number.isNaN(numMin) || n < numMin) numMin = n;
      if (Number.isNaN(numMax) || n > numMax) numMax = n;
    }
    const letters = nonEmpty ? values.filter((v) => /\p{L}/u.test(v)).length / nonEmpty : 0;
    // links and e-mail addresses identify a row or a person; a nested JSON object or list (kept whole beside its dotted
    // fields) is structure: neither is feedback text nor a category
    const urlish = nonEmpty > 0 && values.filter((v) => URL_OR_EMAIL.test(v) || JSON_VALUE.test(v)).length >= nonEmpty * 0.8;
    let kind: ColumnKind;
    if (!nonEmpty) kind = 'empty';
    else if (dateRatio >= 0.8) kind = 'date';
    else if (numericRatio >= 0.8) kind = ID_HINTS.test(name) && distinct === nonEmpty ? 'id' : 'number';
    else if (letters < 0.5) kind = ID_HINTS.test(name) || distinct === nonEmpty ? 'id' : 'category';
    else if (ID_HINTS.test(name) && !/\s/.test(values.join('')) && distinct === nonEmpty) kind = 'id';
    else if (urlish) kind = 'id';
    else if (avgLength >= 20 || (distinct / nonEmpty > 0.7 && avgLength >= 12) || (multiWord(values) && avgLength >= 15)) kind = 'text';
    else if (distinct <= Math.max(12, nonEmpty * 0.3)) kind = 'category';
    else kind = avgLength >= 8 ? 'text' : 'category';
    const info: ColumnInfo = { name, index, kind, avgLength, nonEmpty, distinct, numericRatio, dateRatio, examples: [...distinctSet].slice(0, 3), numMin, numMax };
    if (ratingNamed(name) && numericRatio < 0.8 && nonEmpty) {
      const read = valued.map(parseRating).filter((n): n is number => n !== undefined);
      if (read.length) info.writtenRatings = { ratio: read.length / valued.length, min: Math.min(...read), max: Math.max(...read) };
    }
    if (kind === 'date' && dateFormat) info.dateFormat = dateFormat;
    if (notDates.length && notDates.length < valued.length) info.notADate = notDates[0];
    // A hint counts in a name, not in a survey's question ("How satisfied are you with Notes?" holds no notes), nor over ids.
    if (hasTextNameHint(name) && headerLike(name) && kind !== 'id' && numericRatio < 0.5 && dateRatio < 0.5 && letters >= 0.5 && !urlish) info.textHint = 'name';
    else if (kind === 'text') info.textHint = 'content';
    return info;
  });
}

function textScore(c: ColumnInfo, rowsSampled = 0): number {
  const distinctRatio = c.nonEmpty ? c.distinct / c.nonEmpty : 0;
  // a column answered in half the rows weighs less than one answered in all
  const fill = rowsSampled > 0 ? Math.min(1, c.nonEmpty / rowsSampled) : 1;
  return c.avgLength * (1 - c.numericRatio) * (0.3 + 0.7 * distinctRatio) * (0.4 + 0.6 * fill) * (c.nonEmpty > 0 ? 1 : 0);
}

/**
 * What the team wrote back, not what the customer said: a store's "Developer Reply Text", a ticket's "Agent response",
 * an "Internal note". Named like text, but never preferred over the customer's own column.
 */
const OWN_REPLY = /(^|_|\b)(developer|dev|agent|staff|admin|internal|team|our|merchant|seller|vendor|shop|business|owner|moderator)s?[ _-]*(reply|replies|response|responses|answer|answers|note|notes|comment|comments|remark)(_?text)?($|_|\b)|(^|_|\b)(reply|response)[ _-]*(from|by)[ _-]*(developer|dev|agent|staff|team|us|seller|merchant|shop)|商家回复|卖家回复|掌柜回复|官方回复|客服回复/i;

/** A name-hinted text column's rank: long texts, in most rows, mostly distinct (a reply pasted into a few rows ranks low). */
function namedScore(c: ColumnInfo, rowsSampled: number): number {
  const fill = rowsSampled > 0 ? Math.min(1, c.nonEmpty / rowsSampled) : 1;
  const distinctRatio = c.nonEmpty ? c.distinct / c.nonEmpty : 0;
  return c.avgLength * fill * (0.3 + 0.7 * distinctRatio) * (OWN_REPLY.test(c.name) ? 0.1 : 1);
}

/** Picks the text column (header hints first, then the longest mostly-non-numeric distinct strings) and the other roles. */
export function detectRoles(columns: ColumnInfo[], rowsSampled: number): ColumnRoles {
  const byName = columns.filter((c) => c.textHint === 'name').sort((a, b) => namedScore(b, rowsSampled) - namedScore(a, rowsSampled));
  const byContent = columns
    .filter((c) => c.kind === 'text' && c.textHint !== 'name')
    .sort((a, b) => textScore(b, rowsSampled) - textScore(a, rowsSampled));
  const candidates = [...byName, ...byContent].map((c) => c.name);
  let textColumn: string | undefined;
  let ambiguous = false;
  if (byName.length) {
    textColumn = byName[0].name;
    // A much longer unhinted text column next to a short hinted one (e.g. "title" vs a body without a name) is worth asking about.
    if (byContent.length && byContent[0].avgLength > byName[0].avgLength * 2.5) ambiguous = true;
    // Two customer-text columns of similar weight ("What should we improve?" and "Anything else?"): worth asking too.
    if (byName.length > 1 && !OWN_REPLY.test(byName[1].name) && namedScore(byName[1], rowsSampled) >= 0.6 * namedScore(byName[0], rowsSampled)) ambiguous = true;
  } else if (byContent.length) {
    textColumn = byContent[0].name;
    ambiguous = byContent.length > 1 && textScore(byContent[1], rowsSampled) >= 0.6 * textScore(byContent[0], rowsSampled);
  }
  const roles: ColumnRoles = { textColumn, candidates, ambiguous, categoryColumns: [] };
  const rest = columns.filter((c) => c.name !== textColumn);
  const date = rest.filter((c) => c.kind === 'date').sort((a, b) => Number(DATE_HINTS.test(b.name)) - Number(DATE_HINTS.test(a.name)) || b.dateRatio - a.dateRatio)[0];
  if (date) {
    roles.dateColumn = date.name;
    if (date.dateFormat) roles.dateFormat = date.dateFormat;
  } else {
    const named = rest.find((c) => c.kind !== 'empty' && isStrongDateName(c.name));
    if (named) roles.unreadableDateColumn = named.name;
  }
  for (const c of rest) {
    if (!ratingNamed(c.name)) continue;
    const written = c.numericRatio < 0.8 && c.writtenRatings && c.writtenRatings.ratio >= 0.8 ? c.writtenRatings : undefined;
    if (c.numericRatio < 0.8 && !written) continue;
    const scale = written ? ratingScale(written.min, written.max, c.name) : ratingScale(c.numMin, c.numMax, c.name);
    if (!scale) {
      if (!roles.ratingCandidate && c.numMin >= 0 && c.numMax <= 1) roles.ratingCandidate = c.name;
      continue;
    }
    delete roles.ratingCandidate;
    roles.ratingColumn = c.name;
    roles.ratingScale = scale;
    break;
  }
  for (const c of rest) {
    if (c.name === roles.dateColumn || c.name === roles.ratingColumn || c.name === roles.ratingCandidate || c.kind === 'empty' || c.kind === 'id') continue;
    const hinted = CATEGORY_HINTS.test(c.name);
    const lowCard = c.distinct >= 2 && c.distinct <= Math.max(2, Math.min(30, rowsSampled * 0.5)) && c.avgLength <= 40;
    // a named column may hold many values (77 support intents): the report tables the largest and sums the rest,
    // as long as values repeat (at most a third of the rows distinct beyond 60)
    const manyNamed = c.distinct <= 60 || (c.distinct <= 120 && c.distinct <= rowsSampled / 3);
    if ((hinted && manyNamed && c.avgLength <= 60) || (c.kind === 'category' && lowCard)) roles.categoryColumns.push(c.name);
  }
  // four at most: columns that vary in the sample before constant ones (one value tells nothing within a file)
  const varies = (n: string) => ((columns.find((c) => c.name === n)?.distinct ?? 0) >= 2 ? 0 : 1);
  roles.categoryColumns = roles.categoryColumns.map((n, i) => ({ n, i })).sort((a, b) => varies(a.n) - varies(b.n) || a.i - b.i).map((x) => x.n).slice(0, 4);
  return roles;
}

/** Ratings written out, on a 1-5 scale: satisfaction and quality scales (English, Chinese), thumbs. */
const WRITTEN_RATINGS: [RegExp, number][] = [
  [/^(very|extremely|completely) (dissatisfied|unsatisfied|unhappy|poor|bad)$|^(terrible|awful|strongly disagree)$|^非常不满意$|^很不满意$|^差评$/i, 1],
  [/^(dissatisfied|unsatisfied|unhappy|poor|bad|disagree|somewhat dissatisfied)$|^不满意$|^较差$/i, 2],
  [/^(neutral|neither( satisfied nor dissatisfied| agree nor disagree)?|ok(ay)?|fair|average|mixed)$|^一般$|^中评$|^还行$/i, 3],
  [/^(satisfied|happy|good|agree|somewhat satisfied)$|^满意$|^较好$|^好$/i, 4],
  [/^(very|extremely|completely) (satisfied|happy|good)$|^(excellent|great|strongly agree|outstanding)$|^非常满意$|^很满意$|^好评$/i, 5],
  [/^(thumbs? ?down|👎)$/iu, 1],
  [/^(thumbs? ?up|👍)$/iu, 5],
];

/**
 * A rating as a number: "4", "4,5" (decimal comma), "4/5", "4 out of 5", "8/10", "4 stars", "★★★★☆" (the filled
 * stars), or a written scale ("Very satisfied" = 5, "Dissatisfied" = 2; "thumbs up" = 5). Undefined when it is not one.
 */
export function parseRating(raw: string): number | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  let m = /^(\d+(?:[.,]\d+)?)\s*(?:\/|out of|of|von|sur)\s*(5|10)$/i.exec(s);
  if (m) return Number(m[1].replace(',', '.'));
  m = /^(\d+(?:[.,]\d+)?)\s*(?:stars?|★|星)$/i.exec(s);
  if (m) return Number(m[1].replace(',', '.'));
  if (/^[★☆✩✪⭐]+$/u.test(s)) return [...s].filter((c) => c === '★' || c === '⭐' || c === '✪').length;
  // Chinese: 五星, 三颗星, 4分, 5星好评
  m = /^([一二两三四五六七八九十]|\d+(?:\.\d+)?)\s*(?:颗星|星级|星|分)(?:好评|中评|差评)?$/u.exec(s);
  if (m) return /\d/.test(m[1]) ? Number(m[1]) : '一二三四五六七八九十'.indexOf(m[1].replace('两', '二')) + 1;
  if (/^-?\d+(?:[.,]\d+)?$/.test(s)) return Number(s.replace(',', '.'));
  const t = s.toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  for (const [re, v] of WRITTEN_RATINGS) if (re.test(t)) return v;
  return undefined;
}

/** A rating scale: 1-5 or 0-5 stars, 0/1-10 points, or a Net Promoter Score (0-10, its own cut-offs). */
export interface RatingScale {
  min: number;
  max: number;
  nps?: boolean;
}

const NPS_HINTS = /(^|_|\b)(nps|recommend|likelihood_to_recommend|ltr)($|_|\b)|推荐/i;

/**
 * Rating scale from the observed range (and the column's name, for NPS): values up to 5 are stars (a 0 among them is
 * the lowest star, not a sign of a 0-10 scale), up to 10 points; undefined when it doesn't look like ratings.
 */
export function ratingScale(lo: number, hi: number, name = ''): RatingScale | undefined {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo < 0) return undefined;
  // 0-1 values are a share or a thumbs up/down (0/1), not stars: read as stars, every one of them was negative
  if (lo < 1 && hi <= 1) return undefined;
  if (hi <= 5) return { min: lo === 0 ? 0 : 1, max: 5 };
  if (hi <= 10) return NPS_HINTS.test(name) ? { min: 0, max: 10, nps: true } : { min: lo === 0 ? 0 : 1, max: 10 };
  return undefined;
}

/** The sentiment a rating stands for: stars 0-2 / 3 / 4-5; points 0-4 / 5-6 / 7-10; NPS detractors 0-6, passives 7-8, promoters 9-10. */
export function ratingSentiment(value: number, scale: RatingScale): 'negative' | 'neutral' | 'positive' {
  if (scale.max === 5) return value <= 2 ? 'negative' : value < 4 ? 'neutral' : 'positive';
  if (scale.nps) return value <= 6 ? 'negative' : value < 9 ? 'neutral' : 'positive';
  return value <= 4 ? 'negative' : value < 7 ? 'neutral' : 'positive';
}

/** How a scale was read, for reports: "1–5 stars (1–2 negative, 3 neutral, 4–5 positive)". */
export function describeRatingScale(scale: RatingScale): string {
  if (scale.nps) return 'NPS 0–10 (detractors 0–6 negative, passives 7–8 neutral, promoters 9–10 positive)';
  if (scale.max === 5) return `${scale.min}–5 stars (${scale.min}–2 negative, 3 neutral, 4–5 positive)`;
  return `${scale.min}–10 points (${scale.min}–4 negative, 5–6 neutral, 7–10 positive)`;
}
