import assert from 'node:assert/strict';
import path from 'node:path';
import { onDevice } from '../../src/core/deviceName';
import {
  columnMemoryKey,
  commandTargets,
  commonTextColumns,
  droppedTableFile,
  deviceLabel,
  dropCovered,
  isFeedbackFile,
  isInside,
  isTableFile,
  localFiles,
  localPath,
  rememberedColumns,
  reportBaseName,
  reportRoot,
} from '../../src/extension/args';
import { UserError } from '../../src/core/types';

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
  it('reads remembered text columns: a list, or the single name earlier versions stored, while the file has them', () => {
    const names = ['id', 'title', 'review'];
    assert.deepEqual(rememberedColumns(['title', 'review'], names), ['title', 'review']);
    assert.deepEqual(rememberedColumns('review', names), ['review']);
    assert.equal(rememberedColumns(['title', 'body'], names), undefined);
    assert.equal(rememberedColumns([], names), undefined);
    assert.equal(rememberedColumns(undefined, names), undefined);
    assert.equal(rememberedColumns([1, 'title'], names), undefined);
    assert.deepEqual(rememberedColumns(['body'], undefined), ['body']);
  });
  it('gives the engine one text column list for the run, or none when every table goes by detection', () => {
    const a = { file: '/w/a.csv', columns: ['id', 'title', 'review'], detected: 'review' };
    const b = { file: '/w/b.csv', columns: ['title', 'review', 'stars'], detected: 'review' };
    assert.equal(commonTextColumns([a, b]), undefined);
    assert.equal(commonTextColumns([]), undefined);
    assert.deepEqual(commonTextColumns([{ ...a, chosen: ['title', 'review'] }, { ...b, chosen: ['title', 'review'] }]), ['title', 'review']);
    // A chosen single column that the other table detects anyway is shared.
    assert.deepEqual(commonTextColumns([{ ...a, chosen: ['review'] }, b]), ['review']);
    assert.throws(
      () => commonTextColumns([{ ...a, chosen: ['title', 'review'] }, b]),
      (e: unknown) => e instanceof UserError && /different text columns \(a\.csv: title \+ review, b\.csv: review\)/.test(e.message),
    );
    // A table without the chosen columns (or any text column) is refused too.
    const c = { file: '/w/c.csv', columns: ['n', 'm'] };
    assert.throws(() => commonTextColumns([{ ...a, chosen: ['review'] }, c]), /c\.csv: \?/);
  });
  it('takes a dropped CSV/TSV by file URI or path and refuses other schemes and file types', () => {
    assert.equal(droppedTableFile('file:///w/data/churn%20q1.csv'), path.resolve('/w/data/churn q1.csv'));
    assert.equal(droppedTableFile('/w/data/tickets.TSV'), path.resolve('/w/data/tickets.TSV'));
    assert.match((droppedTableFile('vscode-remote://ssh-remote+box/w/a.csv') as { error: string }).error, /Only files on disk .*vscode-remote: is not supported/);
    assert.match((droppedTableFile('file:///w/notes.md') as { error: string }).error, /notes\.md is not a CSV or TSV file/);
  });
  it('takes picked files on this computer only: a virtual or remote file is refused, naming its scheme', () => {
    assert.equal(localPath({ scheme: 'file', fsPath: '/w/data/churn.csv' }, 'used for training'), '/w/data/churn.csv');
    // A GitHub repository opened as a virtual workspace: its fsPath is a local-looking path that is not the file.
    assert.throws(
      () => localPath({ scheme: 'vscode-vfs', fsPath: '/github/owner/repo/churn.csv' }, 'used for training'),
      (e: unknown) => e instanceof UserError && /^Only files on disk can be used for training \(vscode-vfs: is not supported\)\. Save or copy/.test(e.message),
    );
    const found = [
      { scheme: 'file', fsPath: '/w/a.csv' },
      { scheme: 'vscode-vfs', fsPath: '/github/o/r/b.csv' },
      { scheme: 'vscode-remote', fsPath: '/home/u/c.csv' },
      { scheme: 'file', fsPath: '/w2/d.tsv' },
    ];
    assert.deepEqual(localFiles(found).map((u) => u.fsPath), ['/w/a.csv', '/w2/d.tsv']);
    assert.deepEqual(localFiles([]), []);
  });
  it('names devices', () => {
    assert.equal(deviceLabel('cpu'), 'CPU');
    assert.equal(deviceLabel('cuda'), 'CUDA');
    assert.equal(deviceLabel('dml'), 'DirectML');
    assert.equal(deviceLabel('coreml'), 'CoreML');
    assert.equal(deviceLabel('other'), 'other');
    // after "analyzed …" (report.md, the Report view): the hardware in words ("on cpu" read as a typo)
    assert.deepEqual(['cpu', 'cuda', 'dml', 'coreml', 'npu'].map(onDevice), ['on the CPU', 'on the GPU (CUDA)', 'on the GPU (DirectML)', 'with CoreML', 'on npu']);
  });
});
