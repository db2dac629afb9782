import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite, CONTENT_SECURITY_POLICY, scenarioFiles, serveSite } from '../../src/explore/site.js';
import type { PageConfig } from '../../src/explore/site.js';
import { bin, computerace } from '../support/cli.js';

const scenarios = (name: string): string => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'computerace-explore-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The configuration embedded in a page's index.html. */
function embedded(html: string): PageConfig {
  const match = /<script type="application\/json" id="explore-config">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('no embedded configuration');
  return JSON.parse(match[1]!) as PageConfig;
}

describe('the explore site', () => {
  it('holds the scenario and every file it extends, named as extends names them', async () => {
    const files = scenarioFiles(scenarios('price-war.yaml'));
    expect(files.main).toBe('price-war.yaml');
    expect(Object.keys(files.texts).sort()).toEqual(['openai-multicloud-2025.yaml', 'price-war.yaml']);
    expect(files.texts['openai-multicloud-2025.yaml']).toBe(readFileSync(scenarios('openai-multicloud-2025.yaml'), 'utf8'));
  });

  it('embeds the configuration so that no text in a file can end the script element', async () => {
    const config: PageConfig = { source: 'x.yaml', files: { main: 'x.yaml', texts: { 'x.yaml': 'name: "</script><script>alert(1)</script>"\u2028' } }, seed: '1', runs: 10 };
    const html = String(buildSite(config).get('index.html')!.content);
    expect(html).not.toContain('</script><script>alert');
    expect(embedded(html)).toEqual(config);
    expect(html).toContain(`content="${CONTENT_SECURITY_POLICY}"`);
  });

  it('serves its files on localhost with its security policy, and nothing else', async () => {
    const site = buildSite({ source: 'a.yaml', files: scenarioFiles(scenarios('openai-multicloud-2025.yaml')), seed: '1', runs: 10 });
    const server = await serveSite(site, 0);
    try {
      const { port } = server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/`;
      const index = await fetch(url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(embedded(await index.text()).files.main).toBe('openai-multicloud-2025.yaml');
      for (const name of ['boot.js', 'page.js', 'worker.js', 'explore.css']) {
        const response = await fetch(url + name);
        expect(response.status, name).toBe(200);
        // Unchanged, a file is not sent again: the browser keeps what it compiled of it.
        const again = await fetch(url + name, { headers: { 'If-None-Match': response.headers.get('etag')! } });
        expect(again.status, name).toBe(304);
      }
      expect((await fetch(`${url}../../etc/passwd`)).status).toBe(404);
      expect((await fetch(`${url}nothing.js`)).status).toBe(404);
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    } finally {
      server.close();
    }
  });
});

describe('computerace explore', () => {
  it('writes a self-contained folder with --out', async () => {
    const out = join(dir, 'site');
    const result = await computerace('explore', scenarios('price-war.yaml'), '--out', out, '--runs', '50', '--seed', '9');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['boot.js', 'explore.css', 'index.html', 'page.js', 'worker.js']);
    const config = embedded(readFileSync(join(out, 'index.html'), 'utf8'));
    expect(config).toMatchObject({ runs: 50, seed: '9', files: { main: 'price-war.yaml' } });
    // Nothing is fetched from elsewhere: no URL of another origin in the page or its scripts.
    for (const name of ['index.html', 'boot.js', 'page.js', 'worker.js']) expect(readFileSync(join(out, name), 'utf8'), name).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });

  it('reports a scenario with problems as validate does, one line a problem, exit 2', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(scenarios('openai-multicloud-2025.yaml'), 'utf8').replace('maxShare: 0.5 ', 'maxShare: 5   '));
    const result = await computerace('explore', bad, '--out', join(dir, 'never'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^\S*bad\.yaml:\d+:\d+: labs\[0\]\.procurement\.maxShare: expected a share in \[0, 1\], got 5\n$/);
    expect(() => readdirSync(join(dir, 'never'))).toThrow();
  });

  it('refuses --runs the page itself would not take, in one line with exit 2', async () => {
    for (const runs of ['1', '100001', '99999999999']) {
      const ran = await computerace('explore', scenarios('price-war.yaml'), '--runs', runs, '--out', join(dir, 'never-runs'));
      expect(ran, runs).toMatchObject({ status: 2, stderr: expect.stringMatching(/expected from 2 to 100000 runs \(what the page offers\)|expected a positive integer/) });
    }
    expect(() => readdirSync(join(dir, 'never-runs'))).toThrow();
  });

  it('refuses an --out it cannot make, in one line with exit 2: under /proc at once (it used to hang), and inside a file', async () => {
    const proc = await computerace('explore', scenarios('price-war.yaml'), '--out', '/proc/computerace/site');
    expect(proc).toMatchObject({ status: 2, stderr: 'computerace: cannot write /proc/computerace/site: a directory on the path does not exist, or was removed (ENOENT)\n' });
    const file = join(dir, 'a-file.yaml');
    writeFileSync(file, 'name: x\n');
    const inFile = await computerace('explore', scenarios('price-war.yaml'), '--out', file);
    expect(inFile).toMatchObject({ status: 2, stderr: `computerace: cannot write ${join(file, 'index.html')}: a part of the path is a file, not a directory (ENOTDIR)\n` });
    expect(readFileSync(file, 'utf8')).toBe('name: x\n');
  }, 20_000);

  it('refuses a port that is not one, or is taken, in one line with exit 2', async () => {
    for (const text of ['70000', '', ' 80', '8e3', '-1']) {
      expect(await computerace('explore', scenarios('openai-multicloud-2025.yaml'), '--port', text), `--port '${text}'`).toMatchObject({ status: 2, stderr: expect.stringContaining('expected a port from 0 to 65535') });
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const result = await computerace('explore', scenarios('openai-multicloud-2025.yaml'), '--port', String(port));
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`computerace: port ${port} is in use; choose another with --port, or leave it out for any free port\n`);
    } finally {
      taken.close();
    }
  });

  it('serves the page on localhost, prints its address, and stops on Ctrl-C', async () => {
    const child = spawn(process.execPath, [bin, 'explore', scenarios('openai-multicloud-2025.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += String(chunk);
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/) \(Ctrl-C to stop\)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
    });
    expect((await fetch(url)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
