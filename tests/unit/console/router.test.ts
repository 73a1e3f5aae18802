import { describe, expect, it } from 'vitest';
import { channelHref, parseHash } from '../../../console/src/hash-routes';

describe('Function: parseHash', () => {
  it.each([
    ['', { page: 'status' }],
    ['#/', { page: 'status' }],
    ['#/channels', { page: 'channels' }],
    ['#/channels/new', { page: 'channel-new' }],
    ['#/channels/cooking-fr', { page: 'channel', id: 'cooking-fr' }],
    ['#/channels/cooking-fr/edit', { page: 'channel-edit', id: 'cooking-fr' }],
    ['#/timeline', { page: 'timeline' }],
    ['#/coordinate', { page: 'coordinate' }],
    ['#/wave', { page: 'wave' }],
    ['#/publications', { page: 'publications' }],
    ['#/runs', { page: 'runs' }],
    ['#/activity', { page: 'activity' }],
    ['#/nowhere', { page: 'not-found', path: '/nowhere' }],
  ])('reads %s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('round-trips a channel id that needs encoding', () => {
    expect(parseHash(channelHref('a b/c', true))).toEqual({ page: 'channel-edit', id: 'a b/c' });
  });
});
