// The CLI says which column of each table it reads (and the date and rating columns) before the model loads, so a
// wrong pick shows at once; several open questions get a warning naming --column.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { runAnalyze } from '../../src/cli/analyze';
import { LexiconClassifier } from '../fixtures/feedback/lexicon-classifier';

let dir: string;
async function cli(args: string[]) {
  const out = new PassThrough(), err = new PassThrough();
  let stdout = '', stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const code = await runAnalyze(args, {
    stdout: out,
    stderr: err,
    signal: new AbortController().signal,
    loadClassifier: async () => ({ classifier: new LexiconClassifier(), loadMs: 1, dispose: async () => undefined }),
  });
  return { code, stdout, stderr };
}
const write = (name: string, data: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-exports-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cli: analyze names the columns it reads', () => {
  it('text, date and rating columns of a table, the header rows of a survey export; nothing with --quiet', async () => {
    const p = write('reviews.csv', 'Date,Rating,Title,Review\n2024-01-02,5,Great,great app and fast\n2024-01-03,1,Bad,slow and bad\n');
    const r = await cli([p, '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`${p}: text from the column "Review"; date "Date", rating "Rating" (UTF-8, comma-separated, first row read as the header)`), r.stderr);
    const sm = write('sm.csv', 'Respondent ID,What could we improve?,Which plan?,\n,Open-Ended Response,Free,Pro\n1,slow and bad sync on my phone,Free,\n2,great app and really fast support,,Pro\n');
    const s = await cli([sm, '--format', 'csv']);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stderr, /sm\.csv: text from the column "What could we improve\?" \(UTF-8, comma-separated, 2 header rows\)/);
    assert.equal(s.stdout.trim().split('\n').length, 3, 'two items, no header row among them');
    const q = await cli([p, '--format', 'csv', '-q']);
    assert.equal(q.stderr, '');
  });

  it('two open questions and no --column: a warning with the other column; --column silences it', async () => {
    const rows = ['Timestamp,What should we improve first?,Anything else you would like to tell us?'];
    for (let i = 1; i <= 9; i++) rows.push(`2024-03-0${i},slow and bad sync on my phone ${i},great app and fast support ${i}`);
    const p = write('forms.csv', rows.join('\n') + '\n');
    const r = await cli([p, '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*forms\.csv: the text was read from the column ".+", but ".+" looks like feedback too; --column NAME chooses/);
    const c = await cli([p, '--format', 'csv', '--column', 'Anything else you would like to tell us?']);
    assert.doesNotMatch(c.stderr, /looks like feedback too/);
    assert.match(c.stderr, /text from the column "Anything else you would like to tell us\?"/);
  });
});
