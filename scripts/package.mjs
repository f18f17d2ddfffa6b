// Packages one platform-specific .vsix per target.
//   node scripts/package.mjs [--target linux-x64|linux-arm64|win32-x64|win32-arm64|darwin-arm64|darwin-x64 ...]
//                            [--no-build] [--no-models]
// Default targets: linux-x64, win32-x64, darwin-arm64 (--target may repeat or take a comma list).
// Steps: minified build -> prepackage checks (bundles, bundled model files against
// models/manifest.json, walkthrough media, the target's onnxruntime binary, runtime requires) -> stage
// build/vsix-<target>/ -> `vsce package --target <t> --no-dependencies` -> build/product-forge-<t>.vsix
// -> check the archive (exactly one onnxruntime binding, for that platform; model files and walkthrough media present).
// --no-build: use dist/ as it is. --no-models: package without a bundled model (development only).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, cpSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL_TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-arm64', 'darwin-x64'];
const DEFAULT_TARGETS = ['linux-x64', 'win32-x64', 'darwin-arm64'];
const SIZE_BUDGET_MB = 40;

class PackageError extends Error {}
const fail = (msg) => { throw new PackageError(msg); };
const rel = (p) => path.relative(root, p) || '.';
const mb = (n) => (n / 1024 / 1024).toFixed(1) + ' MB';

