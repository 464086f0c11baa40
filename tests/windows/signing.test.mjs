// Code signing of the Windows build (osslsigncode): the build as configured (no certificate) is
// unsigned and says so; a build of its own given a certificate this test makes with openssl
// signs netral.exe and netral-host.exe as installed (into the MSI and the ZIP) and the MSI, and
// osslsigncode verify accepts them against that certificate (and no other). Needs openssl, osslsigncode, cmake, mingw-w64, wixl.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

const MSI = process.env.NETRAL_WINDOWS_MSI;
const BUILD_DIR = process.env.NETRAL_BUILD_DIR;
const DEPS = process.env.NETRAL_WINDOWS_DEPS;
const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let work;

function run(program, args) {
  const r = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(!r.error, `${program}: ${r.error?.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// A self-signed code-signing certificate, as a test CA would give.
function certificate(name) {
  const key = path.join(work, `${name}.key.pem`);
  const cert = path.join(work, `${name}.cert.pem`);
  const r = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', `/CN=${name}`, '-addext', 'extendedKeyUsage=codeSigning', '-addext', 'keyUsage=digitalSignature']);
  assert.equal(r.status, 0, r.output);
  return { key, cert };
}

const verify = (file, ca) => run('osslsigncode', ['verify', ...(ca ? ['-CAfile', ca] : []), '-in', file]);

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-signing-'));
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the build without a certificate leaves netral.exe, netral-host.exe and the MSI unsigned', () => {
  assert.ok(MSI && fs.existsSync(MSI), 'NETRAL_WINDOWS_MSI should name the MSI of the mingw-w64 build');
  for (const file of [path.join(BUILD_DIR, 'host', 'netral.exe'), path.join(BUILD_DIR, 'host', 'netral-host.exe'), MSI]) {
    const r = verify(file);
    assert.notEqual(r.status, 0, `${file} should not verify`);
    assert.match(r.output, /No signature found|MSI file has no signature/, `${file}: ${r.output}`);
  }
});

test('given a certificate, the build signs netral.exe, netral-host.exe and the MSI; verify accepts only that signer', () => {
  assert.ok(DEPS, 'NETRAL_WINDOWS_DEPS should name the prefix of .ci/windows-deps (ctest sets it)');
  const signer = certificate('Netral Test Signer');
  const stranger = certificate('Someone Else');
  const build = path.join(work, 'build');
  const configure = (extra) => run('cmake', ['-S', SOURCE_DIR, '-B', build, `-DCMAKE_TOOLCHAIN_FILE=${SOURCE_DIR}/host/windows/mingw-w64.cmake`,
    `-DNETRAL_WINDOWS_DEPS=${DEPS}`, '-DCMAKE_BUILD_TYPE=Release', '-DBUILD_TESTING=OFF', ...extra]);

  let r = configure([]);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /Code signing: off .*netral\.exe, netral-host\.exe and the MSI are unsigned/);
  r = configure([`-DNETRAL_SIGN_CERT=${signer.cert}`, `-DNETRAL_SIGN_KEY=${signer.key}`]);
  assert.equal(r.status, 0, r.output);
  assert.match(r.output, /Code signing: on/);
  r = run('cmake', ['--build', build, '-j2', '--target', 'msi']);
  assert.equal(r.status, 0, r.output.slice(-4000));

  const msi = fs.readdirSync(build).find((f) => f.endsWith('.msi'));
  assert.ok(msi, 'the signed build makes an MSI');
  // The programs as installed (what the MSI and the ZIP hold), and the MSI itself.
  for (const file of [path.join(build, 'msi', 'files', 'netral.exe'), path.join(build, 'msi', 'files', 'netral-host.exe'),
    path.join(build, msi)]) {
    const ok = verify(file, signer.cert);
    assert.equal(ok.status, 0, `${file}: ${ok.output}`);
    assert.match(ok.output, /Subject: \/CN=Netral Test Signer/);
    assert.match(ok.output, /Signature verification: ok/);
    const wrong = verify(file, stranger.cert);
    assert.notEqual(wrong.status, 0, `${file} should not verify against another certificate: ${wrong.output}`);
  }
});

test('a PKCS#12 file with a password signs too (NETRAL_SIGN_PKCS12, NETRAL_SIGN_PASSWORD_FILE)', () => {
  const signer = certificate('Netral PKCS12 Signer');
  const p12 = path.join(work, 'codesign.p12');
  const passwordFile = path.join(work, 'password');
  fs.writeFileSync(passwordFile, 'correct horse battery staple');
  let r = run('openssl', ['pkcs12', '-export', '-inkey', signer.key, '-in', signer.cert, '-out', p12,
    '-passout', `file:${passwordFile}`]);
  assert.equal(r.status, 0, r.output);
  const msi = path.join(work, 'copy.msi');
  fs.copyFileSync(MSI, msi);
  r = run('cmake', [`-DFILE=${msi}`, '-DOSSLSIGNCODE=osslsigncode', `-DPKCS12=${p12}`, `-DPASSWORD_FILE=${passwordFile}`,
    '-P', path.join(SOURCE_DIR, 'host/windows/sign.cmake')]);
  assert.equal(r.status, 0, r.output);
  const ok = verify(msi, signer.cert);
  assert.equal(ok.status, 0, ok.output);
  assert.match(ok.output, /Subject: \/CN=Netral PKCS12 Signer/);
});
