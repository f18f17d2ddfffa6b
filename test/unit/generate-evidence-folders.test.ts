// What `generate --evidence <folder>` reads: the files Analyze Feedback reads in that folder (dot-folders,
// node_modules, .product-forge, report folders, hidden and unsupported files skipped), a report folder's results,
// and which column of a table is the customers' rating.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEvidence } from '../../src/core/generate';
import { inspectTable, openFeedbackInputs } from '../../src/core/readers';

const RESULTS_HEADER = 'source,line,text,label,score,negative,neutral,positive';

/** Writes `files` (path relative to `root` → content) under `root`. */
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

/** A report folder as analyze writes it (report.md, results.csv, summary.json). */
function report(dir: string, rows: string[]): Record<string, string> {
  return {
    [`${dir}/report.md`]: '# Feedback analysis\n',
    [`${dir}/results.csv`]: [RESULTS_HEADER, ...rows].join('\n') + '\n',
    [`${dir}/summary.json`]: '{}',
  };
}

describe('generate: what an evidence folder gives', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-genev-folders-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the files analyze reads: dot-folders, node_modules, .product-forge, report folders, hidden, unsupported and Product Forge files skipped', async () => {
    const dir = path.join(tmp, 'feedback');
    tree(dir, {
      'reviews.csv': 'id,Stars,plan,review\n1,2,Pro,Sync is slow and it crashes every morning\n2,5,Free,I love the board view it is great\n3,1,Pro,Export to PDF fails every time I try\n4,4,Team,Search is fast and easy to use now\n',
      'notes.txt': 'The calendar view is confusing to set up\nDark mode would be great for night use\n',
      'extra.ndjson': '{"text":"Sharing a board with my team takes too many clicks"}\n{"text":"The widgets are really useful on my phone"}\n',
      'sub/more.markdown': 'A nested feedback line about slow sync on tablets\n',
      'image.png': 'PNGDATA',
      '.hidden.txt': 'A hidden file that is never read as feedback\n',
      'node_modules/pkg/readme.md': 'A package readme that is never read as feedback\n',
      '.git/notes.txt': 'Git internals that are never read as feedback\n',
      '.cache/notes.txt': 'A dot-folder that is never read as feedback\n',
      ...report('.product-forge/reports/run-1', ['reviews.csv,2,Sync is slow and it crashes every morning,negative,0.9,0.9,0.05,0.05']),
      ...report('old-report', ['reviews.csv,2,Sync is slow and it crashes every morning,negative,0.9,0.9,0.05,0.05']),
      'preds.csv': 'id,review,prediction,confidence\n1,Sync is slow,negative,0.9\n',
    });
    const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
    const ev = await loadEvidence([dir]);
    assert.deepEqual(rel(ev.files.map((f) => f.path)), ['extra.ndjson', 'notes.txt', 'reviews.csv', 'sub/more.markdown']);
    assert.deepEqual(ev.files.map((f) => f.items), [2, 2, 4, 1]);
    assert.ok(ev.files.every((f) => f.kind === 'feedback'));
    // the same files as Analyze Feedback reads in the folder
    const analyzed = await openFeedbackInputs([dir], {});
    assert.deepEqual(rel(ev.files.map((f) => f.path)), rel(analyzed.opened.map((f) => f.file)));
    assert.ok(!ev.items.some((it) => /never read/.test(it.text)));
    // the predictions file is left out with the note analyze gives (it was left out without a word), and the file of
    // another type is named as analyze names it
    const otherTypes = 'not read: 1 file of other types (.png); feedback files are .txt .md .csv .tsv .json .jsonl';
    assert.deepEqual(ev.notes, [otherTypes, `skipped ${path.join(dir, 'preds.csv')}: predictions written by Product Forge, not feedback`]);
    assert.deepEqual(analyzed.skipped, [otherTypes, `${ev.notes![1]} (name the file to analyze it anyway)`]);
    // named, an unsupported file is an error
    await assert.rejects(loadEvidence([path.join(dir, 'image.png')]), /unsupported file type "\.png"; use \.txt \.md \.csv \.tsv \.json \.jsonl/);
  });

  it('a report folder gives its results; a folder of report folders its latest; .product-forge/reports the latest run', async () => {
    tree(tmp, {
      ...report('reports/run-1', ['fb.csv,2,Sync is slow,negative,0.9,0.9,0.05,0.05']),
      ...report('reports/run-2', ['fb.csv,3,The board view is great,positive,0.9,0.05,0.05,0.9']),
    });
    const older = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(tmp, 'reports/run-1/results.csv'), older, older);
    const one = await loadEvidence([path.join(tmp, 'reports/run-1')]);
    assert.deepEqual(one.items.map((it) => `${it.source}:${it.line} ${it.text} ${it.sentiment}`), ['fb.csv:2 Sync is slow negative']);
    const latest = await loadEvidence([path.join(tmp, 'reports')]);
    assert.deepEqual(latest.items.map((it) => it.text), ['The board view is great']);
    assert.match(latest.notes!.join('\n'), /holds 2 analysis reports: using the latest, .*run-2/);
  });

  it('a folder holding feedback only as .ndjson / .markdown beside a report folder: that feedback, as analyze reads it (the report was taken for a folder of reports)', async () => {
    tree(tmp, {
      'export.ndjson': '{"text":"Sync fails every time my phone sleeps"}\n{"text":"The board view is great for planning"}\n',
      ...report('old-run', ['export.ndjson,1,Sync fails every time my phone sleeps,negative,0.9,0.9,0.05,0.05']),
    });
    // Analyze Feedback reads the .ndjson file (a report folder inside a folder is output, not feedback)
    const analyzed = await openFeedbackInputs([tmp], {});
    assert.deepEqual(analyzed.opened.map((f) => path.basename(f.file)), ['export.ndjson']);
    const ev = await loadEvidence([tmp]);
    assert.deepEqual(ev.files.map((f) => path.relative(tmp, f.path).split(path.sep).join('/')), ['export.ndjson']);
    assert.deepEqual(ev.items.map((it) => it.text), ['Sync fails every time my phone sleeps', 'The board view is great for planning']);
    fs.renameSync(path.join(tmp, 'export.ndjson'), path.join(tmp, 'notes.markdown'));
    fs.writeFileSync(path.join(tmp, 'notes.markdown'), '- Sync fails every time my phone sleeps\n- The board view is great for planning\n');
    assert.deepEqual((await loadEvidence([tmp])).files.map((f) => path.basename(f.path)), ['notes.markdown']);
  });

  it("a folder holding a survey's own results.csv beside other feedback: every file, as analyze reads it (it was taken for a report folder)", async () => {
    tree(tmp, {
      'results.csv': 'id,comment\n1,The survey app crashes when I submit\n2,Great survey builder and easy to share\n',
      'interview.txt': 'Notes from the interview: sync is slow on the tablet\n',
    });
    const analyzed = await openFeedbackInputs([tmp], {});
    const ev = await loadEvidence([tmp]);
    assert.deepEqual(ev.files.map((f) => path.basename(f.path)), analyzed.opened.map((f) => path.basename(f.file)));
    assert.deepEqual(ev.files.map((f) => `${path.basename(f.path)} ${f.kind}`), ['interview.txt feedback', 'results.csv feedback']);
  });

  it("analysis results whose longer text column is not analyze's \"text\": the items are the recorded texts", async () => {
    const file = path.join(tmp, 'results.csv');
    fs.writeFileSync(
      file,
      [
        `${RESULTS_HEADER},comment`,
        'fb.csv,2,Slow sync,negative,0.9,0.9,0.05,0.05,This is a much longer comment about the slow sync on my phone every single morning',
        'fb.csv,3,Nice board,positive,0.8,0.1,0.1,0.8,Another much longer comment that is about the board view being really nice to use',
      ].join('\n') + '\n',
    );
    const ev = await loadEvidence([file]);
    assert.deepEqual(ev.items.map((it) => `${it.source}:${it.line} ${it.text} ${it.sentiment}`), ['fb.csv:2 Slow sync negative', 'fb.csv:3 Nice board positive']);
    assert.match(ev.items[0].fields.comment, /much longer comment/);
    // with text columns chosen for it that it does not have: still the recorded texts
    const chosen = await loadEvidence([file], { columnsFor: () => ['gone'] });
    assert.deepEqual(chosen.items.map((it) => it.text), ['Slow sync', 'Nice board']);
  });

  it('a JSON export read with chosen text columns that are gone: its detected text column, with a note', async () => {
    const file = path.join(tmp, 'export.json');
    fs.writeFileSync(file, JSON.stringify([{ id: 1, body: 'Sync is slow on my phone every morning' }, { id: 2, body: 'Board view is great for planning sprints' }]));
    const ev = await loadEvidence([file], { columnsFor: () => ['gone'] });
    assert.deepEqual(ev.items.map((it) => `${it.line} ${it.text}`), ['1 Sync is slow on my phone every morning', '1 Board view is great for planning sprints']);
    assert.match(ev.notes!.join('\n'), /the text columns chosen for it \(gone\) cannot be read \(.*has no field "gone".*\); its text column is detected instead/);
  });

  it('each file is opened once and streamed once (its start read once more, to tell what Product Forge wrote)', async () => {
    // the modules the readers use (fs.promises.open for a file's start, fs.createReadStream for its whole text)
    const req = createRequire(__filename);
    const nodeFs = req('node:fs') as { createReadStream: (...a: unknown[]) => unknown };
    const nodeFsp = req('node:fs/promises') as { open: (...a: unknown[]) => unknown };
    const counts = new Map<string, { opened: number; streamed: number }>();
    const count = (file: unknown, k: 'opened' | 'streamed') => {
      const c = counts.get(path.basename(String(file))) ?? { opened: 0, streamed: 0 };
      c[k]++;
      counts.set(path.basename(String(file)), c);
    };
    const [open, stream] = [nodeFsp.open, nodeFs.createReadStream];
    nodeFsp.open = (...a: unknown[]) => (count(a[0], 'opened'), open(...a));
    nodeFs.createReadStream = (...a: unknown[]) => (count(a[0], 'streamed'), stream(...a));
    const files: Record<string, string> = {
      'chosen.csv': 'id,title,body\n1,Slow,It takes minutes to sync my notes\n2,Love it,The new editor is fast and clean\n',
      'export.json': JSON.stringify({ data: { reviews: [{ id: 1, body: 'Sync is slow on my phone every morning' }, { id: 2, body: 'Board view is great for planning sprints' }] } }),
      'results-longer.csv': `${RESULTS_HEADER},comment\nfb.csv,2,Slow sync,negative,0.9,0.9,0.05,0.05,This is a much longer comment about the slow sync on my phone every single morning\n`,
      'results-lines.json': '{"source":"fb.csv","line":2,"text":"Slow sync","label":"negative","score":0.9}\n{"source":"fb.csv","line":3,"text":"Nice board","label":"positive","score":0.8}\n',
      'results.json': '{\n  "inputs": ["fb.csv"],\n  "items": [{"source":"fb.csv","line":2,"text":"Slow sync","label":"negative","score":0.9}]\n}\n',
    };
    try {
      for (const [name, content] of Object.entries(files)) {
        fs.writeFileSync(path.join(tmp, name), content);
        counts.clear();
        // text columns chosen for each that it does not have: detected (or the analysis's text) without a second opening
        const ev = await loadEvidence([path.join(tmp, name)], { columnsFor: () => ['gone'] });
        assert.ok(ev.items.length > 0, name);
        assert.deepEqual(Object.fromEntries(counts), { [name]: { opened: 2, streamed: 1 } }, name);
      }
    } finally {
      nodeFsp.open = open;
      nodeFs.createReadStream = stream;
    }
  });

  describe('the rating column, by its name', () => {
    const ratingOf = async (header: string, values: (string | number)[]) => {
      const file = path.join(tmp, 'r.csv');
      const texts = ['Sync is slow on my phone', 'The board view is great', 'Export to PDF fails', 'Search is fast now', 'Dark mode please', 'The widgets are useful'];
      fs.writeFileSync(file, [`id,${JSON.stringify(header)},review`, ...values.map((v, i) => `${i + 1},${v},${texts[i % texts.length]}`)].join('\n') + '\n');
      return { generate: (await loadEvidence([file])).ratingField, analyze: (await inspectTable(file)).ratingColumn };
    };
    const stars = [2, 5, 1, 4, 3, 5];

    it('Stars, rating, star_rating, score, NPS, CSAT are ratings', async () => {
      for (const h of ['Stars', 'rating', 'Star Rating', 'star-rating', 'score', 'NPS', 'csat']) assert.deepEqual(await ratingOf(h, stars), { generate: h, analyze: h }, h);
    });

    it('a 0-1 value is no rating (a probability), nor is a value above 10', async () => {
      assert.equal((await ratingOf('rating', [0.2, 0.9, 0.5, 1, 0, 0.7])).generate, undefined);
      assert.deepEqual(await ratingOf('score', [20, 55, 100, 80, 90, 10]), { generate: undefined, analyze: undefined });
    });

    it('every name analyze reads as a rating (generate knew only six): Overall Rating, review_rating, Ratings, 评分, Sterne', async () => {
      for (const h of ['Overall Rating', 'review_rating', 'Ratings', '评分', 'Sterne']) assert.deepEqual(await ratingOf(h, stars), { generate: h, analyze: h }, h);
    });

    it('a name that is no rating is none, whatever its values', async () => {
      for (const h of ['plan_id', 'count', 'level']) assert.deepEqual(await ratingOf(h, stars), { generate: undefined, analyze: undefined }, h);
    });
  });
});
