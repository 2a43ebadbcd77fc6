import { TrellisError } from '@trellis/errors';
import type { StartupOptions } from './readStartupOptions';

/** The plugins a backend starts, and those config leaves out. */
export interface PluginSelection {
  selected: string[];
  leftOut: string[];
}

/**
 * The plugins this backend starts: all added ones, or those of `backend.plugins.include`, minus
 * those of `backend.plugins.exclude`. One build can so serve every part of a split deployment. An
 * ID that names no added plugin is a config error, so a typo never silently starts everything.
 */
export function selectPlugins(added: string[], options: Pick<StartupOptions, 'include' | 'exclude'>): PluginSelection {
  const known = new Set(added);
  for (const [key, ids] of [
    ['include', options.include ?? []],
    ['exclude', options.exclude],
  ] as const) {
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new TrellisError(
        'TRELLIS_ERR_CONFIG_TYPE',
        `backend.plugins.${key} names ${quoted(unknown)}, which this backend does not add; it adds ${quoted(added)}`,
      );
    }
  }
  const isSelected = (id: string) =>
    (options.include === undefined || options.include.includes(id)) && !options.exclude.includes(id);
  return { selected: added.filter(isSelected), leftOut: added.filter((id) => !isSelected(id)) };
}

function quoted(ids: string[]): string {
  return ids.map((id) => `'${id}'`).join(', ');
}
