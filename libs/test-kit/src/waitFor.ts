/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** What is awaited, for the failure message: "the readiness endpoint to answer 200". */
  what: string;
  /** Deadline; generous by default, since it bounds only a wait that would otherwise hang. */
  timeoutMs?: number;
  /** Pause between checks. */
  intervalMs?: number;
}

/**
 * Checks `condition` until it returns a value other than `undefined`, `null` or `false`, and
 * returns that value. A check that throws counts as "not yet". At the deadline it fails loudly,
 * with what it waited for and the last value or error seen, instead of giving up silently.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let last: string = 'no check finished';
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) {
        return value;
      }
      last = `last check returned ${String(value)}`;
    } catch (error) {
      last = `last check threw: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what} (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
