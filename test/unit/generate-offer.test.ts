import assert from 'node:assert/strict';
import { OpenAICompatibleGenerator } from '../../src/core/generate';
import { backendOffer, notInstalledLog, OFFER_LABELS, saveServerOffer, serverUrlProblem, ServerSession, sessionServerWording, type Unavailable } from '../../src/extension/generateOffer';
import { FakeOpenAIServer } from '../helpers/openai-server';

/** The message a real request to `endpoint` fails with. */
async function failure(endpoint: string): Promise<string> {
  try {
    for await (const piece of new OpenAICompatibleGenerator({ endpoint, model: 'llama3.2' }).stream({ messages: [{ role: 'user', content: 'hi' }], maxNewTokens: 5 })) void piece;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${endpoint} answered`);
}

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

  it('the server of "Use a Server…" stands in for the local model until VS Code closes; a backend set in Settings wins', () => {
    const s = new ServerSession();
    assert.deepEqual(s.run('local'), { backend: 'local' });
    // the first run's offer: Use a Server…
    s.chose('server', 'http://gpu-box:8000/v1');
    const run = s.run('local');
    assert.deepEqual(run, { backend: 'openai-compatible', endpoint: 'http://gpu-box:8000/v1' });
    assert.deepEqual(s.run('template'), { backend: 'template' });
    assert.deepEqual(s.run('openai-compatible'), { backend: 'openai-compatible' });
    // after its first document, "every time?" is asked once; not after a run of the setting's server
    assert.equal(s.wrote({ backend: 'openai-compatible' }), false);
    assert.equal(s.wrote(run), true);
    assert.equal(s.wrote(run), false);
    // a draft without a model keeps the server for the next document; another address is asked about again
    s.chose('template');
    assert.deepEqual(s.run('local'), run);
    s.chose('server', 'http://localhost:1234/v1');
    assert.equal(s.wrote(s.run('local')), true);
    // the local model (or its download) chosen: the server no longer stands in for it
    s.chose('local');
    assert.deepEqual(s.run('local'), { backend: 'local' });
    s.chose('server', 'http://localhost:1234/v1');
    s.chose('download');
    assert.deepEqual(s.run('local'), { backend: 'local' });
  });

  it('"Use this server every time?" names the address (no password) and what saving writes, with two whole buttons', () => {
    const o = saveServerOffer('http://me:secret@gpu-box:8000/v1');
    assert.match(o.message, /^Product Forge: Use the server http:\/\/gpu-box:8000\/v1 every time\? /);
    assert.doesNotMatch(o.message, /secret/);
    assert.match(o.message, /user settings \(Generation: Backend and Endpoint\)/);
    assert.ok(`${o.save}${o.notNow}`.length <= 50 && o.save.length <= 21, `${o.save} | ${o.notNow}`);
  });

  it('a failed "Use a Server…" address: the error names the address used, not the endpoint setting, and offers to fix it', async () => {
    // a real failure: nothing listens on the port
    const fake = await new FakeOpenAIServer().start();
    const used = fake.endpoint;
    await fake.stop();
    const raw = await failure(used);
    assert.match(raw, /Check productForge\.generation\.endpoint/);
    const o = backendOffer({ reason: 'failed', backend: 'openai-compatible', message: raw, server: used });
    assert.equal(o.severity, 'error');
    assert.match(o.message, new RegExp(`^Product Forge: Cannot reach the server at ${used.replace(/[.]/g, '\\.')} \\(ECONNREFUSED\\)\\. Is it running\\? Check the address you gave in "Use a Server…" \\(${used.replace(/[.]/g, '\\.')}\\)\\.$`));
    assert.doesNotMatch(o.message, /productForge\.generation\.endpoint/);
    // the address can be fixed (the input starts with it), or another way taken; Settings is not where it came from
    assert.deepEqual(o.actions, ['template', 'server', 'local']);
    assert.ok(o.actions.map((a) => OFFER_LABELS[a]).join('').length <= 50);
    // the setting's own server still points at the setting
    assert.deepEqual(backendOffer({ reason: 'failed', backend: 'openai-compatible', message: raw }).actions, ['template', 'local', 'settings']);
  });

  it('every server message that advises the setting advises the typed address instead, naming it whole', () => {
    const server = 'http://gpu-box:8000/v1';
    const cases: [string, RegExp][] = [
      ['The server at http://gpu-box:8000 did not answer within 120 s. Try again (a server may still be loading its model), or check productForge.generation.endpoint.', /^The server at http:\/\/gpu-box:8000\/v1 did not answer within 120 s\. .*, or check the address you gave in "Use a Server…" \(http:\/\/gpu-box:8000\/v1\)\.$/],
      ['Cannot reach the server at http://gpu-box:8000 (no connection after 10 s). Check productForge.generation.endpoint.', /^Cannot reach the server at http:\/\/gpu-box:8000\/v1 \(no connection after 10 s\)\. Check the address you gave in "Use a Server…" \(http:\/\/gpu-box:8000\/v1\)\.$/],
      ['Model "llama3.2" or the chat-completions route was not found at http://gpu-box:8000/v1/chat/completions (404). Check productForge.generation.model and productForge.generation.endpoint.', /not found at http:\/\/gpu-box:8000\/v1\/chat\/completions \(404\)\. Check productForge\.generation\.model, and check the address you gave in "Use a Server…" \(http:\/\/gpu-box:8000\/v1\)\.$/],
      ['http://gpu-box:8000/v1/chat/completions answered with an HTML page, not chat completions: check the endpoint, the server\'s OpenAI-compatible base URL such as http://localhost:11434/v1', /not chat completions: check the address you gave in "Use a Server…" \(http:\/\/gpu-box:8000\/v1\), the server's/],
      ['The server at http://gpu-box:8000 failed (500). Try again; if it keeps failing, check the server\'s log (is model "llama3.2" loaded?).', /^The server at http:\/\/gpu-box:8000\/v1 failed \(500\)\./],
      ['The server is rate limiting requests (429). Try again later.', /^The server is rate limiting requests \(429\)\. Try again later\. \(Server: http:\/\/gpu-box:8000\/v1\.\)$/],
    ];
    for (const [message, want] of cases) {
      const m = sessionServerWording(message, server);
      assert.match(m, want, m);
      assert.doesNotMatch(m, /productForge\.generation\.endpoint|:8000\/v1\/v1/, m);
    }
  });
});
