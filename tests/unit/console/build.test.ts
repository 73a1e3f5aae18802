import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildConsole } from '../../../console/build';

/** The budget for the console's JavaScript, gzipped. */
const JS_BUDGET_GZIP = 150 * 1024;

describe('Function: buildConsole', () => {
  it('bundles index.html, app.js and app.css in memory, the JavaScript under 150 KB gzipped', async () => {
    // Act
    const { files } = await buildConsole();

    // Assess
    const byPath = new Map(files.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual(['assets/app.css', 'assets/app.js', 'index.html']);
    const html = byPath.get('index.html')!.body.toString();
    expect(html).toContain('<script type="module" src="assets/app.js">');
    expect(html).toContain('<link rel="stylesheet" href="assets/app.css">');
    expect(byPath.get('assets/app.js')!.contentType).toMatch(/^text\/javascript/);
    expect(byPath.get('assets/app.css')!.contentType).toMatch(/^text\/css/);
    expect(gzipSync(byPath.get('assets/app.js')!.body).length).toBeLessThan(JS_BUDGET_GZIP);
    expect(files.some((f) => f.path === 'config.json')).toBe(false);
  }, 60_000);
});
