import { describe, expect, it } from 'vitest';
import { Conflict, NotFound } from '#shared/domain/errors';
import { VideoCatalog } from '#shared/services/video-catalog';
import { inMemoryPorts } from '#tests/helpers/in-memory-ports';
import { videoDefinition } from '#tests/helpers/sample-entities';

function catalog() {
  const ports = inMemoryPorts();
  return { ports, service: new VideoCatalog({ videos: ports.videos, clock: ports.clock, ids: ports.ids }) };
}

describe('Class: VideoCatalog', () => {
  describe('Method: create', () => {
    it('makes a time-sortable id when none is given, stamping created_at and updated_at', async () => {
      // Prepare
      const { ports, service } = catalog();
      const now = ports.clock.now().toISOString();

      // Act
      const first = await service.create(undefined, videoDefinition({ title: 'One' }));
      const second = await service.create(undefined, videoDefinition({ title: 'Two' }));

      // Assess
      expect(first).toEqual({ video_id: 'ID000001', ...videoDefinition({ title: 'One' }), created_at: now, updated_at: now });
      expect(second.video_id).toBe('ID000002');
      expect(await ports.videos.get('ID000001')).toEqual(first);
    });

    it("keeps the scraper's own id", async () => {
      // Prepare
      const { ports, service } = catalog();

      // Act
      const video = await service.create('yt-abc_123', videoDefinition());

      // Assess
      expect(video.video_id).toBe('yt-abc_123');
      expect(ports.ids.issued).toBe(0);
    });

    it('refuses an existing id with 409 video_exists and leaves the stored video as it was', async () => {
      // Prepare
      const { ports, service } = catalog();
      const original = await service.create('v1', videoDefinition({ title: 'Original' }));

      // Act
      const error = await service.create('v1', videoDefinition({ title: 'Impostor' })).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(Conflict);
      expect(error).toMatchObject({ code: 'video_exists', details: { video_id: 'v1' } });
      expect(await ports.videos.get('v1')).toEqual(original);
    });
  });

  describe('Method: get', () => {
    it('is a NotFound video_not_found for an unknown id', async () => {
      // Prepare
      const { service } = catalog();

      // Act
      const error = await service.get('missing').catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(NotFound);
      expect(error).toMatchObject({ code: 'video_not_found', details: { video_id: 'missing' } });
    });
  });

  describe('Method: list', () => {
    it('lists newest first and filters by status', async () => {
      // Prepare
      const { ports, service } = catalog();
      await service.create('old', videoDefinition());
      ports.clock.advance(1_000);
      await service.create('archived', videoDefinition({ status: 'archived' }));
      ports.clock.advance(1_000);
      await service.create('new', videoDefinition());

      // Act
      const all = await service.list({ limit: 10 });
      const available = await service.list({ limit: 10, status: 'available' });

      // Assess
      expect(all.items.map((v) => v.video_id)).toEqual(['new', 'archived', 'old']);
      expect(available.items.map((v) => v.video_id)).toEqual(['new', 'old']);
    });
  });
});
