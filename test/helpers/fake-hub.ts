// A local HTTP server (127.0.0.1, random port) that stands in for the Hugging Face hub: its tree API
// (`/api/models/<id>/tree/main?recursive=true`, paginated with Link rel="next") and its resolve URLs
// (`/<id>/resolve/main/<path>`, .onnx files behind a 302 to a "CDN" path, as the hub does for LFS files).
// It serves a copy of the tiny random decoder (test/fixtures/models/tiny-random-decoder). Used by
// test/integration/hub-download.test.ts and test/e2e/generate-download.test.ts (PRODUCT_FORGE_HUB_URL = hub.base).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { HubTreeEntry } from '../../src/core/models/hub';

export const DECODER = path.resolve(__dirname, '..', 'fixtures', 'models', 'tiny-random-decoder');

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const gitSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** Files of a folder, by '/'-separated relative path. */
export function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) for (const [k, v] of readTree(p, `${prefix}${name}/`)) out.set(k, v);
    else out.set(`${prefix}${name}`, fs.readFileSync(p));
  }
  return out;
}

/** The hub's tree listing of the files: .onnx and .onnx_data files (and anything over 10 kB) as LFS files. */
export function treeOf(files: Map<string, Buffer>): HubTreeEntry[] {
  const rows: HubTreeEntry[] = [];
  const dirs = new Set<string>();
  for (const [p, buf] of files) {
    const d = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (d && !dirs.has(d)) {
      dirs.add(d);
      rows.push({ type: 'directory', path: d, size: 0, oid: '0'.repeat(40) });
    }
    if (/\.onnx(_data(_\d+)?)?$/.test(p) || buf.length > 10_000) {
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(buf)}\nsize ${buf.length}\n`);
      rows.push({ type: 'file', path: p, size: buf.length, oid: gitSha1(pointer), lfs: { oid: sha256(buf), size: buf.length } });
    } else rows.push({ type: 'file', path: p, size: buf.length, oid: gitSha1(buf) });
  }
  return rows;
}

export interface FakeHub {
  base: string;
  /** Paths asked for (listing pages as "tree", files by path; the CDN leg of a redirect is not counted). */
  requests: string[];
  /** The repository's files (edit per test). */
  files: Map<string, Buffer>;
  /** Answers a listing request instead of the default (return true when answered). */
  onTree?: (res: http.ServerResponse) => boolean;
  /** Answers a file request instead of the default (return true when answered); `cdn` is true on the leg after the redirect. */
  onFile?: (rel: string, res: http.ServerResponse, cdn: boolean) => boolean;
  close(): Promise<void>;
}

/** Starts the stand-in hub serving `files` as the repository `id`; listing pages hold `pageSize` rows. */
export async function startHub(files: Map<string, Buffer>, id: string, pageSize = 4): Promise<FakeHub> {
  const hub = { requests: [] as string[], files } as FakeHub;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const treePrefix = `/api/models/${id}/tree/main`;
    if (url.pathname === treePrefix) {
      hub.requests.push('tree');
      if (hub.onTree?.(res)) return;
      assert.equal(url.searchParams.get('recursive'), 'true');
      const rows = treeOf(hub.files);
      const at = Number(url.searchParams.get('cursor') ?? 0);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (at + pageSize < rows.length) headers.link = `<${hub.base}${treePrefix}?recursive=true&cursor=${at + pageSize}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify(rows.slice(at, at + pageSize)));
      return;
    }
    // LFS files are served from a "CDN" after a redirect, as the hub does
    const cdn = /^\/cdn\/(.+)$/.exec(url.pathname);
    const resolve = new RegExp(`^/${id}/resolve/main/(.+)$`).exec(url.pathname);
    const rel = cdn ? decodeURIComponent(cdn[1]) : resolve ? decodeURIComponent(resolve[1]) : undefined;
    if (rel === undefined) return void res.writeHead(404).end('no route');
    if (!cdn) hub.requests.push(rel);
    if (hub.onFile?.(rel, res, !!cdn)) return;
    const buf = hub.files.get(rel);
    if (!buf) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    if (!cdn && rel.endsWith('.onnx')) return void res.writeHead(302, { location: `/cdn/${encodeURIComponent(rel)}` }).end();
    res.writeHead(200, { 'content-length': buf.length }).end(buf);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hub.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return hub;
}

/** The tiny decoder as a hub repository: onnx/model.onnx renamed to onnx/model_q4.onnx, plus files that must not be downloaded. */
export function q4Repo(): Map<string, Buffer> {
  const src = readTree(DECODER);
  const files = new Map<string, Buffer>();
  for (const [p, b] of src) if (p !== 'onnx/model.onnx' && p !== 'reference.json') files.set(p, b);
  files.set('onnx/model_q4.onnx', src.get('onnx/model.onnx')!);
  files.set('onnx/model_fp16.onnx', Buffer.alloc(2048, 1)); // another variant: not downloaded
  files.set('README.md', Buffer.from('# tiny chat\n'));
  files.set('.gitattributes', Buffer.from('*.onnx filter=lfs diff=lfs merge=lfs -text\n'));
  return files;
}
