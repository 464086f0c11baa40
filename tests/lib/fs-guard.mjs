// Loaded into every Node process of the test suite (CTest sets NODE_OPTIONS=--import=<this>).
// A user's clone has nothing beside it, so a test that reads a file outside the repository
// passes here and fails there. This guard makes such a read fail everywhere: any file-system
// call on a path outside the places a test may use is reported, and the process exits 1.
//
// A test may use: the repository, the build directory, its scratch directory (TMPDIR, which
// CTest points into the build directory), the saved real pages through NETRAL_REAL_FIXTURES,
// and the system (programs, /etc, /proc, ... — what a fresh Debian machine has for everyone).
import fs from 'node:fs';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SYSTEM = ['/usr', '/etc', '/proc', '/sys', '/dev', '/lib', '/lib64', '/bin', '/sbin', '/run',
  '/var/lib/netral', '/var/spool/netral', '/var/lib/dpkg', '/var/cache/debconf', '/var/log'];

const allowedRoots = [
  repoRoot,
  process.env.NETRAL_BUILD_DIR,
  process.env.TMPDIR,
  process.env.NETRAL_REAL_FIXTURES,
  path.dirname(path.dirname(process.execPath)),   // Node's own installation
  ...SYSTEM,
].filter(Boolean).map((dir) => path.resolve(dir));

const within = (file, dir) => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
const violations = new Set();
let inside = 0;   // calls that fs makes itself (readFileSync opens) were checked at the outer call

function check(candidate) {
  let file;
  if (typeof candidate === 'string') file = candidate;
  else if (candidate instanceof URL && candidate.protocol === 'file:') file = fileURLToPath(candidate);
  else if (Buffer.isBuffer(candidate)) file = candidate.toString();
  else return;                                       // a file descriptor
  file = path.resolve(file);
  if (allowedRoots.some((dir) => within(file, dir)) || violations.has(file)) return;
  const where = (new Error().stack || '').split('\n').slice(3, 6).map((line) => line.trim()).join(' ← ');
  violations.add(file);
  process.stderr.write(`fs-guard: a test used ${file}, outside the repository (${where})\n`);
}

// Every function that takes a path first (and, for the two-path ones, second).
const ONE_PATH = ['access', 'appendFile', 'chmod', 'chown', 'createReadStream', 'createWriteStream', 'exists',
  'lchown', 'lstat', 'mkdir', 'mkdtemp', 'open', 'opendir', 'readdir', 'readFile', 'readlink', 'realpath',
  'rm', 'rmdir', 'stat', 'statfs', 'truncate', 'unlink', 'utimes', 'watch', 'watchFile', 'writeFile'];
const TWO_PATHS = ['copyFile', 'cp', 'link', 'rename', 'symlink'];

function wrap(target, name, paths) {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = function guarded(...args) {
    if (inside === 0) for (let i = 0; i < paths; i += 1) check(args[i]);
    inside += 1;
    try {
      return original.apply(this, args);
    } finally {
      inside -= 1;
    }
  };
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  target[name] = wrapped;
}

for (const [names, paths] of [[ONE_PATH, 1], [TWO_PATHS, 2]]) {
  for (const name of names) {
    wrap(fs, name, paths);
    wrap(fs, `${name}Sync`, paths);
    wrap(fs.promises, name, paths);
  }
}
syncBuiltinESMExports();

process.on('exit', (code) => {
  if (!violations.size) return;
  process.stderr.write(`fs-guard: ${violations.size} path(s) outside the repository used, first ${[...violations][0]};`
    + ' a plain clone has nothing there (saved real pages: only through NETRAL_REAL_FIXTURES)\n');
  if (code === 0) process.exitCode = 1;
});
