import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkModelFiles, ensureModelFiles, modelFolder } from '../../src/embedding/model-files.js';
import type { ModelDescription } from '../../src/embedding/model-registry.js';
import { createLogger } from '../../src/log.js';
import { isAppErrorWithCode, temporaryRoot } from './support.js';

const root = temporaryRoot('paper-search-model-files-');
const onnx = Buffer.from('not really a model');
const model = { hubId: 'Test/model', onnxFile: 'onnx/model.onnx', onnxSha256: createHash('sha256').update(onnx).digest('hex') } as ModelDescription;

/** Installs the model's four files, `tokenizer.json` holding `tokenizer`. */
async function installed(tokenizer: string): Promise<string> {
  const modelDir = join(root(), `models-${Math.random().toString(16).slice(2)}`);
  const folder = modelFolder(modelDir, model);
  await mkdir(join(folder, 'onnx'), { recursive: true });
  await writeFile(join(folder, model.onnxFile), onnx);
  await writeFile(join(folder, 'config.json'), '{}');
  await writeFile(join(folder, 'tokenizer_config.json'), '{}');
  await writeFile(join(folder, 'tokenizer.json'), tokenizer);
  return modelDir;
}

describe('checkModelFiles', () => {
  it('takes complete files that match the pinned checksum', async () => {
    assert.equal(await checkModelFiles(await installed('{"model": {}}'), model), null);
  });

  it('regression: finds a JSON file a crash left empty (only their presence was checked, and the model then failed to load)', async () => {
    const problem = await checkModelFiles(await installed(''), model);
    assert.equal(problem?.kind, 'damaged');
    assert.match(problem?.message ?? '', /tokenizer\.json is not valid JSON/);
  });

  it('tells files not yet fetched from damaged ones', async () => {
    assert.equal((await checkModelFiles(join(await installed('{}'), 'elsewhere'), model))?.kind, 'missing');
  });
});

describe('ensureModelFiles', () => {
  it(
    'regression: refuses a MODEL_DIR whose folders cannot be made, naming the setting (under /proc the fetch waited for ever)',
    { timeout: 10_000 },
    async () => {
      await assert.rejects(
        ensureModelFiles(model, {
          modelDir: '/proc/paper-search-nowhere/models',
          sources: ['maven'],
          hubEndpoint: 'http://127.0.0.1:9',
          log: createLogger('silent'),
        }),
        isAppErrorWithCode(
          'config_invalid',
          /Cannot install the model in \/proc\/paper-search-nowhere\/models: a folder on its path does not exist\. Point MODEL_DIR/,
        ),
      );
    },
  );
});