// ---- arguments -------------------------------------------------------------------------------
function parseArgs(argv) {
  const opts = { targets: [], build: true, models: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target' || a === '-t') opts.targets.push(...String(argv[++i] ?? '').split(','));
    else if (a.startsWith('--target=')) opts.targets.push(...a.slice(9).split(','));
    else if (a === '--no-build') opts.build = false;
    else if (a === '--no-models') opts.models = false;
    else if (a === '--help' || a === '-h') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport')[0]); process.exit(0); }
    else fail(`unknown argument "${a}"`);
  }
  opts.targets = [...new Set(opts.targets.map((t) => t.trim()).filter(Boolean))];
  if (!opts.targets.length) opts.targets = DEFAULT_TARGETS;
  for (const t of opts.targets) if (!ALL_TARGETS.includes(t)) fail(`unknown target "${t}" (one of ${ALL_TARGETS.join(', ')})`);
  return opts;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${path.basename(cmd)} ${args.join(' ')} exited with ${r.status}`);
  return r;
}

async function sha256(file) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

function listFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p)); else out.push(p);
  }
  return out;
}

// ---- bundled models --------------------------------------------------------------------------
// models/manifest.json lists models with their files. Accepted shapes: {models: [...]} or
// {models: {id: {...}}} or a bare array; a model has an id, an optional folder (path/dir/folder,
// relative to models/, default its id), `bundled` (false = downloaded on demand, not shipped) and
// files as [{path|name|file, size|bytes, sha256}] or {relPath: {size, sha256}}.
async function bundledModelFiles() {
  const manifestPath = path.join(root, 'models', 'manifest.json');
  if (!existsSync(manifestPath)) fail(`${rel(manifestPath)} is missing (build the bundled model first: npm run models:build)`);
  let manifest;
  try { manifest = JSON.parse(readFileSync(manifestPath, 'utf8')); } catch (e) { fail(`${rel(manifestPath)} is not valid JSON: ${e.message}`); }
  let models = Array.isArray(manifest) ? manifest : manifest.models;
  if (models && !Array.isArray(models)) models = Object.entries(models).map(([id, m]) => ({ id, ...m }));
  if (!Array.isArray(models) || !models.length) fail(`${rel(manifestPath)} lists no models`);
  const files = [];
  const problems = [];
  for (const m of models) {
    const isBundled = m.bundled === true || (m.bundled === undefined && !m.url && !m.download && m.source !== 'download' && m.source !== 'hub');
    if (!isBundled) continue;
    const folder = m.path || m.dir || m.folder || m.id;
    if (!folder) { problems.push(`a bundled model without id/path in ${rel(manifestPath)}`); continue; }
    let list = m.files;
    if (list && !Array.isArray(list)) list = Object.entries(list).map(([p, v]) => (typeof v === 'object' ? { path: p, ...v } : { path: p, size: v }));
    if (!Array.isArray(list) || !list.length) { problems.push(`model ${m.id ?? folder}: no files listed`); continue; }
    for (const f of list) {
      const name = typeof f === 'string' ? f : (f.path ?? f.name ?? f.file);
      if (!name) { problems.push(`model ${m.id ?? folder}: a file entry without a path`); continue; }
      const candidates = [path.join(root, 'models', folder, name), path.join(root, 'models', name), path.join(root, name)];
      const abs = candidates.find((c) => existsSync(c)) ?? candidates[0];
      const size = typeof f === 'object' ? (f.size ?? f.bytes) : undefined;
      if (!existsSync(abs)) { problems.push(`missing ${rel(abs)} (model ${m.id ?? folder})`); continue; }
      const actual = statSync(abs).size;
      if (size !== undefined && Number(size) !== actual) { problems.push(`${rel(abs)} is ${actual} bytes, manifest says ${size}`); continue; }
      if (typeof f === 'object' && f.sha256) {
        const h = await sha256(abs);
        if (h !== String(f.sha256).toLowerCase()) { problems.push(`${rel(abs)} sha256 ${h.slice(0, 12)}… does not match the manifest`); continue; }
      }
      files.push(abs);
    }
    // the model card (licence and data sources) ships beside the files; training metrics do not
    const card = path.join(root, 'models', folder, 'README.md');
    if (existsSync(card)) files.push(card);
  }
  if (problems.length) fail(`bundled model files do not match ${rel(manifestPath)}:\n  - ${problems.join('\n  - ')}`);
  if (!files.length) fail(`${rel(manifestPath)} lists no bundled model files`);
  return { manifestPath, files };
}

// ---- walkthrough media ------------------------------------------------------------------------
// The images and Markdown the Welcome page's walkthroughs show (package.json contributes.walkthroughs,
// steps[].media.image|svg|markdown; an image may be {light, dark, hc, hcLight}). Each must exist and lie
// under media/, which is what the staging copies.
function walkthroughMediaFiles() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const rels = new Set();
  for (const w of pkg.contributes?.walkthroughs ?? []) {
    for (const step of w.steps ?? []) {
      const m = step.media ?? {};
      for (const v of [m.image, m.svg, m.markdown]) {
        if (typeof v === 'string') rels.add(v);
        else if (v && typeof v === 'object') for (const x of Object.values(v)) if (typeof x === 'string') rels.add(x);
      }
    }
  }
  const problems = [];
  const files = [];
  for (const r of rels) {
    const abs = path.resolve(root, r);
    if (!path.relative(path.join(root, 'media'), abs).split(path.sep).every((seg) => seg && seg !== '..')) problems.push(`${r} is not under media/ (only media/ is packaged)`);
    else if (!existsSync(abs) || !statSync(abs).isFile()) problems.push(`${r} is missing`);
    else files.push(abs);
  }
  if (problems.length) fail(`walkthrough media in package.json:\n  - ${problems.join('\n  - ')}`);
  return files;
}

// ---- onnxruntime-node -------------------------------------------------------------------------
const ORT = path.join(root, 'node_modules', 'onnxruntime-node');
function ortBinaryFiles(target) {
  const [platform, arch] = target.split('-');
  const dir = path.join(ORT, 'bin', 'napi-v6', platform, arch);
  if (!existsSync(path.join(dir, 'onnxruntime_binding.node'))) {
    fail(`onnxruntime-node has no binary for ${target}: ${rel(dir)}/onnxruntime_binding.node is missing ` +
      `(onnxruntime-node ships win32/linux x64+arm64 and darwin arm64${existsSync(dir) ? '' : `; ${rel(dir)} does not exist`})`);
  }
  let files = readdirSync(dir).map((n) => path.join(dir, n)).filter((p) => statSync(p).isFile());
  if (platform === 'darwin') {
    // The binding links @rpath/libonnxruntime.1.dylib; the versioned copy is an identical duplicate.
    const link = files.find((f) => path.basename(f) === 'libonnxruntime.1.dylib');
    if (link) files = files.filter((f) => !/^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(path.basename(f)));
  }
  if (platform === 'win32') {
    // dxcompiler.dll / dxil.dll are only the WebGPU provider's optional DXC shader compiler (Dawn
    // falls back to the system FXC); we use CPU and DirectML (DirectML.dll is kept).
    files = files.filter((f) => !/^(dxcompiler|dxil)\.dll$/i.test(path.basename(f)));
  }
  const libName = { linux: /^libonnxruntime\.so/, win32: /^onnxruntime\.dll$/, darwin: /^libonnxruntime.*\.dylib$/ }[platform];
  if (!files.some((f) => libName.test(path.basename(f)))) fail(`onnxruntime-node for ${target}: the onnxruntime library is missing in ${rel(dir)}`);
  return { dir, files };
}

// Packages a module needs at runtime: bare requires in its JS, minus builtins and itself.
function bareRequires(jsFiles) {
  const found = new Set();
  for (const f of jsFiles) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/require\(\s*["'`]([^"'`$]+)["'`]\s*\)/g)) {
      const spec = m[1];
      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
      found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return found;
}

// ---- staging ---------------------------------------------------------------------------------
function copyInto(stage, abs) {
  const dest = path.join(stage, path.relative(root, abs));
  mkdirSync(path.dirname(dest), { recursive: true });
  copyFileSync(abs, dest);
}

function stagePackageJson(stage) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete pkg.devDependencies;
  delete pkg.scripts;          // vsce would otherwise run vscode:prepublish in the staging folder
  delete pkg.bin;              // the CLI is not part of the extension package
  delete pkg.allowScripts;
  if (!pkg.icon && existsSync(path.join(root, 'media', 'icon.png'))) pkg.icon = 'media/icon.png';
  // Only onnxruntime-node (and what it requires) is shipped unbundled; the rest is in dist/.
  pkg.dependencies = { 'onnxruntime-node': pkg.dependencies?.['onnxruntime-node'] ?? '*' };
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  return pkg;
}

