// The brief: free text or Markdown written by the user. Headings (or "Label:" lines) become named
// sections the template backend can reuse verbatim (problem, goals, non-goals, audience, ...).
import { UserError } from '../types';

export interface Brief {
  title: string;
  text: string;
  /** The first paragraph that is not a heading. */
  summary: string;
  /** Section text by canonical key (see SECTION_KEYS). */
  sections: Record<string, string>;
}

const SECTION_KEYS: [string, RegExp][] = [
  ['nonGoals', /^(non[- ]?goals?|out of scope|not in scope)$/i],
  ['goals', /^(goals?|objectives?|outcomes?)$/i],
  ['problem', /^(problem|problem statement|background|context|why|pain points?)$/i],
  ['users', /^(users?|target users?|audience|target audience|customers?|personas?|who)$/i],
  ['requirements', /^(requirements?|features?|scope|functional requirements?|capabilities)$/i],
  ['metrics', /^(metrics|success metrics|kpis?|success|measures?)$/i],
  ['risks', /^(risks?|assumptions|constraints|dependencies)$/i],
  ['questions', /^(open questions|questions|unknowns)$/i],
  ['product', /^(product|solution|value proposition|proposal|idea|offer|benefits?)$/i],
  ['timeline', /^(timeline|milestones|launch|dates?)$/i],
];

function keyOf(heading: string): string | undefined {
  const h = heading.trim().replace(/[:：]\s*$/, '').trim();
  return SECTION_KEYS.find(([, re]) => re.test(h))?.[0];
}

export function parseBrief(text: string): Brief {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (!clean) throw new UserError('The brief is empty: select some text, open a file with the brief, or pass --brief FILE');
  const lines = clean.split('\n');
  let title = '';
  const sections: Record<string, string[]> = {};
  let current: string | undefined;
  const body: string[] = [];
  for (const line of lines) {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    const label = /^\s*(?:\*\*)?([A-Za-z][A-Za-z -]{1,30})(?:\*\*)?\s*[:：]\s*(.*)$/.exec(line);
    if (h) {
      const k = keyOf(h[1]);
      if (!title && !k) {
        title = h[1].trim();
        current = undefined;
        continue;
      }
      current = k ?? undefined;
      continue;
    }
    if (label && keyOf(label[1])) {
      current = keyOf(label[1])!;
      if (label[2].trim()) (sections[current] ??= []).push(label[2].trim());
      continue;
    }
    if (current) (sections[current] ??= []).push(line);
    else body.push(line);
  }
  const paragraphs = body.join('\n').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  if (!title) {
    const first = (paragraphs[0] ?? clean).split('\n')[0].trim();
    title = first.length <= 80 ? first.replace(/[.:]$/, '') : `${first.slice(0, 77).replace(/\s+\S*$/, '')}…`;
  }
  const summary = paragraphs.find((p) => p.replace(/[.:]$/, '') !== title) ?? paragraphs[0] ?? '';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sections)) {
    const t = v.join('\n').trim();
    if (t) out[k] = t;
  }
  return { title, text: clean, summary, sections: out };
}

/** Bullet items of a section (lines starting with -, *, 1.) or its sentences/lines when it has none. */
export function bullets(section: string | undefined): string[] {
  if (!section) return [];
  const lines = section.split('\n').map((l) => l.trim()).filter(Boolean);
  const b = lines.filter((l) => /^([-*+]|\d+[.)])\s+/.test(l)).map((l) => l.replace(/^([-*+]|\d+[.)])\s+/, ''));
  return b.length ? b : lines;
}
