import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const lifecycleScripts = ['preinstall', 'install', 'postinstall'];

function readPackage(folder: string): PackageJson {
  return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackageJson;
}

/** Every installed package folder under node_modules, nested ones and scoped ones included. */
function* packageFolders(nodeModules: string): Generator<string> {
  if (!existsSync(nodeModules)) return;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      yield* packageFolders(folder);
      continue;
    }
    if (!existsSync(join(folder, 'package.json'))) continue;
    yield folder;
    yield* packageFolders(join(folder, 'node_modules'));
  }
}

/** What npm would run at install: a lifecycle script, or node-gyp for a binding.gyp without one. */
function hasInstallScript(folder: string, manifest: PackageJson): boolean {
  if (lifecycleScripts.some((name) => manifest.scripts?.[name] !== undefined)) return true;
  return existsSync(join(folder, 'binding.gyp'));
}

describe('install scripts', () => {
  it('regression: npm 12 left hnswlib-node uncompiled: every installed dependency with an install script is allowed or refused in package.json', () => {
    const { allowScripts = {} } = readPackage('.');
    const unreviewed = new Set<string>();
    for (const folder of packageFolders('node_modules')) {
      const manifest = readPackage(folder);
      if (hasInstallScript(folder, manifest) && !(manifest.name in allowScripts)) unreviewed.add(manifest.name);
    }
    assert.deepEqual([...unreviewed], [], 'add these to allowScripts in package.json: true if the package needs its script, false if not');
    assert.equal(allowScripts['hnswlib-node'], true, 'the HNSW index is a native add-on compiled at install');
    assert.equal(allowScripts['onnxruntime-node'], false, 'its script downloads a GPU build; the CPU build ships in the package');
  });
});
