import type { Overridable } from '#shared/composition-root';
import type { EmbeddedTable } from './embedded-table';
import { RecordingProcessingQueue } from './recording-adapters';
import { InMemorySlotScheduler, InMemoryTriggerQueue } from './in-memory-ports';

/**
 * Points the composition root at an embedded table and only then imports the
 * HTTP handlers (each builds its middy stack, idempotency store included, at
 * import). Call once per test file, after the table exists; test files run in
 * their own module graph, so nothing leaks between files. The queue and the
 * scheduler are in-memory fakes unless `overrides` says otherwise.
 */
export async function bootHandlers(table: Pick<EmbeddedTable, 'tableName' | 'endpoint'>, overrides: Partial<Overridable> = {}) {
  const { useLocalTable } = await import('#shared/config');
  useLocalTable(table.tableName, table.endpoint);
  const root = await import('#shared/composition-root');
  root.resetComposition();
  root.overrideAdapters({ triggerQueue: new InMemoryTriggerQueue(), slotScheduler: new InMemorySlotScheduler(), processingQueue: new RecordingProcessingQueue(), ...overrides });
  const [start, stop, pause, resume, status, putChannel, getChannel, deleteChannel, listChannels, createVideo, listVideos, getVideo, listActivity, openapi] =
    await Promise.all([
      import('#functions/http/start'),
      import('#functions/http/stop'),
      import('#functions/http/pause'),
      import('#functions/http/resume'),
      import('#functions/http/status'),
      import('#functions/http/put-channel'),
      import('#functions/http/get-channel'),
      import('#functions/http/delete-channel'),
      import('#functions/http/list-channels'),
      import('#functions/http/create-video'),
      import('#functions/http/list-videos'),
      import('#functions/http/get-video'),
      import('#functions/http/list-activity'),
      import('#functions/http/openapi'),
    ]);
  return {
    start: start.handler,
    stop: stop.handler,
    pause: pause.handler,
    resume: resume.handler,
    status: status.handler,
    putChannel: putChannel.handler,
    getChannel: getChannel.handler,
    deleteChannel: deleteChannel.handler,
    listChannels: listChannels.handler,
    createVideo: createVideo.handler,
    listVideos: listVideos.handler,
    getVideo: getVideo.handler,
    listActivity: listActivity.handler,
    openapi: openapi.handler,
  };
}

export type Handlers = Awaited<ReturnType<typeof bootHandlers>>;