async function stage(target, models) {
  const stageDir = path.join(root, 'build', `vsix-${target}`);
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  const pkg = stagePackageJson(stageDir);

  // top-level documents
  for (const f of ['LICENSE', 'CHANGELOG.md', '.vscodeignore']) {
    if (!existsSync(path.join(root, f))) fail(`${f} is missing`);
    copyInto(stageDir, path.join(root, f));
  }
  if (existsSync(path.join(root, 'README.md'))) copyInto(stageDir, path.join(root, 'README.md'));
  else {
    console.warn('warning: README.md is missing; a one-paragraph README is generated for the package');
    writeFileSync(path.join(stageDir, 'README.md'), `# ${pkg.displayName}\n\n${pkg.description}\n`);
  }
  // bundles and media
  cpSync(path.join(root, 'dist'), path.join(stageDir, 'dist'), { recursive: true });
  if (existsSync(path.join(root, 'media'))) cpSync(path.join(root, 'media'), path.join(stageDir, 'media'), { recursive: true });
  // the model: manifest + listed files only (no training artifacts)
  if (models) {
    copyInto(stageDir, models.manifestPath);
    for (const f of models.files) copyInto(stageDir, f);
  }
  // onnxruntime-node: package.json, dist/*.js and only this target's binary folder
  const ortDistJs = readdirSync(path.join(ORT, 'dist')).filter((n) => n.endsWith('.js')).map((n) => path.join(ORT, 'dist', n));
  for (const f of ortDistJs) copyInto(stageDir, f);
  for (const f of ortBinaryFiles(target).files) copyInto(stageDir, f);
  if (existsSync(path.join(ORT, 'LICENSE'))) copyInto(stageDir, path.join(ORT, 'LICENSE'));
  // its runtime dependencies (what its dist JS requires), each as package.json + CJS build
  const shipped = new Set(['onnxruntime-node']);
  const queue = [...bareRequires(ortDistJs)];
  while (queue.length) {
    const name = queue.shift();
    if (shipped.has(name)) continue;
    const dir = path.join(root, 'node_modules', name);
    if (!existsSync(path.join(dir, 'package.json'))) fail(`onnxruntime-node requires "${name}" at runtime but node_modules/${name} is missing`);
    const dpkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const entry = dpkg.exports?.require ?? dpkg.exports?.['.']?.require ?? dpkg.main ?? 'index.js';
    const entryDir = path.dirname(path.join(dir, typeof entry === 'string' ? entry : entry.default ?? 'index.js'));
    const js = listFiles(entryDir).filter((f) => /\.(c?js|json)$/.test(f));
    for (const f of js) copyInto(stageDir, f);
    for (const lic of ['LICENSE', 'LICENSE.md', 'LICENSE.txt']) if (existsSync(path.join(dir, lic))) copyInto(stageDir, path.join(dir, lic));
    shipped.add(name);
    queue.push(...bareRequires(js.filter((f) => /\.c?js$/.test(f))));
  }
  // staged package.json files declare exactly the shipped runtime dependencies (onnxruntime-node's
  // adm-zip / global-agent serve only its install script) and no install scripts
  for (const name of shipped) {
    const src = path.join(root, 'node_modules', name, 'package.json');
    const dpkg = JSON.parse(readFileSync(src, 'utf8'));
    delete dpkg.scripts; delete dpkg.devDependencies;
    dpkg.dependencies = Object.fromEntries(Object.entries(dpkg.dependencies ?? {}).filter(([d]) => shipped.has(d)));
    mkdirSync(path.join(stageDir, 'node_modules', name), { recursive: true });
    writeFileSync(path.join(stageDir, 'node_modules', name, 'package.json'), JSON.stringify(dpkg, null, 2) + '\n');
  }
  // every bare require in our bundles must be vscode or shipped
  const distJs = listFiles(path.join(root, 'dist')).filter((f) => f.endsWith('.js') && !f.includes(`${path.sep}webview${path.sep}`));
  for (const name of bareRequires(distJs)) {
    if (name !== 'vscode' && !shipped.has(name)) fail(`dist/ requires "${name}" at runtime, which is neither bundled nor shipped`);
  }
  return { stageDir, shipped: [...shipped] };
}

