// Column inference for tables (CSV/TSV/JSON objects): kinds, the text column, and the roles the
// analysis uses (date, rating, categories). Works on a sample of rows.

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
}

export interface ColumnRoles {
  textColumn?: string;
  /** Text-like columns, best first (for a quick pick when ambiguous). */
  candidates: string[];
  /** True when no header hint decided and two candidates score similarly. */
  ambiguous: boolean;
  dateColumn?: string;
  ratingColumn?: string;
  ratingScale?: { min: number; max: number };
  categoryColumns: string[];
}

const TEXT_HINTS = new Set([
  'text', 'feedback', 'comment', 'comments', 'review', 'reviews', 'body', 'message', 'msg', 'content', 'description',
  'verbatim', 'response', 'answer', 'note', 'notes', 'remark', 'remarks', 'opinion', 'complaint', 'suggestion',
  'reply', 'sentence', 'utterance', 'quote', 'details', 'detail', 'summary', 'issue', 'ticket', 'post', 'tweet',
  '评论', '内容', '反馈', '评价', '留言', '意见', '文本', '描述', '回复', '建议', '正文', '备注',
]);
const NOT_TEXT_TOKENS = new Set(['id', 'date', 'time', 'rating', 'score', 'count', 'type', 'url', 'link', 'author', 'user', 'name', 'email', 'lang', 'language', 'label', 'sentiment', 'stars', 'star', 'num', 'number', 'length', 'len']);
const DATE_HINTS = /(^|_|\b)(date|time|timestamp|created|updated|submitted|posted|day|week|month|at)($|_|\b)|日期|时间/i;
const RATING_HINTS = /(^|_|\b)(rating|ratings|stars?|score|nps|rate|grade)($|_|\b)|评分|星级|打分|评星|分数/i;
const CATEGORY_HINTS = /(^|_|\b)(product|version|app_?version|platform|plan|tier|channel|category|segment|region|country|market|os|device|source|store|team|feature|area|component|type|language|locale|lang|browser|release|sku|brand|model|topic)($|_|\b)|产品|版本|平台|渠道|类别|类型|分类|地区|套餐|系统|机型|来源/i;
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
  return hasTextNameHint(name) || DATE_HINTS.test(name) || RATING_HINTS.test(name) || CATEGORY_HINTS.test(name) || /^(id|uuid|user|author|name|email|title|subject|label|sentiment|lang|language)$/i.test(name.trim());
}

export function hasTextNameHint(name: string): boolean {
  const t = tokens(name);
  if (t.some((x) => NOT_TEXT_TOKENS.has(x))) return false;
  if (t.some((x) => TEXT_HINTS.has(x))) return true;
  // Chinese headers are not split into words.
  for (const h of TEXT_HINTS) if (/[\u4e00-\u9fff]/.test(h) && name.includes(h)) return true;
  return false;
}

const NUMERIC_RE = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?([.,]\d+)?%?$/;
export function isNumeric(v: string): boolean {
  return v !== '' && /\d/.test(v) && NUMERIC_RE.test(v.trim());
}

/** Parses the date formats feedback exports use; returns a UTC timestamp (ms) of the calendar day, or undefined. */
export function parseDate(v: string): number | undefined {
  const s = v.trim();
  if (s.length < 6 || s.length > 40) return undefined;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T\s].*)?$/.exec(s);
  if (m) {
    const a = +m[1], b = +m[2], y = +m[3];
    // US month/day unless the first part cannot be a month; dots mean day.month (European).
    if (s.includes('.') || a > 12) return ymd(y, b, a);
    return ymd(y, a, b);
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  if (/^\d{10}(\d{3})?$/.test(s)) return undefined; // epoch numbers are too ambiguous
  if (/[a-z]{3}/i.test(s) && /\d{4}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) {
      const d = new Date(t);
      return ymd(d.getFullYear(), d.getMonth() + 1, d.getDate());
    }
  }
  return undefined;
}

