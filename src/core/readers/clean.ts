// Text of a table cell as feedback: HTML markup of help-desk exports (Zendesk, Intercom, Freshdesk) removed and
// entities decoded, and the e-mail signature under a ticket ("--", "Sent from my iPhone", "Best regards,\nJane")
// cut off, so that tags, names and job titles do not become themes. Line breaks the text keeps stay where they
// were (a multi-line cell's lines still map to the file's lines).

/** Tags help desks and CMSs write; a "<3", "a < b" or "Option<i32>" is no tag. */
const TAG_NAMES = 'p|br|div|span|b|i|u|s|strong|em|ul|ol|li|a|h[1-6]|table|thead|tbody|tr|td|th|blockquote|img|font|hr|pre|code|sup|sub|small|center|label|section|article';
/** A real attribute list: name, or name="value" / 'value' / bare value. */
const ATTRS = `(?:\\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s"'<>=\`]+))?)*\\s*`;
const KNOWN_TAG = new RegExp(`<\\/?(?:${TAG_NAMES})${ATTRS}\\/?>`, 'gi');
/** Markup a cell really holds: a closing tag of a known element, or a <br>. */
const MARKUP_EVIDENCE = new RegExp(`<\\/(?:${TAG_NAMES})\\s*>|<br\\s*\\/?>`, 'i');
const ENTITY = /&(?:amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-f]{1,6});/i;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|nbsp|#\d{1,6}|#x[0-9a-f]{1,6});/gi, (m, e: string) => {
    const k = e.toLowerCase();
    if (k in NAMED) return NAMED[k];
    const code = k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}

/**
 * Removes HTML markup when the cell holds some (a closing tag, a <br> or <p>): the known tags become spaces, so words
 * stay apart, and comments, scripts and styles go whole. Text that only mentions a tag ("the <div> tags break my
 * layout", "Option<i32>") is left as written.
 */
export function stripHtml(s: string): string {
  if (!MARKUP_EVIDENCE.test(s)) return ENTITY.test(s) ? decodeEntities(s) : s;
  const t = s
    .replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\r\n]/g, ''))
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, (m) => m.replace(/[^\r\n]/g, ''))
    .replace(KNOWN_TAG, ' ');
  return decodeEntities(t).replace(/[ \t\u00a0]{2,}/g, ' ');
}

/** The e-mail signature separator ("-- "): Jira's "----" rules and "---" between pros and cons are no signature. */
const SIG_DELIMITER = /^--\s?$/;
const SENT_FROM = /^\s*(?:sent from my\s.{1,40}|sent from (?:mail|outlook) for\s.{1,30}|get outlook for\s.{1,30}|发自我的\s?\S{1,20}|从我的\s?\S{1,20}发送)$/i;
// a sign-off: the formal ones with or without a comma, a plain "Thanks" only with one ("Thanks" alone may be the message)
const CLOSING = /^\s*(?:(?:(?:best|kind|warm|warmest)\s+(?:regards|wishes)|regards|sincerely|yours(?:\s+(?:truly|sincerely))?|rgds)\s*[,.]?|(?:best|cheers|thanks(?:\s+again)?|many thanks|thank you(?:\s+again)?|thx)\s*,)\s*$/i;
/** A line of a signature under a closing: a name, a title, a company (capitalized words, no sentence). */
const NAME_LINE = /^\s*[\p{Lu}][\p{L}.'’&-]*(?:\s+[\p{L}.'’&()-]+){0,4}\s*$/u;

/**
 * Cuts the signature off the end of a multi-line text: a "-- " line, a "Sent from my …" line, or a closing
 * ("Best regards,", "Thanks,") followed by one to three name-like lines (name, title, company), when it stands
 * within the last few lines. A text that is nothing but such lines is kept as it is.
 */
export function stripSignature(s: string): string {
  if (!/[\r\n]/.test(s)) return s;
  const lines = s.split(/(\r\n|\n|\r)/); // separators kept at odd indexes
  const texts: number[] = [];
  for (let i = 0; i < lines.length; i += 2) if (lines[i].trim()) texts.push(i);
  if (texts.length < 2) return s;
  const hasContentBefore = (k: number) => texts.slice(0, k).some((i) => /\p{L}/u.test(lines[i]) && !CLOSING.test(lines[i]));
  let cut = -1;
  // only the last five non-empty lines can start a signature
  for (let k = Math.max(1, texts.length - 5); k < texts.length && cut < 0; k++) {
    const l = lines[texts[k]];
    const after = texts.slice(k + 1).map((i) => lines[i].trim());
    if (!hasContentBefore(k)) continue;
    if (SIG_DELIMITER.test(l) && after.length <= 4) cut = texts[k];
    else if (SENT_FROM.test(l) && after.length === 0) cut = texts[k];
    else if (CLOSING.test(l) && after.length >= 1 && after.length <= 3 && after.every((x) => x.length <= 60 && NAME_LINE.test(x))) cut = texts[k];
  }
  if (cut < 0) return s;
  return lines.slice(0, cut).join('').replace(/\s+$/, '');
}

/**
 * The text a shop writes when the customer wrote nothing ("此用户没有填写评价。", "系统默认好评", "The customer did not
 * leave a review"): no feedback, so the row is skipped (and counted) rather than analyzed as a glowing review.
 */
const PLACEHOLDER_REVIEW = /^(?:(?:此|该)?用户(?:没有|未|未及时)(?:填写|做出|进行)?(?:评价|评论)(?:内容)?[，,]?(?:系统)?(?:默认)?(?:好评)?|系统默认(?:好评|评价)|默认好评|(?:the )?(?:customer|user|buyer) (?:did not|didn't) (?:leave|write) (?:a )?(?:review|comment)s?)[。.!！]*$/i;

export function isPlaceholderReview(text: string): boolean {
  return text.length <= 40 && PLACEHOLDER_REVIEW.test(text.trim());
}

/** A cell's text as feedback: HTML removed, then the signature. */
export function cleanCellText(raw: string): string {
  let s = raw;
  if (s.indexOf('<') >= 0 || s.indexOf('&') >= 0) s = stripHtml(s);
  if (/[\r\n]/.test(s)) s = stripSignature(s);
  return s.trim();
}