// ---- vsce ------------------------------------------------------------------------------------
// Not --no-dependencies: with it vsce never collects anything under node_modules/ (its file glob
// ignores node_modules/** when dependency detection is off). Instead the staging folder holds a
// complete, minimal production tree (the package.json files above), so vsce's `npm list
// --production` finds exactly onnxruntime-node + onnxruntime-common, and nothing is installed.
function vscePackage(target, stageDir) {
  const vsce = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vsce.cmd' : 'vsce');
  if (!existsSync(vsce)) fail('node_modules/.bin/vsce is missing (npm ci installs @vscode/vsce)');
  const out = path.join(root, 'build', `product-forge-${target}.vsix`);
  rmSync(out, { force: true });
  run(vsce, ['package', '--target', target, '--dependencies', '--allow-missing-repository',
    '--no-rewrite-relative-links', '--out', out], { cwd: stageDir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(out)) fail(`vsce did not write ${rel(out)}`);
  return out;
}

function zipEntries(vsix) {
  const r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) fail(`unzip -Z1 ${rel(vsix)} failed: ${r.stderr || r.error?.message}`);
  return r.stdout.split('\n').filter(Boolean);
}

function verifyVsix(target, vsix, models, media) {
  const entries = zipEntries(vsix);
  const bindings = entries.filter((e) => e.endsWith('onnxruntime_binding.node'));
  const [platform, arch] = target.split('-');
  const want = `extension/node_modules/onnxruntime-node/bin/napi-v6/${platform}/${arch}/onnxruntime_binding.node`;
  if (bindings.length !== 1 || bindings[0] !== want) {
    fail(`${rel(vsix)}: expected exactly one onnxruntime binary (${want}), found ${bindings.length}: ${bindings.join(', ')}`);
  }
  const required = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/worker.js', 'extension/dist/inference-thread.js', 'extension/dist/train-worker.js', 'extension/dist/cv-worker.js',
    'extension/node_modules/onnxruntime-node/dist/index.js', 'extension/node_modules/onnxruntime-common/package.json'];
  if (models) required.push('extension/models/manifest.json', ...models.files.map((f) => `extension/${path.relative(root, f).split(path.sep).join('/')}`));
  required.push(...media.map((f) => `extension/${path.relative(root, f).split(path.sep).join('/')}`));
  const missing = required.filter((r) => !entries.includes(r));
  if (missing.length) fail(`${rel(vsix)} lacks: ${missing.join(', ')}`);
  return entries.length;
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  if (opts.build) run(process.execPath, ['scripts/build.mjs', '--minify']);
  for (const f of ['dist/extension.js', 'dist/worker.js', 'dist/inference-thread.js', 'dist/train-worker.js', 'dist/cv-worker.js']) {
    if (!existsSync(path.join(root, f))) fail(`${f} is missing: the build did not produce it`);
  }
  let models = null;
  if (opts.models) models = await bundledModelFiles();
  else console.warn('warning: --no-models: packaging WITHOUT the bundled model (development only)');
  const media = walkthroughMediaFiles();
  // check every target's binary before spending time on any
  for (const t of opts.targets) ortBinaryFiles(t);

  const results = [];
  for (const target of opts.targets) {
    const t1 = Date.now();
    const { stageDir, shipped } = await stage(target, models);
    console.log(`staged ${rel(stageDir)} (node_modules: ${shipped.join(', ')})`);
    const vsix = vscePackage(target, stageDir);
    const count = verifyVsix(target, vsix, models, media);
    results.push({ target, vsix, size: statSync(vsix).size, count, ms: Date.now() - t1 });
  }
  console.log('\npackages:');
  for (const r of results) {
    const over = r.size > SIZE_BUDGET_MB * 1024 * 1024 ? `  (over the ${SIZE_BUDGET_MB} MB budget)` : '';
    console.log(`  ${rel(r.vsix).padEnd(42)} ${mb(r.size).padStart(9)}  ${String(r.count).padStart(4)} files  ${(r.ms / 1000).toFixed(1)} s${over}`);
  }
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  if (e instanceof PackageError) { console.error(`\npackage: ERROR: ${e.message}`); process.exit(1); }
  throw e;
});
