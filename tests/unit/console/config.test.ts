import { describe, expect, it } from 'vitest';
import { parseConsoleConfig } from '../../../console/src/config';

describe('Function: parseConsoleConfig', () => {
  it('takes each auth kind and drops a trailing slash of apiBase', () => {
    expect(parseConsoleConfig({ apiBase: '/api/orchestration/', auth: { kind: 'none' } })).toEqual({ apiBase: '/api/orchestration', auth: { kind: 'none' } });
    expect(parseConsoleConfig({ apiBase: '/api/orchestration', auth: { kind: 'token' } }).auth).toEqual({ kind: 'token' });
    const cognito = { kind: 'cognito', issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/pool', clientId: 'abc', scopes: ['openid'], redirectPath: '/' };
    expect(parseConsoleConfig({ apiBase: 'https://api.example.com/api/orchestration', auth: cognito }).auth).toEqual(cognito);
  });

  it.each([
    ['not an object', null, /not a JSON object/],
    ['no apiBase', { auth: { kind: 'none' } }, /apiBase/],
    ['no auth', { apiBase: '/api' }, /auth must be an object/],
    ['an unknown auth kind', { apiBase: '/api', auth: { kind: 'basic' } }, /unknown auth kind "basic"/],
    ['cognito without its client', { apiBase: '/api', auth: { kind: 'cognito', issuer: 'x', scopes: [], redirectPath: '/' } }, /clientId/],
  ])('refuses %s, saying what is wrong', (_name, value, message) => {
    expect(() => parseConsoleConfig(value)).toThrow(message);
  });
});
