import assert from 'node:assert/strict';
import { CONFIG_DEFAULTS, effectiveRestrictedSetting, generationEndpoint, generationLocalModel, parseConfig } from '../../src/extension/configSchema';
import { inferenceLayout, sessionOptions, threadBudget } from '../../src/runtime/handlers/load';

const getter = (values: Record<string, unknown>) => (key: string) => values[key];

describe('extension: settings validation', () => {
  it('returns the defaults when nothing is set', () => {
    const { config, problems } = parseConfig(getter({}));
    assert.deepEqual(config, CONFIG_DEFAULTS);
    assert.deepEqual(problems, []);
  });
  it('accepts valid values (trimmed)', () => {
    const { config, problems } = parseConfig(
      getter({
        device: 'gpu',
        modelsPath: ' /models ',
        allowModelDownloads: true,
        sentimentModel: 'me/model',
        'analysis.lowConfidence': 0.75,
        'analysis.twoWay': true,
        'analysis.openReport': 'source',
        'generation.backend': 'template',
        'generation.endpoint': 'http://127.0.0.1:1234/v1/',
        'generation.maxNewTokens': 256,
        inferenceThreads: 3,
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.inferenceThreads, 3);
    assert.equal(config.device, 'gpu');
    assert.equal(config.modelsPath, '/models');
    assert.equal(config.allowModelDownloads, true);
    assert.equal(config.sentimentModel, 'me/model');
    assert.equal(config.lowConfidence, 0.75);
    assert.equal(config.twoWay, true);
    assert.equal(config.openReport, 'source');
    assert.equal(config.generation.backend, 'template');
    assert.equal(config.generation.endpoint, 'http://127.0.0.1:1234/v1');
    assert.equal(config.generation.maxNewTokens, 256);
  });
  it('replaces invalid values by defaults and names each setting', () => {
    const { config, problems } = parseConfig(
      getter({
        device: 'tpu',
        allowModelDownloads: 'yes',
        sentimentModel: '  ',
        'analysis.lowConfidence': 1.5,
        'generation.endpoint': 'localhost:11434',
        'generation.maxNewTokens': 10.5,
        inferenceThreads: -1,
        'analysis.openReport': 'pdf',
      }),
    );
    assert.equal(config.openReport, 'preview');
    assert.equal(config.inferenceThreads, 0);
    assert.equal(config.device, 'auto');
    assert.equal(config.allowModelDownloads, false);
    assert.equal(config.sentimentModel, CONFIG_DEFAULTS.sentimentModel);
    assert.equal(config.lowConfidence, 0.6);
    assert.equal(config.generation.endpoint, CONFIG_DEFAULTS.generation.endpoint);
    assert.equal(config.generation.maxNewTokens, 1024);
    assert.equal(problems.length, 8);
    for (const key of ['device', 'allowModelDownloads', 'sentimentModel', 'analysis.lowConfidence', 'generation.endpoint', 'generation.maxNewTokens', 'inferenceThreads', 'analysis.openReport']) {
      assert.ok(problems.some((p) => p.startsWith(`productForge.${key} `)), key);
    }
  });
});

describe('extension: inference threads', () => {
  it('the runtime shares the budget out: one session per thread up to 4, the rest as intra-op threads', () => {
    assert.deepEqual(inferenceLayout(1), { count: 1, intra: 1 });
    assert.deepEqual(inferenceLayout(2), { count: 2, intra: 1 });
    assert.deepEqual(inferenceLayout(8), { count: 4, intra: 2 });
    assert.deepEqual(inferenceLayout(2, '1'), { count: 1, intra: 2 });
    assert.deepEqual(inferenceLayout(3, 'x'), { count: 3, intra: 1 });
  });
  it('without a budget (the CLI, or the setting at 0) the runtime uses every core; a set budget wins; the session options follow it', () => {
    assert.equal(threadBudget(undefined, 6), 6);
    assert.equal(threadBudget(undefined, 0), 1);
    assert.equal(threadBudget(2, 6), 2);
    assert.equal(threadBudget(8, 4), 8);
    assert.equal(sessionOptions('cpu', 1).intraOpNumThreads, 1);
    assert.equal(sessionOptions('cuda', 1).intraOpNumThreads, undefined);
  });
});

describe('extension: restricted settings (workspace trust)', () => {
  const key = 'productForge.modelsPath';
  it('uses the most specific value in a trusted workspace', () => {
    assert.deepEqual(effectiveRestrictedSetting(key, { defaultValue: '', globalValue: '/u', workspaceValue: '/ws' }, true), { value: '/ws', scope: 'workspace' });
    assert.deepEqual(effectiveRestrictedSetting(key, { defaultValue: '', globalValue: '/u', workspaceValue: '/ws', workspaceFolderValue: '/f' }, true), { value: '/f', scope: 'workspaceFolder' });
    assert.deepEqual(effectiveRestrictedSetting(key, { defaultValue: '', globalValue: '/u' }, true), { value: '/u', scope: 'user' });
  });
  it('ignores a workspace value in an untrusted workspace, naming the setting', () => {
    const r = effectiveRestrictedSetting(key, { defaultValue: '', workspaceValue: '/evil' }, false);
    assert.equal(r.value, '');
    assert.equal(r.scope, 'default');
    assert.match(r.ignored!, /productForge\.modelsPath/);
    assert.match(r.ignored!, /Restricted Mode/);
    assert.match(r.ignored!, /bundled/);
  });
  it('falls back to the user value in an untrusted workspace', () => {
    const r = effectiveRestrictedSetting(key, { defaultValue: '', globalValue: '/u', workspaceFolderValue: '/evil' }, false);
    assert.equal(r.value, '/u');
    assert.equal(r.scope, 'user');
    assert.match(r.ignored!, /user setting/);
  });
  it('says nothing when the workspace sets nothing (or an empty string)', () => {
    assert.equal(effectiveRestrictedSetting(key, { defaultValue: '', globalValue: '/u' }, false).ignored, undefined);
    assert.equal(effectiveRestrictedSetting(key, { defaultValue: '', workspaceValue: '  ' }, false).ignored, undefined);
    assert.deepEqual(effectiveRestrictedSetting(key, undefined, false), { value: undefined, scope: 'default' });
  });
});

describe('extension: the generation endpoint and local model in Restricted Mode', () => {
  const def = CONFIG_DEFAULTS.generation.endpoint;
  it("an untrusted workspace's endpoint is ignored (the brief, evidence and API key never go there), saying what is used", () => {
    const r = generationEndpoint({ defaultValue: def, workspaceValue: 'https://collector.example/v1' }, false);
    assert.equal(r.value, def);
    assert.match(r.ignored!, /^productForge\.generation\.endpoint "https:\/\/collector\.example\/v1" from this workspace's settings is ignored in Restricted Mode \(untrusted workspace\); using the default http:\/\/localhost:11434\/v1\. Trust the workspace/);
    assert.doesNotMatch(r.ignored!, /bundled/);
    const user = generationEndpoint({ defaultValue: def, globalValue: 'http://10.0.0.5:8000/v1/', workspaceFolderValue: 'https://collector.example/v1' }, false);
    assert.deepEqual([user.value, user.scope], ['http://10.0.0.5:8000/v1', 'user']);
    assert.match(user.ignored!, /using your user setting "http:\/\/10\.0\.0\.5:8000\/v1\/"/);
    // a user value that is no URL is not what runs: the message names the default that does
    const bad = generationEndpoint({ defaultValue: def, globalValue: 'localhost:11434', workspaceValue: 'https://collector.example/v1' }, false);
    assert.equal(bad.value, def);
    assert.match(bad.ignored!, /; using the default http:\/\/localhost:11434\/v1\./);
    assert.doesNotMatch(bad.ignored!, /using your user setting/);
  });
  it('a trusted workspace may set it; a value that is no http(s) URL gives the default, as the settings warning says', () => {
    assert.deepEqual(generationEndpoint({ defaultValue: def, globalValue: 'http://u/v1', workspaceValue: 'http://ws:1234/v1/' }, true), { value: 'http://ws:1234/v1', scope: 'workspace' });
    assert.equal(generationEndpoint({ defaultValue: def, workspaceValue: 'localhost:11434' }, true).value, def);
    assert.equal(generationEndpoint({ defaultValue: def, globalValue: 42 }, true).value, def);
    assert.equal(generationEndpoint(undefined, false).value, def);
  });
  it("an untrusted workspace's local model is ignored too", () => {
    const d = CONFIG_DEFAULTS.generation.localModel;
    const r = generationLocalModel({ defaultValue: d, workspaceValue: '../../evil-model' }, false);
    assert.equal(r.value, d);
    assert.match(r.ignored!, /productForge\.generation\.localModel .* ignored in Restricted Mode.*; using the default onnx-community\/Qwen2\.5-0\.5B-Instruct\./);
    assert.equal(generationLocalModel({ defaultValue: d, workspaceValue: ' me/my-model ' }, true).value, 'me/my-model');
  });
});
