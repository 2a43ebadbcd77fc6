import type { BackendStateService, PluginStatus } from '@trellis/backend-app-api';

/**
 * The installed plugin a path segment names. Mount paths match case-insensitively (as Express
 * routes do), and plugin IDs may be camelCase (`exampleTodoList`), so the exact ID is tried
 * first and any spelling of it second; plugin IDs are unique ignoring case.
 */
export function findInstalledPlugin(state: BackendStateService, segment: string): PluginStatus | undefined {
  const exact = state.getPlugin(segment);
  if (exact) {
    return exact;
  }
  const lower = segment.toLowerCase();
  return state.getPlugins().find((p) => p.pluginId.toLowerCase() === lower);
}
