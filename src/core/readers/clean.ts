// Text of a table cell as feedback: HTML markup of help-desk exports (Zendesk, Intercom, Freshdesk) removed and
// entities decoded, and the e-mail signature under a ticket ("--", "Sent from my iPhone", "Best regards,\nJane")
// cut off, so that tags, names and job titles do not become themes. Line breaks the text keeps stay where they
// were (a multi-line cell's lines still map to the file's lines).

/** Tags help desks and CMSs write; a "<3" or "a < b" is no tag. */
const HTML_TAG = /<\/?(?:p|br|div|span|b|i|u|s|strong|em|ul|ol|li|a|h[1-6]|table|thead|tbody|tr|td|th|blockquote|img|font|hr|pre|code|sup|sub|small|center|label|section|article)(?:\s[^<>]*)?\/?>/i;
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

/** Removes HTML markup (tags become spaces, so words stay apart; comments, scripts and styles go whole). */
export function stripHtml(s: string): string {
  if (!HTML_TAG.test(s)) return ENTITY.test(s) ? decodeEntities(s) : s;
  const t = s
    .replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\r\n]/g, ''))
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, (m) => m.replace(/[^\r\n]/g, ''))
    .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, ' ');
  return decodeEntities(t).replace(/[ \t\u00a0]{2,}/g, ' ');
}

const SIG_DELIMITER = /^\s*(?:--\s*|—\s*|_{3,}\s*|-{3,}\s*)$/;
const SENT_FROM = /^\s*(?:sent from my\s.{1,40}|sent from (?:mail|outlook) for\s.{1,30}|get outlook for\s.{1,30}|发自我的\s?\S{1,20}|从我的\s?\S{1,20}发送)$/i;
// a sign-off: the formal ones with or without a comma, a plain "Thanks" only with one ("Thanks" alone may be the message)
const CLOSING = /^\s*(?:(?:(?:best|kind|warm|warmest)\s+(?:regards|wishes)|regards|sincerely|yours(?:\s+(?:truly|sincerely))?|rgds|此致|祝好)\s*[,，.]?|(?:best|cheers|thanks(?:\s+again)?|many thanks|thank you(?:\s+again)?|thx|br|谢谢)\s*[,，])\s*$/i;

/**
 * Cuts the signature off a multi-line text: from a "--" line, a "Sent from my …" line, or a closing ("Best regards,",
 * "Thanks,") followed by at most three short lines (name, title, company) to the end. A text that is nothing but
 * such lines is kept as it is.
 */
export function stripSignature(s: string): string {
  if (!/[\r\n]/.test(s)) return s;
  const lines = s.split(/(\r\n|\n|\r)/); // separators kept at odd indexes
  const text = (i: number) => lines[i];
  const contentBefore = (i: number) => lines.slice(0, i).some((l, j) => j % 2 === 0 && /\p{L}/u.test(l) && !CLOSING.test(l));
  let cut = -1;
  for (let i = 0; i < lines.length; i += 2) {
    const l = text(i);
    if (SIG_DELIMITER.test(l) && contentBefore(i)) {
      cut = i;
      break;
    }
    if (SENT_FROM.test(l) && contentBefore(i) && lines.slice(i + 1).every((x, j) => j % 2 === 0 || !x.trim() || x.trim().length <= 60)) {
      cut = i;
      break;
    }
    if (CLOSING.test(l) && contentBefore(i)) {
      const after = lines.slice(i + 2).filter((x, j) => j % 2 === 0 && x.trim());
      if (after.length >= 1 && after.length <= 3 && after.every((x) => x.trim().length <= 60 && x.trim().split(/\s+/).length <= 8 && !/[.!?。！？]$/.test(x.trim()))) {
        cut = i;
        break;
      }
    }
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
