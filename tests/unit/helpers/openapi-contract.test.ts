import { describe, expect, it } from 'vitest';
import { contractViolations, templateOf } from '#tests/helpers/openapi-contract';
import { channelView } from '#tests/helpers/sample-entities';

const CHANNEL = channelView();
const ERROR = JSON.stringify({ error: { code: 'x', message: 'y' } });
const get = { method: 'GET', template: '/api/orchestration/channels/{channel_id}' };

/** The checker every integration and e2e answer goes through: it must catch each way an answer can break the document. */
describe('Function: contractViolations', () => {
  it('accepts an answer with a declared status, a valid body and declared headers', () => {
    expect(contractViolations(get, { status: 200, headers: { 'x-request-id': 'r1', 'content-type': 'application/json' }, raw: JSON.stringify(CHANNEL) })).toEqual([]);
  });

  it('refuses a status the operation does not declare', () => {
    const problems = contractViolations(get, { status: 201, headers: {}, raw: JSON.stringify(CHANNEL) });
    expect(problems).toEqual([expect.stringContaining('status 201 is not declared for get-channel')]);
  });

  it('refuses a body its schema does not accept: a missing field, an unknown one, a negative count', () => {
    const { name: _name, ...missing } = CHANNEL;
    expect(contractViolations(get, { status: 200, headers: {}, raw: JSON.stringify(missing) }).join()).toContain("required property 'name'");
    expect(contractViolations(get, { status: 200, headers: {}, raw: JSON.stringify({ ...CHANNEL, secret: 1 }) }).join()).toContain('additional properties');
    expect(contractViolations(get, { status: 200, headers: {}, raw: JSON.stringify({ ...CHANNEL, version: -1 }) }).join()).toContain('>= 0');
    expect(contractViolations(get, { status: 404, headers: {}, raw: '{"message":"not ours"}' }).join()).toContain("required property 'error'");
  });

  it('refuses a header the status does not declare', () => {
    const problems = contractViolations(get, { status: 200, headers: { 'idempotent-replayed': 'true' }, raw: JSON.stringify(CHANNEL) });
    expect(problems).toEqual([expect.stringContaining("header 'idempotent-replayed' is not declared")]);
  });

  it('matches a requested path to its template, literal segments first, and checks a 405 for its allow header', () => {
    expect(templateOf('/api/orchestration/channels/c1?x=1')).toBe('/api/orchestration/channels/{channel_id}');
    expect(templateOf('/api/orchestration/nowhere')).toBeUndefined();
    expect(contractViolations({ method: 'PATCH', path: '/api/orchestration/channels/c1' }, { status: 405, headers: { allow: 'DELETE, GET, PUT' }, raw: ERROR })).toEqual([]);
    expect(contractViolations({ method: 'PATCH', path: '/api/orchestration/channels/c1' }, { status: 405, headers: {}, raw: ERROR })).toEqual([
      expect.stringContaining('without an allow header'),
    ]);
    expect(contractViolations({ method: 'GET', path: '/api/orchestration/nowhere' }, { status: 404, headers: {}, raw: ERROR })).toEqual([]);
    expect(contractViolations({ method: 'GET', path: '/api/orchestration/nowhere' }, { status: 200, headers: {}, raw: '{}' })).toHaveLength(1);
  });
});
