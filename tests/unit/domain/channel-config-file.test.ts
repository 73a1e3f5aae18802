import { describe, expect, it } from 'vitest';
import { channelConfigText } from '#shared/domain/channel-config-file';

describe('Function: channelConfigText', () => {
  it('gives equal configs equal bytes, whatever order their keys came in, at every depth', () => {
    const one = channelConfigText({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } });
    const other = channelConfigText({ a: { c: 'x', d: [{ y: 2, z: 1 }] }, b: 1 });
    expect(one).toBe(other);
    expect(one).toBe('{\n  "a": {\n    "c": "x",\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('keeps the order of arrays and ends with a newline', () => {
    expect(channelConfigText({ list: [3, 1, 2] })).toBe('{\n  "list": [\n    3,\n    1,\n    2\n  ]\n}\n');
    expect(channelConfigText({})).toBe('{}\n');
  });
});
