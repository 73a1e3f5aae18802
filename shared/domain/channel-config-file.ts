/**
 * The file a channel's `config` becomes in its repository (SPEC "Distribution
 * and configuration"): one JSON file, keys sorted at every depth, two-space
 * indent and a trailing newline, so that equal configs are equal bytes and a
 * sync that changes nothing commits nothing.
 */
export const CHANNEL_CONFIG_PATH = '.orchestrator/channel.json';

/** The commit message of a config sync's commit. */
export const CONFIG_SYNC_COMMIT_MESSAGE = 'orchestrator: sync channel config';

/**
 * `value` with every object's keys in code-unit order, at every depth (arrays
 * keep their order). Integer-like keys still come first, in numeric order:
 * JavaScript's own object order; the result is as stable either way.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The file's text for a config: the same for equal configs, whatever order their keys came in. */
export function channelConfigText(config: Record<string, unknown>): string {
  return `${JSON.stringify(sortedKeys(config), null, 2)}\n`;
}
