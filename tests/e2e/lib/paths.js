import path from 'node:path';
import { repoRoot, sitesDir } from '../../lib/fixtures.js';

export { repoRoot, sitesDir };
export const artifactsDir = process.env.NETRAL_E2E_ARTIFACTS || path.join(repoRoot, 'build/e2e-artifacts');
