import assert from 'node:assert/strict';
import { backendOffer, notInstalledLog, OFFER_LABELS, serverUrlProblem, type Unavailable } from '../../src/extension/generateOffer';

// What Generate says when its backend cannot write. VS Code cuts a notification's buttons at about 20 characters
// (they share the toast's width), so the labels are checked for that; the first-run text for plain words.
describe('extension: Generate backend offer', () => {
  const firstRun: Unavailable = { reason: 'not-installed', backend: 'local', downloadsTurnedOff: false };

  it('first run without a local model: a short information message, no setting names, three whole buttons', () => {
    const o = backendOffer(firstRun);
    assert.equal(o.severity, 'info');
    assert.equal(o.message, 'Product Forge: No AI writing model is installed on this computer yet. You can draft from your feedback without one, use an AI server you run, or download a model.');
    assert.doesNotMatch(o.message, /productForge\.|modelsPath|Hugging Face|cache|onnx/i);
    assert.ok(o.message.split(/\s+/).length <= 35, `${o.message.split(/\s+/).length} words`);
    assert.deepEqual(o.actions.map((a) => OFFER_LABELS[a]), ['Draft Without a Model', 'Use a Server…', 'Download Model…']);
  });

  it('downloads turned off by the user: no download button, Settings opens that setting', () => {
    const o = backendOffer({ reason: 'not-installed', backend: 'local', downloadsTurnedOff: true });
    assert.equal(o.severity, 'info');
    assert.ok(!o.actions.includes('download'));
    assert.deepEqual(o.actions, ['template', 'server', 'settings']);
    assert.equal(o.settingsQuery, 'productForge.allowModelDownloads');
    assert.match(o.message, /downloads are turned off in Settings/);
  });

  it('a declined download is no error: the other two ways are offered, not the download again', () => {
    const o = backendOffer({ reason: 'declined', backend: 'local' });
    assert.equal(o.severity, 'info');
    assert.equal(o.message, 'Product Forge: The model was not downloaded. You can draft from your feedback without it, or use an AI server you run.');
    assert.deepEqual(o.actions, ['template', 'server']);
  });

  it('a model or server that failed is an error that keeps its own message', () => {
    const corrupt = 'Model file /m/onnx/model.onnx is corrupt (sha256 mismatch). Delete the folder to download it again.';
    const local = backendOffer({ reason: 'failed', backend: 'local', message: corrupt });
    assert.equal(local.severity, 'error');
    assert.equal(local.message, `Product Forge: The local writing model could not be used. ${corrupt}`);
    assert.deepEqual(local.actions, ['template', 'server', 'settings']);
    const server = backendOffer({ reason: 'failed', backend: 'openai-compatible', message: 'Cannot reach the server at http://localhost:11434 (ECONNREFUSED). Is it running?' });
    assert.equal(server.severity, 'error');
    assert.equal(server.message, 'Product Forge: Cannot reach the server at http://localhost:11434 (ECONNREFUSED). Is it running?');
    assert.deepEqual(server.actions, ['template', 'local', 'settings']);
    assert.equal(server.settingsQuery, 'productForge.generation');
  });

  it('every button label fits a notification button, and the buttons of one message fit its width together', () => {
    for (const [action, label] of Object.entries(OFFER_LABELS)) assert.ok(label.length <= 21, `${action}: "${label}" (${label.length})`);
    const all: Unavailable[] = [firstRun, { ...firstRun, downloadsTurnedOff: true }, { reason: 'declined', backend: 'local' }, { reason: 'failed', backend: 'local', message: 'x' }, { reason: 'failed', backend: 'openai-compatible', message: 'x' }];
    for (const u of all) {
      const labels = backendOffer(u).actions.map((a) => OFFER_LABELS[a]);
      assert.ok(labels.length <= 3, JSON.stringify(u));
      // the toast that cut its buttons had "Use Template (no model)", "Use OpenAI-Compatible Server", "Open Settings" (64)
      assert.ok(labels.join('').length <= 50, `${labels.join(' | ')}: ${labels.join('').length} characters`);
      assert.equal(new Set(labels).size, labels.length);
    }
  });

  it('the log names the model, where it was looked for and the cache folder', () => {
    const why = 'Model acme/m was not found: it is not a bundled model and no folder acme/m exists in productForge.modelsPath (not set) or in the download cache.';
    const line = notInstalledLog('acme/m', why, '/s/models');
    assert.match(line, /^Generate: the local writing model acme\/m is not installed\. Model acme\/m was not found: .* \(The download cache is \/s\/models\.\) /);
    assert.match(line, /"Download Model…".*"Use a Server…".*"Draft Without a Model"/);
  });

  it('a server address must be an http(s) URL with a host', () => {
    for (const ok of ['http://localhost:11434/v1', 'https://llm.example.com/v1', ' http://127.0.0.1:1234/v1/ ']) assert.equal(serverUrlProblem(ok), undefined, ok);
    assert.match(serverUrlProblem('')!, /Enter the address/);
    assert.match(serverUrlProblem('localhost:11434')!, /http:\/\/ or https:\/\//);
    assert.match(serverUrlProblem('ftp://host/v1')!, /must start with http/);
    assert.match(serverUrlProblem('not a url')!, /full address/);
  });
});