function ymd(y: number, mo: number, d: number): number | undefined {
  if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const t = Date.UTC(y, mo - 1, d);
  return new Date(t).getUTCDate() === d ? t : undefined;
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
    const numericRatio = nonEmpty ? values.filter(isNumeric).length / nonEmpty : 0;
    const dateRatio = nonEmpty ? values.filter((v) => parseDate(v) !== undefined).length / nonEmpty : 0;
    let numMin = NaN, numMax = NaN;
    for (const v of values) {
      if (!isNumeric(v)) continue;
      const n = Number(v.replace(/%$/, '').replace(/,(?=\d{3}\b)/g, '').replace(',', '.'));
      if (!Number.isFinite(n)) continue;
      if (Number.isNaN(numMin) || n < numMin) numMin = n;
      if (Number.isNaN(numMax) || n > numMax) numMax = n;
    }
    const letters = nonEmpty ? values.filter((v) => /\p{L}/u.test(v)).length / nonEmpty : 0;
    let kind: ColumnKind;
    if (!nonEmpty) kind = 'empty';
    else if (dateRatio >= 0.8) kind = 'date';
    else if (numericRatio >= 0.8) kind = ID_HINTS.test(name) && distinct === nonEmpty ? 'id' : 'number';
    else if (letters < 0.5) kind = ID_HINTS.test(name) || distinct === nonEmpty ? 'id' : 'category';
    else if (ID_HINTS.test(name) && !/\s/.test(values.join('')) && distinct === nonEmpty) kind = 'id';
    else if (avgLength >= 20 || (distinct / nonEmpty > 0.7 && avgLength >= 12) || /\s\S+\s/.test(values.slice(0, 50).join(' ') ) && avgLength >= 15) kind = 'text';
    else if (distinct <= Math.max(12, nonEmpty * 0.3)) kind = 'category';
    else kind = avgLength >= 8 ? 'text' : 'category';
    const info: ColumnInfo = { name, index, kind, avgLength, nonEmpty, distinct, numericRatio, dateRatio, examples: [...distinctSet].slice(0, 3), numMin, numMax };
    if (hasTextNameHint(name) && numericRatio < 0.5 && dateRatio < 0.5 && letters >= 0.5) info.textHint = 'name';
    else if (kind === 'text') info.textHint = 'content';
    return info;
  });
}

function textScore(c: ColumnInfo): number {
  const distinctRatio = c.nonEmpty ? c.distinct / c.nonEmpty : 0;
  return c.avgLength * (1 - c.numericRatio) * (0.3 + 0.7 * distinctRatio) * (c.nonEmpty > 0 ? 1 : 0);
}

/** Picks the text column (header hints first, then the longest mostly-non-numeric distinct strings) and the other roles. */
export function detectRoles(columns: ColumnInfo[], rowsSampled: number): ColumnRoles {
  const byName = columns.filter((c) => c.textHint === 'name').sort((a, b) => b.avgLength - a.avgLength);
  const byContent = columns
    .filter((c) => c.kind === 'text' && c.textHint !== 'name')
    .sort((a, b) => textScore(b) - textScore(a));
  const candidates = [...byName, ...byContent].map((c) => c.name);
  let textColumn: string | undefined;
  let ambiguous = false;
  if (byName.length) {
    textColumn = byName[0].name;
    // A much longer unhinted text column next to a short hinted one (e.g. "title" vs a body without a name) is worth asking about.
    if (byContent.length && byContent[0].avgLength > byName[0].avgLength * 2.5) ambiguous = true;
  } else if (byContent.length) {
    textColumn = byContent[0].name;
    ambiguous = byContent.length > 1 && textScore(byContent[1]) >= 0.6 * textScore(byContent[0]);
  }
  const roles: ColumnRoles = { textColumn, candidates, ambiguous, categoryColumns: [] };
  const rest = columns.filter((c) => c.name !== textColumn);
  const date = rest.filter((c) => c.kind === 'date').sort((a, b) => Number(DATE_HINTS.test(b.name)) - Number(DATE_HINTS.test(a.name)) || b.dateRatio - a.dateRatio)[0];
  if (date) roles.dateColumn = date.name;
  for (const c of rest) {
    if (!RATING_HINTS.test(c.name) || c.numericRatio < 0.8) continue;
    const scale = ratingScale(c.numMin, c.numMax);
    if (!scale) continue;
    roles.ratingColumn = c.name;
    roles.ratingScale = scale;
    break;
  }
  for (const c of rest) {
    if (c.name === roles.dateColumn || c.name === roles.ratingColumn || c.kind === 'empty' || c.kind === 'id') continue;
    const hinted = CATEGORY_HINTS.test(c.name);
    const lowCard = c.distinct >= 2 && c.distinct <= Math.max(2, Math.min(30, rowsSampled * 0.5)) && c.avgLength <= 40;
    if ((hinted && c.distinct <= 60 && c.avgLength <= 60) || (c.kind === 'category' && lowCard)) roles.categoryColumns.push(c.name);
  }
  roles.categoryColumns = roles.categoryColumns.slice(0, 4);
  return roles;
}

/** Rating scale from the observed range: 1-5 (stars) or 0/1-10; undefined when it doesn't look like ratings. */
export function ratingScale(lo: number, hi: number): { min: number; max: number } | undefined {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  if (lo >= 1 && hi <= 5) return { min: 1, max: 5 };
  if (lo >= 0 && hi <= 10) return { min: lo === 0 ? 0 : 1, max: 10 };
  return undefined;
}

/** Expected sentiment of a rating on its scale (1-2 / 3 / 4-5 of 5; 0-4 / 5-6 / 7-10 of 10). */
export function ratingSentiment(value: number, scale: { min: number; max: number }): 'negative' | 'neutral' | 'positive' {
  if (scale.max === 5) return value <= 2 ? 'negative' : value < 4 ? 'neutral' : 'positive';
  return value <= 4 ? 'negative' : value < 7 ? 'neutral' : 'positive';
}
