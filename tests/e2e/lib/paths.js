import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sitesDir = path.join(repoRoot, 'tests/fixtures/sites');
export const realDir = process.env.NETRAL_REAL_FIXTURES || path.join(repoRoot, '..', 'shared', 'fixtures', 'real');
export const artifactsDir = process.env.NETRAL_E2E_ARTIFACTS || path.join(repoRoot, 'build/e2e-artifacts');
