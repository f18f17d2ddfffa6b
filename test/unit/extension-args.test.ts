import assert from 'node:assert/strict';
import path from 'node:path';
import {
  columnMemoryKey,
  commandTargets,
  deviceLabel,
  dropCovered,
  isFeedbackFile,
  isInside,
  isTableFile,
  reportBaseName,
  reportRoot,
} from '../../src/extension/args';

const uri = (p: string, scheme = 'file') => ({ scheme, fsPath: p, path: p });

describe('extension: command arguments', () => {
  it('uses the explorer multi-selection over the clicked item', () => {
    const a = uri('/w/a.csv');
    const b = uri('/w/b.txt');
    assert.deepEqual(commandTargets([a, [a, b]]), [a, b]);
  });
  it('takes the single uri from editor/title and editor/context', () => {
    const a = uri('/w/a.csv');
    assert.deepEqual(commandTargets([a, { groupId: 1 }]), [a]);
    assert.deepEqual(commandTargets([a]), [a]);
  });
  it('accepts an array of uris, paths, and nothing', () => {
    const a = uri('/w/a.csv');
    assert.deepEqual(commandTargets([[a, '/w/b.txt']]), [a, '/w/b.txt']);
    assert.deepEqual(commandTargets(['/w/c.md']), ['/w/c.md']);
    assert.deepEqual(commandTargets([]), []);
    assert.deepEqual(commandTargets([undefined, undefined]), []);
    assert.deepEqual(commandTargets([{ groupId: 1 }]), []);
    assert.deepEqual(commandTargets([42, 'x']), []);
  });
  it('drops duplicates and junk entries', () => {
    const a = uri('/w/a.csv');
    assert.deepEqual(commandTargets([a, [a, uri('/w/a.csv'), null, 3, '']]), [a]);
  });
  it('keeps non-file schemes so the command can refuse them clearly', () => {
    const v = uri('/x.csv', 'vscode-remote');
    assert.deepEqual(commandTargets([v]), [v]);
  });
});

describe('extension: input paths', () => {
  it('recognizes feedback and table files case-insensitively', () => {
    for (const f of ['a.txt', 'a.MD', 'x/y.csv', 'b.TSV', 'c.json', 'd.jsonl']) assert.ok(isFeedbackFile(f), f);
    for (const f of ['a.pdf', 'a', 'a.csv.bak', '.csv.x']) assert.ok(!isFeedbackFile(f), f);
    assert.ok(isTableFile('a.CSV') && isTableFile('b.tsv') && !isTableFile('c.json'));
  });
  it('tests containment by path segments, not prefixes', () => {
    assert.ok(isInside('/w', '/w/a/b.txt', false));
    assert.ok(isInside('/w', '/w', false));
    assert.ok(!isInside('/w', '/work/a.txt', false));
    assert.ok(!isInside('/w', '/w/../etc/passwd', false));
    assert.ok(isInside('/W', '/w/a', true));
  });
  it('drops files inside a selected folder', () => {
    const dirs = new Set(['/w/data']);
    assert.deepEqual(dropCovered(['/w/data', '/w/data/a.csv', '/w/b.csv', '/w/database.csv'], (p) => dirs.has(p)), ['/w/data', '/w/b.csv', '/w/database.csv']);
  });
  it('puts reports in the workspace folder, else next to the input', () => {
    assert.equal(reportRoot('/w/sub/a.csv', false, '/w'), '/w');
    assert.equal(reportRoot('/elsewhere/a.csv', false, undefined), path.resolve('/elsewhere'));
    assert.equal(reportRoot('/elsewhere/data', true, undefined), path.resolve('/elsewhere/data'));
  });
  it('derives safe report names', () => {
    assert.equal(reportBaseName(['/w/app reviews.csv']), 'app-reviews');
    assert.equal(reportBaseName(['/w/a.csv', '/w/b.csv', '/w/c']), 'a+2');
    assert.equal(reportBaseName(['/w/用户反馈.txt']), '用户反馈');
    assert.equal(reportBaseName(['/w/...csv']), 'feedback');
    assert.equal(reportBaseName([]), 'feedback');
  });
  it('keys the remembered column by absolute path', () => {
    assert.equal(columnMemoryKey('/w/a.csv'), `productForge.textColumn:${path.resolve('/w/a.csv')}`);
  });
  it('names devices', () => {
    assert.equal(deviceLabel('cpu'), 'CPU');
    assert.equal(deviceLabel('cuda'), 'CUDA');
    assert.equal(deviceLabel('dml'), 'DirectML');
    assert.equal(deviceLabel('coreml'), 'CoreML');
    assert.equal(deviceLabel('other'), 'other');
  });
});
