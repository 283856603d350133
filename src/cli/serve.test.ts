import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from './serve.ts';

describe('serve --trust-proxy', () => {
  it('takes addresses, CIDRs and range names, and refuses anything else', () => {
    expect(parseTrustProxy('10.0.0.1, 10.1.0.0/16,fd00::/8,loopback')).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', 'fd00::/129', '*', 'true'])
      expect(() => parseTrustProxy(bad), bad).toThrow(/trust-proxy takes/);
  });
});
