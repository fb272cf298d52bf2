import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ModelsResponse } from '../../preload/contract.js';
import { Engine } from '../../main/engine/engine.js';
import type { DownloadProgress } from '../../main/engine/models/load-models.js';
import { fakeHub } from '../helpers/fake-hub.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FIXTURE_MODELS, MOBILENET, dot, mobilenetMissing, testModelEnv } from '../helpers/test-models.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semblance.js');

test('a model is downloaded once with progress, cached in the models folder, then works offline', async (t) => {
  const dir = tempDir(t);
  const modelsDir = path.join(dir, 'models');
  const source = path.join(FIXTURE_MODELS, 'tiny-clip');
  const hub = await fakeHub(t, 'acme/tiny-clip', source);
  const progress: DownloadProgress[] = [];
  const online = Engine.open({
    databaseFile: path.join(dir, 'library.db'),
    env: { SEMBLANCE_MODELS_DIR: modelsDir, SEMBLANCE_MODEL_HOST: hub.url, SEMBLANCE_MODEL_CLIP: 'acme/tiny-clip' },
    pool: { size: 1, threads: 1 },
    onModelProgress: (p) => progress.push(p),
  });
  const before = await online.models();
  assert.equal(before.models[0]?.present, false);

  const after = await online.downloadModels({ spaces: ['clip'] });
  await online.close();
  const clip = after.models[0];
  assert.equal(clip?.present, true);
  assert.equal(clip?.folder, path.join(modelsDir, 'acme', 'tiny-clip'));
  assert.equal(clip?.dims, 8);
  for (const file of ['config.json', 'tokenizer.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']) {
    assert.deepEqual(fs.readFileSync(path.join(modelsDir, 'acme', 'tiny-clip', file)), fs.readFileSync(path.join(source, file)), file);
  }
  const vision = progress.filter((p) => p.file === 'onnx/vision_model.onnx');
  assert.ok(vision.length > 0, 'progress reported for the vision model');
  const last = vision.at(-1) as DownloadProgress;
  assert.equal(last.total, fs.statSync(path.join(source, 'onnx/vision_model.onnx')).size);
  assert.equal(last.loaded, last.total);
  assert.deepEqual([last.space, last.model], ['clip', 'acme/tiny-clip']);

  // Offline, with the hub gone: the cached copy is used.
  const requestsBefore = hub.requests.length;
  const offline = Engine.open({
    databaseFile: path.join(dir, 'library.db'),
    env: { SEMBLANCE_MODELS_DIR: modelsDir, SEMBLANCE_MODEL_CLIP: 'acme/tiny-clip', SEMBLANCE_OFFLINE: '1' },
    pool: { size: 1, threads: 1 },
  });
  t.after(() => offline.close());
  const [red, blue] = await offline.embedder().embedTexts(['red', 'blue'], 'clip');
  assert.ok(red && blue && dot(red, blue) < 0.5);
  assert.equal(hub.requests.length, requestsBefore, 'no request once cached');
});

function semblance(args: string[], env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('semblance models --json tells the truth about each space, and set/download work', async (t) => {
  const dir = tempDir(t);
  const db = path.join(dir, 'library.db');
  const env = testModelEnv(path.join(dir, 'models'));
  const listed = semblance(['--db', db, 'models', '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  const { models, offline, modelsDir } = JSON.parse(listed.stdout) as ModelsResponse;
  assert.equal(offline, true);
  assert.equal(modelsDir, path.join(dir, 'models'));
  assert.deepEqual(
    models.map((m) => [m.space, m.dims, m.dtype, m.present, m.source]),
    [
      ['clip', 8, 'fp32', true, 'environment'],
      ['visual', 16, 'fp32', true, 'environment'],
      ['text', 16, 'fp32', true, 'environment'],
      ['colour', 245, null, true, 'built-in'],
    ],
  );
  assert.equal(models[0]?.folder, path.join(FIXTURE_MODELS, 'tiny-clip'));
  assert.equal(
    models[0]?.sizeBytes,
    ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']
      .map((f) => fs.statSync(path.join(FIXTURE_MODELS, 'tiny-clip', f)).size)
      .reduce((a, b) => a + b),
  );

  // Without the environment variables: the defaults, not downloaded, in the models folder.
  const bare = { SEMBLANCE_MODELS_DIR: path.join(dir, 'models'), SEMBLANCE_OFFLINE: '1' };
  const defaults = JSON.parse(semblance(['--db', db, 'models', '--json'], bare).stdout) as ModelsResponse;
  assert.deepEqual(
    defaults.models.slice(0, 3).map((m) => [m.model, m.dims, m.present, m.folder]),
    [
      ['Xenova/clip-vit-base-patch32', 512, false, path.join(dir, 'models', 'Xenova', 'clip-vit-base-patch32')],
      ['Xenova/resnet-18', 512, false, path.join(dir, 'models', 'Xenova', 'resnet-18')],
      ['Xenova/distilbert-base-nli-mean-tokens', 768, false, path.join(dir, 'models', 'Xenova', 'distilbert-base-nli-mean-tokens')],
    ],
  );
  const missing = semblance(['--db', db, 'models', 'download', 'visual'], bare);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /The visual model Xenova\/resnet-18 is not on this computer, and Semblance is offline/);

  // A saved setting chooses the model; the environment still wins over it.
  if (!mobilenetMissing) {
    const set = semblance(['--db', db, '--json', 'models', 'set', 'visual', MOBILENET, '--dtype', 'q8'], bare);
    assert.equal(set.code, 0, set.stderr);
    const visual = (JSON.parse(set.stdout) as ModelsResponse).models[1];
    assert.deepEqual([visual?.model, visual?.dims, visual?.dtype, visual?.present, visual?.source], [MOBILENET, 1280, 'q8', true, 'setting']);
    const downloaded = semblance(['--db', db, 'models', 'download', 'visual'], bare);
    assert.equal(downloaded.code, 0, downloaded.stderr);
    const overridden = JSON.parse(semblance(['--db', db, 'models', '--json'], env).stdout) as ModelsResponse;
    assert.equal(overridden.models[1]?.source, 'environment');
  }
  // A hub id is joined to the models folder: one that climbs out of it is refused, and nothing is saved.
  const climbing = semblance(['--db', db, 'models', 'set', 'clip', 'Xenova/..evil'], bare);
  assert.equal(climbing.code, 2, climbing.stderr);
  assert.match(climbing.stderr, /neither a model folder on this computer nor a hub id/);
  const after = JSON.parse(semblance(['--db', db, 'models', '--json'], bare).stdout) as ModelsResponse;
  assert.equal(after.models[0]?.model, 'Xenova/clip-vit-base-patch32');
  const badSpace = semblance(['--db', db, 'models', 'set', 'smell', 'x'], bare);
  assert.equal(badSpace.code, 2);
  assert.match(badSpace.stderr, /space/);
});
