import assert from 'node:assert/strict';
import * as path from 'node:path';
import { columnDecimalComma, parseCsvText, readTable, sniffDialect, tableFromRecords } from '../../src/core/train/csv';
import { dateOrder, parseDate, profileTable, proposeFeatures } from '../../src/core/train/infer';
import { describeInputIssues, fitPreprocessing, Preprocessor, type InputIssues } from '../../src/core/train/preprocess';
import { computeMetrics, stratifiedSplit } from '../../src/core/train/metrics';
import { fitLogReg, logregNetwork, logregObjective, logregPreconditioner } from '../../src/core/train/logreg';
import { fitMlp } from '../../src/core/train/mlp';
import { argmaxRows, predictProba } from '../../src/core/train/model';
import { CsrBuilder, csrToDense, rng, gaussian } from '../../src/core/train/sparse';
import { duplicatedTestRows, trainClassifier } from '../../src/core/train/trainer';
import { fitTextBlock, TextBlock, tokenize } from '../../src/core/train/text';
import { CancelledError, UserError } from '../../src/core/types';

const fx = (f: string) => path.join(__dirname, '..', 'fixtures', 'train', f);

describe('train: CSV reading', () => {
  it('parses quotes, doubled quotes, newlines in quotes, stray spaces and CRLF', () => {
    const rows = parseCsvText('a, b ,"c, d"\r\n"x ""y""", "multi\nline" ,z\r\n\r\n1,,3', ',');
    assert.deepEqual(rows, [['a', 'b', 'c, d'], ['x "y"', 'multi\nline', 'z'], ['1', '', '3']]);
  });

  it('sniffs delimiter and header', () => {
    assert.deepEqual(sniffDialect('a;b;c\n1;2;3\n4;5;6\n'), { delimiter: ';', hasHeader: true });
    assert.deepEqual(sniffDialect('1\t2\tx\n3\t4\ty\n'), { delimiter: '\t', hasHeader: false });
    assert.deepEqual(sniffDialect('vhigh,low,unacc\nhigh,low,acc\nvhigh,med,unacc\n'), { delimiter: ',', hasHeader: false });
  });

  it('reads a semicolon file with missing markers into columns', async () => {
    const t = await readTable(fx('semicolon.csv'));
    assert.equal(t.dialect.delimiter, ';');
    assert.deepEqual(t.columns, ['id', 'name', 'age', 'city', 'signup', 'comment', 'label']);
    assert.equal(t.rowCount, 4);
    assert.deepEqual(t.data[2], ['34', '', '', '45']);
    assert.equal(t.data[1][0], 'Ann');
    assert.equal(t.data[1][2], 'Cy "C" D');
    assert.equal(t.data[5][1], 'Too slow; crashes');
  });

  it('skips the header row where it comes again among the rows (exports joined into one file), saying so', async () => {
    const os = await import('node:os');
    const fs = await import('node:fs/promises');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-'));
    try {
      const part = (from: number) => Array.from({ length: 30 }, (_, i) => `${from + (i % 7)},${i % 2 ? 'web' : 'ios'},${i % 3 ? 'yes' : 'no'}`).join('\n');
      const file = path.join(dir, 'joined.csv');
      await fs.writeFile(file, `age,channel,churned\n${part(20)}\nage,channel,churned\n${part(50)}\n"age" , channel,churned\n`);
      const t = await readTable(file);
      assert.equal(t.rowCount, 60);
      assert.ok(!t.data[2].includes('churned') && !t.data[0].includes('age'));
      assert.deepEqual(profileTable(t).map((p) => p.type), ['numeric', 'categorical', 'categorical']);
      assert.deepEqual(t.warnings, ['the header row came again 2 times among the rows (files joined with their headers?); those were skipped']);
      // a row that only shares the first cell with the header is data
      await fs.writeFile(file, 'name,age\nname,30\nann,25\n');
      assert.equal((await readTable(file)).rowCount, 2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('names columns c0.. when there is no header', async () => {
    const t = await readTable(fx('noheader.tsv'));
    assert.deepEqual(t.columns, ['c0', 'c1', 'c2']);
    assert.equal(t.rowCount, 3);
  });

  it('rejects a one-column file and a binary file with clear messages', async () => {
    const os = await import('node:os');
    const fs = await import('node:fs/promises');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pf-train-'));
    try {
      await fs.writeFile(path.join(dir, 'notes.txt'), 'just some words\nmore words here\nand more\n');
      await assert.rejects(readTable(path.join(dir, 'notes.txt')), (e: Error) => e instanceof UserError && /single field/.test(e.message));
      await fs.writeFile(path.join(dir, 'img.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3, 0, 0]));
      await assert.rejects(readTable(path.join(dir, 'img.csv')), (e: Error) => e instanceof UserError && /binary/.test(e.message));
      // a quote that never closes would swallow the rest of the file into one field: refused, with the row
      await fs.writeFile(path.join(dir, 'unclosed.csv'), 'text,label\nok,1\n"love the app,1\nhate it,0\n');
      await assert.rejects(readTable(path.join(dir, 'unclosed.csv')), (e: Error) => e instanceof UserError && /starts in data row 2 is never closed/.test(e.message));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('train: type inference and feature selection', () => {
  it('infers numeric, categorical, text, date, identifier and empty columns', () => {
    const n = 60;
    const rows = Array.from({ length: n }, (_, i) => [
      String(i + 1),
      i % 7 === 0 ? '?' : String((i * 37) % 50),
      ['red', 'green', 'blue'][i % 3],
      `the quick brown fox number ${i} jumps over`,
      `2024-0${(i % 9) + 1}-1${i % 10}`,
      '',
      i % 2 ? 'a' : 'b',
    ]);
    const t = tableFromRecords(['id', 'num', 'cat', 'txt', 'when', 'nothing', 'y'], rows);
    const p = profileTable(t);
    assert.deepEqual(p.map((c) => c.type), ['identifier', 'numeric', 'categorical', 'text', 'date', 'empty', 'categorical']);
    assert.equal(p[1].missing, 9);
    assert.ok(Math.abs(p[1].missingShare - 9 / 60) < 1e-12);
    assert.equal(p[2].distinct, 3);
    const sel = proposeFeatures(t, p, 'y');
    assert.deepEqual(sel.features, ['num', 'cat', 'txt', 'when']);
    assert.deepEqual(sel.excluded.map((e) => e.name), ['id', 'nothing']);
    assert.match(sel.excluded[0].reason, /identifier/);
  });

  it('flags a near-unique categorical column and a target leak', () => {
    const n = 100;
    const rows = Array.from({ length: n }, (_, i) => [`T-${i * 13}x`, i % 2 ? 'churned' : 'stayed', i % 2 ? 'yes' : 'no', String(i % 5)]);
    const t = tableFromRecords(['ticket', 'status', 'y', 'k'], rows);
    const sel = proposeFeatures(t, profileTable(t), 'y');
    const reasons = Object.fromEntries(sel.excluded.map((e) => [e.name, e.reason]));
    assert.match(reasons.ticket, /near-unique|identifier/);
    assert.match(reasons.status, /leak/);
    assert.deepEqual(sel.features, ['k']);
  });

  it('parses dates', () => {
    assert.equal(parseDate('2024-03-05'), Date.UTC(2024, 2, 5));
    assert.equal(parseDate('25/12/2023'), Date.UTC(2023, 11, 25));
    assert.ok(isNaN(parseDate('hello')));
    // dotted dates are day.month.year; month names; a column's order reads its ambiguous values
    assert.equal(parseDate('03.05.2022'), Date.UTC(2022, 4, 3));
    assert.equal(parseDate('5 Mar 2024'), Date.UTC(2024, 2, 5));
    assert.equal(parseDate('03/05/2024', 'dmy'), Date.UTC(2024, 4, 3));
    assert.equal(parseDate('03/05/2024', 'mdy'), Date.UTC(2024, 2, 5));
    assert.equal(dateOrder(['25/12/2023', '03/05/2024']), 'dmy');
    assert.equal(dateOrder(['12/25/2023', '03/05/2024']), 'mdy');
    assert.equal(dateOrder(['03/05/2024']), 'mdy');
    // birth dates before 1970 (feedback's reader stops there) are dates in a table, in the column's order
    assert.equal(parseDate('1965-04-12'), Date.UTC(1965, 3, 12));
    assert.equal(parseDate('12/04/1965', 'dmy'), Date.UTC(1965, 3, 12));
    assert.equal(parseDate('04/12/1965', 'mdy'), Date.UTC(1965, 3, 12));
    assert.equal(parseDate('12.04.1965'), Date.UTC(1965, 3, 12));
  });

  it('reads a date column in one day/month order, decided from its training values, at prediction too', () => {
    // d/m/y: before, "03/05/2024" was read as March 5 beside "25/12/2023" as December 25
    const t = tableFromRecords(['signup'], [['25/12/2023'], ['03/05/2024'], ['14/02/2024'], ['01/06/2024']]);
    const p = profileTable(t);
    assert.equal(p[0].type, 'date');
    const spec = fitPreprocessing(t, [0, 1, 2, 3], ['signup'], p);
    const col = spec.columns[0];
    assert.ok(col.kind === 'date' && col.order === 'dmy');
    const pre = new Preprocessor(spec);
    const month = (v: string) => {
      const x = csrToDense(pre.transform(tableFromRecords(['signup'], [[v]])));
      const s = col.kind === 'date' ? col.parts[1] : undefined;
      return Math.round(x[1] * s!.std + s!.mean);
    };
    assert.equal(month('03/05/2024'), 5);
    assert.equal(month('11/01/2025'), 1);
    // a classifier saved before the order was kept reads its values as it did
    const legacy = new Preprocessor({ ...spec, columns: [{ ...col, order: undefined } as typeof col] });
    const x = csrToDense(legacy.transform(tableFromRecords(['signup'], [['03/05/2024']])));
    assert.equal(Math.round(x[1] * (col.kind === 'date' ? col.parts[1].std : 1) + (col.kind === 'date' ? col.parts[1].mean : 0)), 3);
  });

  it('decides per column whether a "," file\'s numbers write decimal commas: "3,5" yes, "35,722" / "1,234,567" no, "1,234" alone keeps thousands', () => {
    assert.equal(columnDecimalComma(['3,5', '12,75', '0,5']), true);
    assert.equal(columnDecimalComma(['1234,5', '7', '2.5']), true); // 4 digits before the comma: no thousands group
    assert.equal(columnDecimalComma(['12,50 €', '3,5%']), true);
    assert.equal(columnDecimalComma(['3,5', '1,234']), true); // "1,234" is 1.234 beside "3,5", as one column
    assert.equal(columnDecimalComma(['35,722', '1,234,567']), false);
    assert.equal(columnDecimalComma(['1,234', '5,678', '12,345']), false); // ambiguous: today's reading (thousands)
    assert.equal(columnDecimalComma(['3,5', '1,234,567']), false); // a thousands-only value says no
    assert.equal(columnDecimalComma(['$3,037.19', '0,5']), false);
    assert.equal(columnDecimalComma(['3.5', '4', 'abc', 'a, b']), false);
    // only the given rows count (the training rows)
    assert.equal(columnDecimalComma(['3,5', '1,234,567', '12,75'], [0, 2]), true);
    // a headerless ',' file of decimal-comma values is data, not a header
    assert.equal(sniffDialect('"3,5","1,2",a\n"12,75","0,5",b\n"4,1","2,25",c\n').hasHeader, false);
  });

  it('reads a decimal-comma column of a "," file as one, saved in its spec; the old reading for version-1 classifiers', () => {
    const t = tableFromRecords(['price', 'income'], [['3,5', '35,722'], ['12,75', '1,234,567'], ['0,5', '8,000'], ['7', '12,500']]);
    const p = profileTable(t);
    assert.deepEqual(p.map((x) => x.type), ['numeric', 'numeric']);
    const spec = fitPreprocessing(t, [0, 1, 2, 3], ['price', 'income'], p);
    assert.equal(spec.version, 2);
    const [price, income] = spec.columns;
    assert.ok(price.kind === 'numeric' && price.decimalComma === true && price.scaler.median === (3.5 + 7) / 2);
    assert.ok(income.kind === 'numeric' && income.decimalComma === undefined && income.scaler.median === (12_500 + 35_722) / 2);
    const value = (pre: Preprocessor, v: string[], issues?: InputIssues) => {
      const x = csrToDense(pre.transform(tableFromRecords(['price', 'income'], [v]), undefined, undefined, undefined, issues));
      return [0, 1].map((k) => {
        const c = spec.columns[k];
        return c.kind === 'numeric' ? x[k] * c.scaler.std + c.scaler.mean : NaN;
      });
    };
    // the matrix holds standardised float32 values: equal to a millionth of the column's spread
    const spread = spec.columns.map((c) => (c.kind === 'numeric' ? c.scaler.std + Math.abs(c.scaler.mean) : 1));
    const same = (got: number[], want: number[]) => assert.ok(got.every((g, i) => Math.abs(g - want[i]) <= 1e-6 * spread[i]), `${got} is not ${want}`);
    const pre = new Preprocessor(spec);
    // "1,234" is the price column's 1.234 and the income column's 1234
    same(value(pre, ['1,234', '1,234']), [1.234, 1234]);
    same(value(pre, ['12.5', '$3,037.19']), [12.5, 3037.19]);
    // version 1 (saved before formatted numbers were read): plain numbers only, the rest missing (the median), said so
    const issues: InputIssues = new Map();
    const legacy = new Preprocessor({ ...spec, version: 1, columns: spec.columns.map((c) => ({ ...c, decimalComma: undefined }) as typeof c) });
    same(value(legacy, ['3,5', '35,722'], issues), [5.25, 24_111]);
    same(value(legacy, ['12.5', '4000'], issues), [12.5, 4000]);
    assert.deepEqual(describeInputIssues(issues).map((l) => l.split(';')[0]), ['column "price": 1 value is not a number (e.g. "3,5")', 'column "income": 1 value is not a number to this classifier (e.g. "35,722")']);
  });

  it('tokenizes words and CJK characters', () => {
    assert.deepEqual(tokenize("Hello, World! it's 2024"), ['hello', 'world', 'it', 's', '2024']);
    assert.deepEqual(tokenize('好评ok'), ['好', '评', 'ok']);
  });
});

describe('train: preprocessing', () => {
  it('imputes the median, standardizes, one-hots with an other bucket and adds missing indicators', () => {
    const t = tableFromRecords(['x', 'c'], [['1', 'a'], ['', 'b'], ['3', 'a'], ['5', '']]);
    const p = profileTable(t);
    const spec = fitPreprocessing(t, [0, 1, 2, 3], ['x', 'c'], p);
    const num = spec.columns[0];
    assert.equal(num.kind, 'numeric');
    if (num.kind !== 'numeric') return;
    // Median of 1,3,5 = 3; imputed column 1,3,3,5: mean 3, population std sqrt(2).
    assert.equal(num.scaler.median, 3);
    assert.equal(num.scaler.mean, 3);
    assert.ok(Math.abs(num.scaler.std - Math.SQRT2) < 1e-12);
    assert.equal(num.indicator, true);
    const cat = spec.columns[1];
    assert.deepEqual(cat.kind === 'categorical' && cat.categories, ['', 'a', 'b']);
    assert.equal(spec.nFeatures, 2 + 4);
    const pre = new Preprocessor(spec);
    const test = tableFromRecords(['c', 'x'], [['zzz', '?'], ['b', '7']]);
    const dense = csrToDense(pre.transform(test));
    const row0 = Array.from(dense.slice(0, 6)), row1 = Array.from(dense.slice(6, 12));
    assert.deepEqual(row0.map((v) => +v.toFixed(6)), [0, 1, 0, 0, 0, 1]); // imputed to the mean -> 0, missing flag, unseen -> other
    assert.deepEqual(row1.map((v) => +v.toFixed(5)), [+(4 / Math.SQRT2).toFixed(5), 0, 0, 0, 1, 0]);
    assert.throws(() => pre.transform(tableFromRecords(['x'], [['1']])), /lacks column\(s\) the classifier needs: c/);
  });

  it('the padding of a quoted category ("premium   ") is no part of it: fitted trimmed, looked up trimmed (old classifiers too)', () => {
    // a fixed-width database column exported with quotes keeps its spaces in the table; predict reads cells trimmed
    const t = tableFromRecords(['plan'], [['basic'], ['premium'], ['basic'], ['premium']]);
    t.data[0] = ['basic     ', 'premium   ', 'basic     ', 'premium   '];
    const spec = fitPreprocessing(t, [0, 1, 2, 3], ['plan'], profileTable(t));
    assert.deepEqual(spec.columns[0].kind === 'categorical' && spec.columns[0].categories, ['basic', 'premium']);
    const issues = new Map();
    const rows = (pre: Preprocessor) => Array.from(csrToDense(pre.transform(tableFromRecords(['plan'], [['premium'], ['basic']]), undefined, undefined, undefined, issues)));
    assert.deepEqual(rows(new Preprocessor(spec)), [0, 1, 0, 1, 0, 0]);
    assert.equal(issues.size, 0, 'no value is "never seen in training"');
    // a classifier saved with padded categories reads trimmed cells as them
    const old = { ...spec, columns: [{ kind: 'categorical' as const, name: 'plan', categories: ['basic     ', 'premium   '] }] };
    assert.deepEqual(rows(new Preprocessor(old)), [0, 1, 0, 1, 0, 0]);
    assert.equal(issues.size, 0);
  });

  it('text blocks equal a plain reference: df by document, top-k by (df desc, term asc), tf-idf rows l2-normalised', () => {
    // The reference is the obvious implementation (every term string, every entry sorted); the engine's caches,
    // interned ids and df histogram must give the very same vocabulary, idf and values.
    const r = rng(7);
    const lex = Array.from({ length: 60 }, (_, i) => `w${i}${'x'.repeat(i % 4)}`);
    const docs = Array.from({ length: 300 }, () => Array.from({ length: 3 + Math.floor(r() * 40) }, () => lex[Math.floor(r() ** 2 * lex.length)]));
    const refTerms = (toks: string[], kind: 'word' | 'char', a: number, b: number): string[] => {
      const out: string[] = [];
      if (kind === 'word') for (let n = a; n <= b; n++) for (let i = 0; i + n <= toks.length; i++) out.push(toks.slice(i, i + n).join(' '));
      else for (const t of toks) for (let n = a; n <= b; n++) for (let i = 0; i + n <= t.length + 2; i++) out.push(` ${t} `.slice(i, i + n));
      return out;
    };
    for (const [kind, a, b, k] of [['word', 1, 2, 150], ['char', 2, 4, 90], ['word', 1, 2, 100000]] as const) {
      const spec = fitTextBlock(docs, kind, a, b, k);
      const df = new Map<string, number>();
      for (const d of docs) for (const t of new Set(refTerms(d, kind, a, b))) df.set(t, (df.get(t) ?? 0) + 1);
      const minDf = kind === 'word' && docs.length < 2000 ? 1 : 2;
      const ranked = [...df].filter(([t, d]) => d >= minDf && (kind === 'char' || !t.includes(' ') || d >= 2)).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      const vocab = ranked.slice(0, k).map(([t]) => t).sort();
      assert.deepEqual(spec.vocab, vocab, `${kind} vocabulary (k ${k})`);
      assert.deepEqual(spec.idf, vocab.map((t) => Math.log((1 + docs.length) / (1 + df.get(t)!)) + 1));
      const blk = new TextBlock(spec);
      for (const d of docs.slice(0, 40)) {
        const got: [number, number][] = [];
        blk.transform(d, 0, (j, v) => got.push([j, v]));
        const tf = new Map<number, number>();
        for (const t of refTerms(d, kind, a, b)) {
          const j = vocab.indexOf(t);
          if (j >= 0) tf.set(j, (tf.get(j) ?? 0) + 1);
        }
        const vals = [...tf].map(([j, c]): [number, number] => [j, (1 + Math.log(c)) * spec.idf[j]]);
        const norm = Math.sqrt(vals.reduce((s2, [, v]) => s2 + v * v, 0));
        assert.deepEqual(got, vals.sort((x, y) => x[0] - y[0]).map(([j, v]) => [j, v / norm]));
      }
    }
  });

  it('builds l2-normalised TF-IDF rows for text columns', () => {
    const docs = ['good app', 'bad app crash', 'good good support', 'bad support'];
    const t = tableFromRecords(['t'], docs.map((d) => [d]));
    const p = profileTable(t);
    p[0].type = 'text';
    const spec = fitPreprocessing(t, [0, 1, 2, 3], ['t'], p, { maxCharFeatures: 0 });
    const X = new Preprocessor(spec).transform(t);
    for (let r = 0; r < X.rows; r++) {
      let s = 0;
      for (let q = X.indptr[r]; q < X.indptr[r + 1]; q++) s += X.values[q] ** 2;
      assert.ok(Math.abs(s - 1) < 1e-5, `row ${r} norm ${s}`);
    }
    const blk = spec.columns[0].kind === 'text' ? spec.columns[0].blocks[0] : undefined;
    assert.ok(blk);
    const iApp = blk.vocab.indexOf('app');
    // idf = ln((1 + 4) / (1 + 2)) + 1
    assert.ok(Math.abs(blk.idf[iApp] - (Math.log(5 / 3) + 1)) < 1e-12);
  });
});

describe('train: metrics and split', () => {
  it('matches hand-computed precision, recall, F1 and confusion', () => {
    const yTrue = [0, 0, 0, 1, 1, 2];
    const yPred = [0, 1, 0, 1, 2, 2];
    const m = computeMetrics(yTrue, yPred, ['a', 'b', 'c']);
    assert.deepEqual(m.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    assert.equal(m.accuracy, 4 / 6);
    assert.deepEqual(m.perClass.map((c) => [c.precision, c.recall]), [[1, 2 / 3], [0.5, 0.5], [0.5, 1]]);
    const f1 = [0.8, 0.5, 2 / 3];
    m.perClass.forEach((c, k) => assert.ok(Math.abs(c.f1 - f1[k]) < 1e-12));
    assert.ok(Math.abs(m.macroF1 - (0.8 + 0.5 + 2 / 3) / 3) < 1e-12);
  });

  it('splits stratified and deterministically', () => {
    const y = Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const a = stratifiedSplit(y, 2, 0.25, 7), b = stratifiedSplit(y, 2, 0.25, 7);
    assert.deepEqual(a, b);
    assert.equal(a.test.length, 25);
    assert.equal([...a.test].filter((i) => y[i] === 1).length, 5);
    assert.equal(new Set([...a.train, ...a.test]).size, 100);
  });
});

function blobs(n: number, seed: number): { X: ReturnType<CsrBuilder['build']>; y: Int32Array } {
  const rand = rng(seed);
  const b = new CsrBuilder(2);
  const y = new Int32Array(n);
  const centers = [[-2, 0], [2, 0], [0, 3]];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    y[i] = k;
    b.push(0, centers[k][0] + 0.5 * gaussian(rand));
    b.push(1, centers[k][1] + 0.5 * gaussian(rand));
    b.endRow();
  }
  return { X: b.build(), y };
}

describe('train: models', () => {
  it('logistic regression gradient matches finite differences', () => {
    const { X, y } = blobs(30, 1);
    const theta = Float64Array.from({ length: 2 * 3 + 3 }, (_, i) => Math.sin(i));
    const g = new Float64Array(theta.length), g2 = new Float64Array(theta.length);
    logregObjective(X, y, 3, theta, g, 0.5);
    for (let i = 0; i < theta.length; i++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[i] += 1e-6; tm[i] -= 1e-6;
      const fd = (logregObjective(X, y, 3, tp, g2, 0.5).loss - logregObjective(X, y, 3, tm, g2, 0.5).loss) / 2e-6;
      assert.ok(Math.abs(fd - g[i]) < 1e-5, `param ${i}: ${fd} vs ${g[i]}`);
    }
  });

  it('logistic regression gradient matches finite differences on rows of 0 to 9 non-zeros with sample weights', () => {
    const rand = rng(11);
    const D = 12, K = 4, b = new CsrBuilder(D);
    const y = new Int32Array(40), sw = new Float64Array(40);
    for (let r = 0; r < 40; r++) {
      const cols = Array.from({ length: D }, (_, j) => j).sort(() => rand() - 0.5).slice(0, r % 10);
      for (const j of cols.sort((p, q) => p - q)) b.push(j, gaussian(rand));
      b.endRow();
      y[r] = r % K;
      sw[r] = 0.5 + rand();
    }
    const X = b.build();
    const theta = Float64Array.from({ length: D * K + K }, (_, i) => 0.3 * Math.cos(i));
    const g = new Float64Array(theta.length), g2 = new Float64Array(theta.length);
    logregObjective(X, y, K, theta, g, 2, sw);
    for (let i = 0; i < theta.length; i++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[i] += 1e-6; tm[i] -= 1e-6;
      const fd = (logregObjective(X, y, K, tp, g2, 2, sw).loss - logregObjective(X, y, K, tm, g2, 2, sw).loss) / 2e-6;
      assert.ok(Math.abs(fd - g[i]) < 1e-6, `param ${i}: ${fd} vs ${g[i]}`);
    }
  });

  it('L-BFGS reaches the same optimum with a 2-pair history (ring buffer wrapping) as with 10 pairs', async () => {
    const rand = rng(12);
    const D = 30, K = 5, b = new CsrBuilder(D);
    const y = new Int32Array(300);
    for (let r = 0; r < 300; r++) {
      y[r] = Math.floor(rand() * K);
      for (let j = 0; j < D; j++) if (rand() < 0.3) b.push(j, gaussian(rand) + (j % K === y[r] ? 1 : 0));
      b.endRow();
    }
    const X = b.build();
    const full = await fitLogReg(X, y, K, { C: 10, tol: 1e-8, maxIter: 1000 });
    const short = await fitLogReg(X, y, K, { C: 10, tol: 1e-8, maxIter: 1000, history: 2 });
    assert.ok(full.converged && short.converged);
    assert.ok(full.iterations > 10 && short.iterations > 10, `iterations ${full.iterations} / ${short.iterations}`);
    assert.ok(Math.abs(full.loss - short.loss) < 1e-9, `${full.loss} vs ${short.loss}`);
    const g = new Float64Array(full.params.length);
    logregObjective(X, y, K, short.params, g, 10);
    assert.ok(Math.max(...Array.from(g, Math.abs)) < 1e-6);
  });

  it('L-BFGS preconditioned by the features\' scales reaches the plain optimum in far fewer iterations on skewed sparse features', async () => {
    // TF-IDF-like rows: l2-normalised, words of Zipf-like frequency (a few in most rows, most in a handful), 6 classes
    const rand = rng(21);
    const D = 1000, K = 6, n = 2000, b = new CsrBuilder(D);
    const y = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      y[r] = r % K;
      const cols = new Set<number>();
      while (cols.size < 8) cols.add(Math.min(D - 1, Math.floor(Math.pow(rand(), 3) * D)));
      // words tied to the class: every sixth word, more often in that class's rows
      for (let t = 0; t < 3; t++) cols.add((y[r] + K * Math.floor(rand() * (D / K))) % D);
      const js = [...cols].sort((p, q) => p - q);
      const norm = Math.sqrt(js.length);
      for (const j of js) b.push(j, 1 / norm);
      b.endRow();
    }
    const X = b.build();
    const plain = await fitLogReg(X, y, K, { C: 1, tol: 1e-6, maxIter: 1000, precondition: false });
    const pre = await fitLogReg(X, y, K, { C: 1, tol: 1e-6, maxIter: 1000 });
    assert.ok(plain.converged && pre.converged);
    assert.ok(pre.iterations * 2 <= plain.iterations, `iterations: preconditioned ${pre.iterations}, plain ${plain.iterations}`);
    // the same optimum (a strictly convex objective): losses and predictions agree
    assert.ok(Math.abs(plain.loss - pre.loss) < 1e-8, `${plain.loss} vs ${pre.loss}`);
    const pa = predictProba(logregNetwork(plain.params, D, K), X), pb = predictProba(logregNetwork(pre.params, D, K), X);
    assert.ok(pa.every((v, i) => Math.abs(v - pb[i]) < 1e-3));
    // the scales: about 1 for a standardized dense column and for the biases, larger for a rare feature (2 rows of 100):
    // sqrt(c S / (c sum x^2 + 1/C)) with c = (1/3)(2/3), S = 100 rows, C = 1
    const dense = new CsrBuilder(2);
    for (let r = 0; r < 100; r++) { dense.push(0, r % 2 ? 1 : -1); dense.push(1, r < 2 ? 1 : 0); dense.endRow(); }
    const P = logregPreconditioner(dense.build(), 3, 1);
    const c = 2 / 9;
    assert.ok(P[0] > 0.95 && P[0] <= 1, `dense ${P[0]}`);
    assert.ok(Math.abs(P[1] - Math.sqrt((c * 100) / (c * 2 + 1))) < 1e-12 && P[1] > 3, `rare ${P[1]}`);
    assert.equal(P[2], 1);
  });

  it('logistic regression and the MLP learn separable blobs', async () => {
    const { X, y } = blobs(300, 2);
    const test = blobs(150, 3);
    const lr = await fitLogReg(X, y, 3, { C: 1 });
    const accLr = argmaxRows(predictProba(logregNetwork(lr.params, 2, 3), test.X), 3).filter((p, i) => p === test.y[i]).length / 150;
    assert.ok(accLr > 0.97, `logreg accuracy ${accLr}`);
    const mlp = await fitMlp(X, y, 3, test.X, test.y, { hidden: [16], epochs: 60, seed: 1 });
    const accMlp = argmaxRows(predictProba(mlp.network, test.X), 3).filter((p, i) => p === test.y[i]).length / 150;
    assert.ok(accMlp > 0.97, `mlp accuracy ${accMlp}`);
  });

  it('the MLP learns XOR, which logistic regression cannot', async () => {
    const rand = rng(5);
    const b = new CsrBuilder(2);
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const a = rand() * 2 - 1, c = rand() * 2 - 1;
      b.push(0, a); b.push(1, c); b.endRow();
      y.push(a * c > 0 ? 1 : 0);
    }
    const X = b.build(), Y = Int32Array.from(y);
    const mlp = await fitMlp(X, Y, 2, null, null, { hidden: [32], epochs: 300, dropout: 0, learningRate: 0.01, seed: 0 });
    const acc = argmaxRows(predictProba(mlp.network, X), 2).filter((p, i) => p === Y[i]).length / 400;
    assert.ok(acc > 0.9, `xor accuracy ${acc}`);
  });

  it('without validation rows the MLP stops when the training loss stalls (sklearn tol rule)', async () => {
    const { X, y } = blobs(300, 2);
    const fit = await fitMlp(X, y, 3, null, null, { hidden: [8], epochs: 500, patience: 3, tol: 1e-2, learningRate: 0.01, seed: 0 });
    assert.ok(fit.epochs < 500, `ran all ${fit.epochs} epochs`);
    assert.equal(fit.bestValLoss, null);
    const acc = argmaxRows(predictProba(fit.network, X), 3).filter((p, i) => p === y[i]).length / 300;
    assert.ok(acc > 0.95, `training accuracy ${acc}`);
    // the returned network holds float32 weights, as model.onnx does
    assert.ok(fit.network.kind === 'mlp' && fit.network.layers.every((l) => l.W instanceof Float32Array && l.b instanceof Float32Array));
  });

  it('trains end to end with per-epoch callbacks, and cancels', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [String(i % 2 ? 10 + (i % 7) : i % 7), i % 2 ? 'big' : 'small', i % 3 ? 'x' : 'z']);
    const t = tableFromRecords(['v', 'y', 'noise'], rows);
    const epochs: number[] = [];
    const r = await trainClassifier(t, { target: 'y', features: ['v', 'noise'], model: 'mlp', epochs: 20, onEpoch: (e) => epochs.push(e.epoch) });
    assert.equal(r.metrics.accuracy, 1);
    assert.ok(epochs.length >= 5 && epochs[0] === 1);
    assert.deepEqual(r.classifier.labels, ['big', 'small']);
    const ac = new AbortController();
    await assert.rejects(
      trainClassifier(t, { target: 'y', model: 'mlp', epochs: 500, patience: 0, signal: ac.signal, onEpoch: (e) => { if (e.epoch === 3) ac.abort(); } }),
      CancelledError,
    );
  });

  it("auto's network on large data stops after 5 epochs without a better validation loss or 3 rises in a row; an asked-for patience still rules", async () => {
    // 6,500 rows (5,200 training rows: a validation split, not cross-validation), XOR quadrants with label noise, so
    // logistic regression is not perfect and the network is fitted
    const rand = rng(31);
    const rows: string[][] = [];
    for (let i = 0; i < 6500; i++) {
      const a = rand() * 2 - 1, b = rand() * 2 - 1;
      const label = ((a > 0) !== (b > 0)) !== (rand() < 0.1) ? 'yes' : 'no';
      rows.push([a.toFixed(3), b.toFixed(3), label]);
    }
    const t = tableFromRecords(['a', 'b', 'y'], rows);
    /** The epoch where a rule stops on the fitted network's validation losses (fitMlp's improvement test: by 1e-4). */
    const stopOf = (losses: number[], patience: number, rises: number) => {
      let best = Infinity, bad = 0, up = 0;
      for (let e = 0; e < losses.length; e++) {
        up = e > 0 && losses[e] > losses[e - 1] ? up + 1 : 0;
        if (losses[e] < best - 1e-4) { best = losses[e]; bad = 0; } else if (++bad >= patience || (rises > 0 && up >= rises)) return e + 1;
      }
      return losses.length + 1;
    };
    const fitted = async (patience?: number) => {
      const r = await trainClassifier(t, { target: 'y', model: 'auto', patience, importance: false });
      const fit = r.history.filter((e) => e.model === 'mlp' && e.phase === 'fit');
      assert.ok(fit.length > 0, 'the network was fitted');
      return fit.map((e) => e.valLoss!);
    };
    const auto = await fitted();
    assert.equal(auto.length, stopOf(auto, 5, 3), `auto stopped at epoch ${auto.length}: ${auto.map((l) => l.toFixed(4)).join(' ')}`);
    assert.ok(auto.length < stopOf(auto, 10, 0), 'earlier than sklearn\'s 10 epochs of patience');
    const asked = await fitted(8);
    assert.equal(asked.length, stopOf(asked, 8, 0), `asked-for patience 8 stopped at epoch ${asked.length}`);
  });

  it('the MLP stops once its validation loss has risen the given number of epochs in a row, keeping the best weights', async () => {
    // few noisy rows, a large step: the validation loss bottoms out early and climbs
    const { X, y } = blobs(120, 7);
    const val = blobs(60, 8);
    for (let i = 0; i < y.length; i += 3) y[i] = (y[i] + 1) % 3;
    const o = { hidden: [64], epochs: 200, learningRate: 0.05, seed: 2 };
    const losses: number[] = [];
    const long = await fitMlp(X, y, 3, val.X, val.y, { ...o, patience: 20, onEpoch: (_, m) => void losses.push(m.valLoss!) });
    const short = await fitMlp(X, y, 3, val.X, val.y, { ...o, patience: 20, rises: 2 });
    // where two rises in a row first come after the best so far: the short fit stops there, with the long fit's weights then
    let best = Infinity, stop = 0;
    for (let e = 0; e < losses.length && !stop; e++) {
      if (losses[e] < best - 1e-4) best = losses[e];
      else if (e >= 2 && losses[e] > losses[e - 1] && losses[e - 1] > losses[e - 2]) stop = e + 1;
    }
    assert.ok(stop > 0 && stop < long.epochs, `stop ${stop}, long fit ${long.epochs} epochs: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
    assert.equal(short.epochs, stop);
    assert.equal(short.bestEpoch, long.bestEpoch);
    assert.deepEqual(short.network, long.network);
  });

  it('reads target values that differ only in case or spaces as one class, in the test file too', async () => {
    // an export where the churn flag was typed by hand: Yes / yes / YES / ' Yes' are one class, No / no / NO another
    const yes = ['Yes', 'yes', 'YES', ' Yes', 'Yes'], no = ['No', 'no', 'NO ', 'No', 'No'];
    const rows: string[][] = [];
    for (let i = 0; i < 60; i++) rows.push([String(i % 2 ? 10 + (i % 7) : 50 + (i % 5)), i % 2 ? yes[i % 5] : no[i % 5]]);
    const t = tableFromRecords(['spend', 'churn'], rows);
    t.data[1][1] = ' Yes'; // a quoted cell keeps its spaces
    const test = tableFromRecords(['spend', 'churn'], [['12', 'YES'], ['52', 'no'], ['11', 'yes']]);
    const r = await trainClassifier(t, { target: 'churn', features: ['spend'], model: 'logreg', testTable: test, importance: false });
    assert.deepEqual(r.classifier.labels, ['No', 'Yes']);
    assert.equal(r.testRows, 3);
    assert.equal(r.metrics.accuracy, 1);
    const w = r.warnings.find((x) => /differ only in case or spaces/.test(x));
    assert.ok(w && /'No' \(also .*'no'/.test(w) && /'Yes' \(also .*'YES'/.test(w), String(w));
    // a target without variants gets no such warning
    const plain = await trainClassifier(tableFromRecords(['spend', 'churn'], rows.map((r) => [r[0], r[1].trim().toLowerCase()])), { target: 'churn', features: ['spend'], model: 'logreg', importance: false });
    assert.deepEqual(plain.classifier.labels, ['no', 'yes']);
    assert.ok(!plain.warnings.some((x) => /differ only in case/.test(x)));
  });

  it('warns when many test rows repeat a training row (a file of repeated rows makes accuracy optimistic)', async () => {
    const unique: string[][] = [];
    for (let i = 0; i < 100; i++) unique.push([`id${i}`, String(i), String((i * 37) % 101), i % 3 ? 'yes' : 'no']);
    const t = tableFromRecords(['id', 'a', 'b', 'y'], unique);
    const fresh = await trainClassifier(t, { target: 'y', features: ['a', 'b'], model: 'logreg', importance: false });
    assert.ok(!fresh.warnings.some((w) => /same feature values/.test(w)), fresh.warnings.join('\n'));
    // each row four times, each copy with its own id (a resampled export): the id is no feature, the rows are the same
    const repeated = tableFromRecords(['id', 'a', 'b', 'y'], [0, 1, 2, 3].flatMap((k) => unique.map((r) => [`${r[0]}-${k}`, ...r.slice(1)])));
    const r = await trainClassifier(repeated, { target: 'y', features: ['a', 'b'], model: 'logreg', importance: false });
    const w = r.warnings.find((x) => /same feature values/.test(x));
    assert.match(String(w), /^\d+ of the 80 test rows \(\d+%\) have the same feature values and 'y' as a training row/);
    assert.ok(Number(String(w).split(' ')[0]) >= 70, w);
    // the count itself, by name: the test file's columns may come in another order
    const test = tableFromRecords(['y', 'b', 'a'], [['yes', '37', '1'], ['no', '0', '0'], ['no', '5', '5']]);
    assert.equal(duplicatedTestRows(t, [0, 1, 2], test, [0, 1, 2], ['a', 'b', 'y']), 2);
    // a class spelled differently only in case or spaces is the same class there too
    assert.equal(duplicatedTestRows(t, [0, 1, 2], tableFromRecords(['y', 'b', 'a'], [['Yes ', '37', '1']]), [0], ['a', 'b', 'y']), 1);
  });

  it('rejects a one-class target and a class with a single row', async () => {
    await assert.rejects(trainClassifier(await readTable(fx('oneclass.csv')), { target: 'y' }), /single class \('a'\)/);
    await assert.rejects(trainClassifier(await readTable(fx('singleton.csv')), { target: 'y' }), /'c' of 'y' has a single row/);
    await assert.rejects(trainClassifier(await readTable(fx('singleton.csv')), { target: 'nope' }), /target column 'nope' is not in the file/);
  });
});
