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
  /**
   * What the brief is about: its text without headings, section labels and the non-goals (what is out of scope is no
   * topic of the document: evidence about it is not "related to the brief").
   */
  about: string;
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

// Chinese headings (simplified and traditional). 问题 alone is the problem; "open questions" need a qualifier.
const SECTION_KEYS_ZH: [string, RegExp][] = [
  ['nonGoals', /^(非目标|非目標|不做|不做的事|不做什么|不做什麼|不包括|不包含|范围外|範圍外|不在范围内|不在範圍內|超出范围|超出範圍)$/u],
  ['goals', /^(目标|目標|目的|产品目标|產品目標|项目目标|項目目標|业务目标|業務目標|预期成果|預期成果|期望结果|期望結果|成果)$/u],
  ['problem', /^(问题|問題|问题陈述|問題陳述|问题描述|問題描述|背景|项目背景|項目背景|上下文|现状|現狀|痛点|痛點|用户痛点|用戶痛點|为什么|為什麼|动机|動機)$/u],
  ['users', /^(用户|用戶|目标用户|目標用戶|用户群体|用戶群體|目标人群|目標人群|人群|受众|受眾|目标受众|目標受眾|客户|客戶|目标客户|目標客戶|用户画像|用戶畫像|画像|畫像|使用者)$/u],
  ['requirements', /^(需求|功能|功能需求|需求范围|需求範圍|范围|範圍|功能范围|功能範圍|功能列表|能力)$/u],
  ['metrics', /^(指标|指標|成功指标|成功指標|关键指标|關鍵指標|衡量指标|衡量指標|成功标准|成功標準|衡量标准|衡量標準|度量|度量指标|度量指標)$/u],
  ['risks', /^(风险|風險|假设|假設|约束|約束|约束条件|約束條件|限制|限制条件|限制條件|依赖|依賴)$/u],
  ['questions', /^(待解决问题|待解決問題|开放问题|開放問題|待定问题|待定問題|未决问题|未決問題|疑问|疑問|待定事项|待定事項|未知项|未知項)$/u],
  ['product', /^(产品|產品|解决方案|解決方案|方案|价值主张|價值主張|提案|想法|卖点|賣點|优势|優勢|好处|好處)$/u],
  ['timeline', /^(时间|時間|时间线|時間線|时间表|時間表|里程碑|发布|發佈|發布|上线|上線|日期|排期|计划时间|計劃時間)$/u],
];

const HAN = /\p{Script=Han}/u;

function matchKey(h: string): string | undefined {
  return SECTION_KEYS.find(([, re]) => re.test(h))?.[0] ?? SECTION_KEYS_ZH.find(([, re]) => re.test(h))?.[0];
}

/** Section key of a heading; `parts`: also try the parts of a compound Chinese heading (not for labels). */
function keyOf(heading: string, parts = true): string | undefined {
  const h = heading.trim().replace(/[:：]\s*$/, '').trim();
  const k = matchKey(h);
  if (k || !HAN.test(h)) return k;
  // Chinese headings: drop bold marks, numbering (一、 1. 1、 第二部分) and a parenthesised gloss,
  // then try the whole heading and its parts ("背景与问题", "问题 / Problem").
  const bare = h
    .replace(/[*_]/g, '')
    .replace(/^(?:第[一二三四五六七八九十百\d]+[章节節部分]*\s*[、.．:：]?|(?:[一二三四五六七八九十]+|\d+(?:\.\d+)*)\s*[、.．)）:：])\s*/u, '')
    .replace(/\s*[(（][^()（）]*[)）]\s*$/u, '')
    .trim();
  if (!parts) return matchKey(bare);
  return matchKey(bare) ?? bare.split(/\s*(?:[/／、&＆]|与|和|及)\s*/u).map((p) => matchKey(p.trim())).find(Boolean);
}

export function parseBrief(text: string): Brief {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (!clean) throw new UserError('The brief is empty: select some text, open a file with the brief, or pass --brief FILE');
  const lines = clean.split('\n');
  let title = '';
  const sections: Record<string, string[]> = {};
  let current: string | undefined;
  const body: string[] = [];
  const about: string[] = [];
  for (const line of lines) {
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    const label =
      /^\s*(?:\*\*)?([A-Za-z][A-Za-z -]{1,30})(?:\*\*)?\s*[:：]\s*(.*)$/.exec(line) ??
      /^\s*(?:\*\*)?(\p{Script=Han}[\p{Script=Han} /、]{0,11})(?:\*\*)?\s*[:：]\s*(.*)$/u.exec(line);
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
    if (label && keyOf(label[1], false)) {
      current = keyOf(label[1], false)!;
      if (label[2].trim()) (sections[current] ??= []).push(label[2].trim());
      if (current !== 'nonGoals') about.push(label[2]);
      continue;
    }
    if (current !== 'nonGoals') about.push(line);
    if (current) (sections[current] ??= []).push(line);
    else body.push(line);
  }
  const paragraphs = body.join('\n').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  if (!title) {
    const first = (paragraphs[0] ?? clean).split('\n')[0].trim();
    title = first.length <= 80 ? first.replace(/[.:。：]$/u, '') : `${first.slice(0, 77).replace(/\s+\S*$/, '')}…`;
  }
  const summary = paragraphs.find((p) => p.replace(/[.:。：]$/u, '') !== title) ?? paragraphs[0] ?? '';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sections)) {
    const t = v.join('\n').trim();
    if (t) out[k] = t;
  }
  return { title, text: clean, summary, sections: out, about: about.join('\n').trim() };
}

/** Bullet items of a section (lines starting with -, *, 1.) or its sentences/lines when it has none. */
export function bullets(section: string | undefined): string[] {
  if (!section) return [];
  const lines = section.split('\n').map((l) => l.trim()).filter(Boolean);
  const b = lines.filter((l) => /^([-*+]|\d+[.)])\s+/.test(l)).map((l) => l.replace(/^([-*+]|\d+[.)])\s+/, ''));
  return b.length ? b : lines;
}
