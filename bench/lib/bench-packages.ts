import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Pinned so that runs compare like for like. */
export const chromaRequirement = 'chromadb==1.5.9';
export const chromaVenv = 'bench/.cache/chroma-venv';

/**
 * The load generator and the peer libraries are bench/package.json's, not the product's: they
 * are installed here on first use (registry only), so the product's `npm ci` and CI stay lean.
 */
export function ensureBenchPackages(): void {
  if (existsSync('bench/node_modules/.package-lock.json')) return;
  console.error('bench: installing bench/package.json (autocannon and the peer libraries)');
  execFileSync('npm', ['ci', '--prefix', 'bench', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

/**
 * Chroma is a Python server: pip-installed into a venv under bench/.cache on first use. When the
 * install fails (no Python, no wheel for this platform), the Chroma row records why instead.
 */
export function ensureChroma(): { ok: true } | { ok: false; reason: string } {
  if (existsSync(`${chromaVenv}/bin/chroma`)) return { ok: true };
  try {
    execFileSync('python3', ['-m', 'venv', chromaVenv], { stdio: 'inherit' });
    execFileSync(`${chromaVenv}/bin/pip`, ['install', '--quiet', chromaRequirement], { stdio: 'inherit' });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split('\n')[0]! };
  }
}
