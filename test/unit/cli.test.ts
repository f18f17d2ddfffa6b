// CLI argument handling and output with a deterministic TEST classifier injected (no model), and the line that says
// which columns of each table it reads (a wrong pick shows before the model loads).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from '../../src/cli/args';
import { cliWording } from '../../src/cli/errors';
import { runGenerate } from '../../src/cli/generate';
import { runPredict, runTrain } from '../../src/cli/train';
import { analyzeCli } from './cli.helpers';

let dir: string;
const analyze = analyzeCli();
const cli = (args: string[]) => analyze.run(args);
const write = (name: string, data: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-'));
  analyze.loads = 0;
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cli: analyze arguments and errors', () => {
  const oneLine = (r: { code: number; stderr: string }, re: RegExp) => {
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^product-forge: /);
    assert.match(lines[0], re);
  };

  it('bad input gives a non-zero exit and one line, before loading the model', async () => {
    oneLine(await cli([]), /needs at least one file/);
    oneLine(await cli([path.join(dir, 'missing.csv')]), /does not exist/);
    oneLine(await cli([write('x.pdf', 'x')]), /unsupported file type "\.pdf"/);
    oneLine(await cli([write('e.txt', '')]), /No feedback items found .*empty/);
    oneLine(await cli([write('n.csv', 'id,amount\n1,2\n2,3\n')]), /--column/);
    oneLine(await cli([write('c.csv', 'text\nhello there\n'), '--column', 'nope']), /no column "nope"/);
    oneLine(await cli([dir, '--format', 'xml']), /--format must be one of md, csv, jsonl, json/);
    oneLine(await cli([dir, '--device', 'tpu']), /--device must be one of auto, cpu, gpu/);
    oneLine(await cli([dir, '--low-confidence', '2']), /--low-confidence must be a number from 0 to 1/);
    oneLine(await cli([dir, '--bogus']), /unknown option --bogus/);
    oneLine(await cli([dir, '--column']), /--column needs a value/);
    assert.equal(analyze.loads, 0);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: product-forge analyze/);
  });

  it('prints the Markdown report by default and logs model, device and items/s to stderr', async () => {
    const r = await cli([write('f.txt', 'great app\nit crashes\n')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Feedback analysis/);
    assert.match(r.stderr, /model test\/lexicon on cpu/);
    assert.match(r.stderr, /2 items in .* items\/s/);
    const q = await cli([write('g.txt', 'great app\n'), '--quiet']);
    assert.equal(q.stderr, '');
  });

  it('--out - writes to stdout (as predict and generate do), never a file named "-"', async () => {
    const f = write('f.txt', 'great app\nit crashes\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli([f, '--out', '-', '--format', 'jsonl', '-q']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).text), ['great app', 'it crashes']);
      const md = await cli([f, '-o', '-', '-q']);
      assert.equal(md.code, 0, md.stderr);
      assert.match(md.stdout, /^# Feedback analysis/);
      // with a report folder too, `--out -` still asks for stdout
      const rep = await cli([f, '--out', '-', '--report-dir', path.join(dir, 'reports'), '-q']);
      assert.equal(rep.code, 0, rep.stderr);
      assert.match(rep.stdout, /^# Feedback analysis/);
      assert.ok(!fs.existsSync(path.join(dir, '-')), 'no file named "-"');
    } finally {
      process.chdir(cwd);
    }
  });

  it('--format jsonl to stdout; --out writes atomically and refuses an existing file without --force', async () => {
    const f = write('f.txt', 'great app\nit crashes\n');
    const r = await cli([f, '--format', 'jsonl', '-q']);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((o) => [o.line, o.text, o.label]), [[1, 'great app', 'positive'], [2, 'it crashes', 'negative']]);
    const out = path.join(dir, 'out.csv');
    assert.equal((await cli([f, '--format', 'csv', '--out', out, '-q'])).code, 0);
    assert.match(fs.readFileSync(out, 'utf8'), /^\uFEFFsource,line,text,label/);
    fs.writeFileSync(out, 'mine');
    const again = await cli([f, '--format', 'csv', '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists.*--force/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'mine');
    assert.equal((await cli([f, '--format', 'csv', '--out', out, '--force', '-q'])).code, 0);
    assert.notEqual(fs.readFileSync(out, 'utf8'), 'mine');
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
    // the input itself is never the output, not even with --force; a folder is not a file name
    const self = await cli([f, '--format', 'csv', '--out', f, '--force']);
    assert.equal(self.code, 2);
    assert.match(self.stderr, /is one of the files being read; an input is never modified/);
    assert.equal(fs.readFileSync(f, 'utf8'), 'great app\nit crashes\n');
    const xlsx = await cli([f, '--out', path.join(dir, 'items.xlsx')]);
    assert.equal(xlsx.code, 2);
    assert.match(xlsx.stderr, /\.xlsx is not an output format/);
    const underFile = await cli([f, '--out', path.join(f, 'x.md')]);
    assert.equal(underFile.code, 2);
    assert.match(underFile.stderr, /f\.txt is a file, not a folder/);
    const folder = await cli([f, '--out', dir, '--force']);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /is a folder; give a file name/);
    // without --format, the --out extension picks it
    const byExt = path.join(dir, 'items.jsonl');
    assert.equal((await cli([f, '--out', byExt, '-q'])).code, 0);
    assert.equal(JSON.parse(fs.readFileSync(byExt, 'utf8').split('\n')[0]).text, 'great app');
  });

  it('analyzing a folder again skips the results, reports and predictions written into it', async () => {
    fs.mkdirSync(path.join(dir, 'fb'));
    const f = write(path.join('fb', 'feedback.csv'), 'date,text\n2024-01-01,great app\n2024-01-10,it crashes\n2024-01-11,love the sync\n');
    const fb = path.join(dir, 'fb');
    for (const out of ['results.csv', 'items.jsonl', 'all.json', 'report.md', 'items.tsv']) {
      const r = await cli([fb, '--out', path.join(fb, out), '--format', out === 'items.tsv' ? 'csv' : path.extname(out).slice(1), '-q']);
      assert.equal(r.code, 0, r.stderr);
    }
    const again = await cli([fb, '--format', 'jsonl']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.stdout.trim().split('\n').map((l) => JSON.parse(l).source), [f, f, f], 'only the feedback file, once');
    for (const out of ['results.csv', 'items.jsonl', 'all.json', 'report.md', 'items.tsv']) {
      assert.match(again.stderr, new RegExp(`skipped .*${out.replace('.', '\\.')}: (analysis results|an analysis report) written by Product Forge, not feedback`));
    }
    // named, an output file is read as asked
    const named = await cli([path.join(fb, 'items.jsonl'), '--format', 'jsonl', '-q']);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(named.stdout.trim().split('\n').length, 3);
    // a folder holding nothing but output says so
    fs.rmSync(f);
    const none = await cli([fb]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^product-forge: No feedback found: skipped .* written by Product Forge/);
  });

  it('--report-dir writes a report folder', async () => {
    const f = write('f.csv', 'date,text\n2024-01-01,great app\n2024-01-10,it crashes\n');
    const rd = path.join(dir, 'reports');
    const r = await cli([f, '--report-dir', rd, '-q']);
    assert.equal(r.code, 0, r.stderr);
    const [folder] = fs.readdirSync(rd);
    assert.match(folder, /^f-\d{8}-\d{6}$/);
    assert.deepEqual(fs.readdirSync(path.join(rd, folder)).sort(), ['report.md', 'results.csv', 'sentiment-over-time.svg', 'summary.json']);
  });
});

describe('cli: train, predict and generate arguments and errors', () => {
  /** Runs a command that writes to process.stdout / process.stderr, capturing both. */
  async function run(command: (argv: string[]) => Promise<number>, argv: string[]) {
    let stdout = '', stderr = '';
    const out = process.stdout.write, err = process.stderr.write;
    process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
    process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
    try {
      return { code: await command(argv), stdout, stderr };
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
  }
  const oneLine = async (command: (argv: string[]) => Promise<number>, argv: string[], re: RegExp) => {
    const r = await run(command, argv);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^product-forge: /);
    assert.match(lines[0], re);
  };

  it('bad arguments give exit 2 and one line, in the words analyze uses, before any file is read', async () => {
    const csv = path.join(dir, 'never-read.csv'); // does not exist: each of these fails before reading it
    await oneLine(runTrain, [], /train needs exactly one CSV file \(got none\); see --help$/);
    await oneLine(runTrain, [csv], /--target COLUMN is required \(the column to predict\); see --help$/);
    await oneLine(runTrain, [csv, '--target', 'y', '--model', 'forest'], /--model must be one of auto, logreg, mlp, rf, gb \(got "forest"\)/);
    await oneLine(runTrain, [csv, '--target', 'y', '--device', 'tpu'], /--device must be one of auto, cpu, gpu \(got "tpu"\)/);
    await oneLine(runTrain, [csv, '--target', 'y', '--class-weight', 'equal'], /--class-weight must be one of none, balanced \(got "equal"\)/);
    await oneLine(runTrain, [csv, '--target', 'y', '--trees', '5000'], /^product-forge: --trees must be a whole number from 1 to 2000/);
    await oneLine(runTrain, [csv, '--target', 'y', '--validation-share', '0.7'], /^product-forge: --validation-share must be between 0 and 0\.5/);
    await oneLine(runTrain, [csv, '--target', 'y', '--hidden', '64,0'], /^product-forge: --hidden must be whole numbers between 1 and 4096, like 64 or 128,64 \(got 64,0\)$/);
    await oneLine(runTrain, [csv, '--target', 'y', '--c', '0'], /^product-forge: --c must be a positive number \(got 0\)$/);
    await oneLine(runTrain, [csv, '--target', 'y', '--test-split', '0.95'], /^product-forge: --test-split must be between 0 and 0\.9 \(got 0\.95\)$/);
    await oneLine(runTrain, [csv, '--target', 'y', '--bogus'], /unknown option --bogus; see --help/);
    await oneLine(runPredict, [], /predict needs a classifier folder \(or name\) and a CSV file \(got none\); see --help$/);
    await oneLine(runGenerate, [], /generate needs a document: prd, copy or personas; see --help$/);
    await oneLine(runGenerate, ['memo'], /unknown document "memo": use prd, copy or personas; see --help$/);
    await oneLine(runGenerate, ['prd'], /--brief FILE is required \(the brief the document is drafted from\); see --help$/);
    await oneLine(runGenerate, ['prd', '--brief', 'b.md', '--bogus'], /unknown option --bogus; see --help$/);
    // --flag=value, as the other commands take it
    await oneLine(runGenerate, ['prd', '--brief=b.md', '--bogus=1'], /unknown option --bogus; see --help$/);
    await oneLine(runGenerate, ['prd', '--backend=gpt', '--brief=b.md'], /unknown backend "gpt"/);
  });

  it('generate takes --flag=value', async () => {
    const brief = path.join(__dirname, '..', 'fixtures', 'generate', 'brief.md');
    const r = await run(runGenerate, ['prd', `--brief=${brief}`, '--backend=template', '--out=-', '-q', '--force=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^## Summary/m);
    // a value after '=' is one even when it starts with '-' (a file named so): it is looked for, not refused as missing
    const dashed = await run(runGenerate, ['prd', '--brief=-no-such-brief.md', '--backend=template']);
    assert.doesNotMatch(dashed.stderr, /needs a value/);
    assert.match(dashed.stderr, /-no-such-brief\.md/);
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    for (const [command, argv, re] of [[runTrain, ['--help'], /usage: product-forge train/], [runPredict, ['-h'], /usage: product-forge predict/], [runGenerate, ['--help'], /usage: product-forge generate/], [runGenerate, ['prd', '--help'], /usage: product-forge generate/]] as const) {
      const r = await run(command, [...argv]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, re);
      assert.equal(r.stderr, '');
    }
    assert.match((await run(runPredict, ['--help'])).stdout, /NAME\.predictions\.csv beside NAME\.csv,\s+or NAME\.predictions-2\.csv/);
  });
});

describe('cli: argument parser', () => {
  it('parses values, --x=y, booleans, short flags and --', () => {
    const a = parseArgs(['a', '--out=x.md', '--force', '-q', '--column', 'text', '--', '--literal'], { out: 'value', force: 'bool', quiet: 'bool', column: 'value' });
    assert.deepEqual(a.positional, ['a', '--literal']);
    assert.equal(a.flags.get('out'), 'x.md');
    assert.equal(a.flags.get('force'), true);
    assert.equal(a.flags.get('quiet'), true);
    assert.equal(a.flags.get('column'), 'text');
    // a short option where a value should be: the value was left out
    assert.throws(() => parseArgs(['--out', '-q'], { out: 'value', quiet: 'bool' }), /--out needs a value/);
    // a value that merely starts with a dash is still a value
    assert.equal(parseArgs(['--seed', '-1'], { seed: 'value' }).flags.get('seed'), '-1');
  });
});

describe('cli: messages in the words of the command line', () => {
  it('names options where the engine names settings', () => {
    assert.equal(cliWording('productForge.modelsPath "/x" is not a folder. Fix or clear the setting.'), '--models-path "/x" is not a folder.');
    assert.equal(
      cliWording('Model a/b is not installed. Enable productForge.allowModelDownloads to download it (12 MB), or set productForge.modelsPath to a folder that has it.'),
      'Model a/b is not installed. Pass --models-path DIR (or set PRODUCT_FORGE_MODELS_PATH) with a folder that has it; the CLI does not download models.',
    );
    assert.equal(cliWording('Model file f is missing. Reinstall the extension, set productForge.modelsPath to a folder that has it, or enable productForge.allowModelDownloads.'),
      'Model file f is missing. Reinstall the extension, pass --models-path DIR with a folder that has it.');
    assert.equal(cliWording('No GPU could be used (x). Set productForge.device to "auto" or "cpu".'), 'No GPU could be used (x). Pass --device auto or --device cpu.');
    assert.equal(cliWording('nothing to change here'), 'nothing to change here');
  });
});

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
