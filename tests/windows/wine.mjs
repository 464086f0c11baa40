// A fresh Wine prefix as a Windows machine for a test file (deploy.test.mjs, msi.test.mjs), and
// programs run in it: output to files, a wait for the program's exit, one persistent wineserver
// for the whole file (the comments below say why).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const GUARD_MS = 120_000;   // turns a hang into a failure; Wine starts slowly, so generous

// The Wine processes running now, for the message of a hang (which one waits on which).
function wineProcesses() {
  try {
    return execFileSync('ps', ['-eo', 'pid,ppid,stat,etime,args'], { encoding: 'utf8' }).split('\n')
      .filter((line, i) => i === 0 || /wine|\.exe/i.test(line)).join('\n');
  } catch (e) {
    return `(ps failed: ${e.message})`;
  }
}

export class WineMachine {
  static async boot() {
    const machine = new WineMachine();
    const r = await machine.wine(['wineboot', '--init']);
    assert.equal(r.status, 0, `wineboot: ${r.stderr}`);
    // From here one Wine session for the whole file: once the prefix is made and its first
    // session has ended, a persistent wineserver, so that Wine's own services start once, not
    // again for each command after the server's idle exit.
    for (const args of [['-w'], ['-p']]) {   // -p forks the server and exits: no pipes of ours
      const server = spawn('wineserver', args, { env: machine.env, stdio: 'ignore' });
      const [code] = await once(server, 'exit');
      assert.equal(code, 0, `wineserver ${args.join(' ')}`);
    }
    return machine;
  }

  constructor() {
    this.prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-wine-'));
    this.outputs = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-wine-output-'));
    this.runs = 0;
    this.env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NETRAL_'))),
      WINEPREFIX: this.prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=d',
    };
  }

  // C:\a\b -> the file inside the prefix.
  unixPath(windowsPath) {
    assert.match(windowsPath, /^C:\\/);
    return path.join(this.prefix, 'drive_c', ...windowsPath.slice(3).split('\\'));
  }

  // A Linux file as Wine's Z: drive names it.
  static windowsPath(unixPath) {
    return `Z:${path.resolve(unixPath).replaceAll('/', '\\')}`;
  }

  // A program's output goes to files, not pipes: the first Wine program of a session starts Wine's
  // own services (services.exe, winedevice.exe, ...), which inherit its output and outlive it, so
  // that a pipe would end only with the session, or never (a CI run waited on one for good).
  run(program, args, { input, extraEnv } = {}) {
    return new Promise((resolve, reject) => {
      const base = path.join(this.outputs, String(++this.runs));
      const read = (what) => fs.readFileSync(`${base}.${what}`, 'utf8');
      const out = fs.openSync(`${base}.out`, 'w');
      const err = fs.openSync(`${base}.err`, 'w');
      const child = spawn(program, args, { env: { ...this.env, ...extraEnv }, stdio: ['pipe', out, err] });
      fs.closeSync(out);
      fs.closeSync(err);
      const guard = setTimeout(() => {
        const processes = wineProcesses();
        child.kill('SIGKILL');
        reject(new Error(`${program} ${args.join(' ')}: no exit within ${GUARD_MS} ms; stderr: `
          + `${read('err').slice(-2000)}\nprocesses then:\n${processes}`));
      }, GUARD_MS);
      child.on('error', reject);
      child.stdin.on('error', () => {});   // a program that exits without reading its input
      child.on('exit', (status) => {
        clearTimeout(guard);
        resolve({ status, stdout: read('out'), stderr: read('err') });
      });
      child.stdin.end(input ?? '');
    });
  }

  wine(args, opts) {
    return this.run('wine', args, opts);
  }

  async close() {
    await this.run('wineserver', ['-k']).catch(() => {});
    fs.rmSync(this.prefix, { recursive: true, force: true });
    fs.rmSync(this.outputs, { recursive: true, force: true });
  }
}
