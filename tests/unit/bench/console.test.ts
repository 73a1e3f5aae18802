import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { median, sizeFiles } from '#tests/bench/console';

describe('Function: median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one, whatever the order', () => {
    // Act / Assess
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([])).toBeNaN();
  });
});

describe('Function: sizeFiles', () => {
  it('sizes every file raw and gzipped, and totals the JavaScript alone against the budget', () => {
    // Prepare
    const js = Buffer.from('export const a = 1;\n'.repeat(200));
    const css = Buffer.from('body { margin: 0 }\n'.repeat(200));
    const files = [
      { path: '/app.js', contentType: 'text/javascript; charset=utf-8', body: js },
      { path: '/app.css', contentType: 'text/css', body: css },
      { path: '/chunk.mjs', contentType: 'application/octet-stream', body: js },
    ];

    // Act
    const sizes = sizeFiles(files, 100);

    // Assess
    expect(sizes.files.map((f) => [f.path, f.bytes])).toEqual([
      ['/app.js', js.byteLength],
      ['/app.css', css.byteLength],
      ['/chunk.mjs', js.byteLength],
    ]);
    expect(sizes.files[0]!.gzipBytes).toBe(gzipSync(js).byteLength);
    expect(sizes.js.bytes).toBe(2 * js.byteLength);
    expect(sizes.js.gzipBytes).toBe(2 * gzipSync(js).byteLength);
    expect(sizes.js.underBudget).toBe(sizes.js.gzipBytes < 100);
    expect(sizeFiles(files, 1_000_000).js.underBudget).toBe(true);
  });
});
