/**
 * A value built on its first use instead of when the module loads: for request schemas and
 * other tables a plugin needs only once requests arrive. Building zod schemas for a few routes
 * takes milliseconds of a backend's start (see docs/performance.md); deferring them keeps start-up
 * fast without each plugin keeping its own cache variable.
 *
 * ```ts
 * const bodies = onFirstUse(() => ({ create: z.object({ title: z.string() }).strict() }));
 * router.post('/todos', (req, res) => { const body = bodies().create.parse(req.body); ... });
 * ```
 *
 * If `build` throws, the error reaches the caller and the next call tries again.
 *
 * @public
 */
export function onFirstUse<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
