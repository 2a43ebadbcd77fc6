import { onFirstUse } from '@trellis/backend-plugin-api';
import { Request, Response } from 'express';
import { z } from 'zod';

const requestBody = onFirstUse(() => z.object({ entity: z.unknown(), location: z.string().max(4096) }).strict());

/**
 * `POST /validate-entity { entity, location }`: 200 with an empty body when the entity would be
 * accepted, else 400 with `errors: [{ name, message }]`, which `@backstage/catalog-client` reads,
 * beside the first problem in the standard error shape every other 4xx of the API has. As in Backstage, the location must be a `url:<target>` ref: it is only named in the
 * answer, and file-reading processors refuse to resolve anything against it.
 */
export async function validateEntityRoute(
  validate: (entity: unknown, location: { type: string; target: string }) => Promise<string[]>,
  req: Request,
  res: Response,
): Promise<void> {
  const unknownParams = Object.keys(req.query);
  const parsed = requestBody().safeParse(req.body);
  let problems: string[];
  if (unknownParams.length > 0) {
    problems = [`unknown query parameter(s) ${unknownParams.map((p) => `'${p.slice(0, 100)}'`).join(', ')}`];
  } else if (!parsed.success || parsed.data.entity === undefined) {
    problems = ["the body must be { entity, location } with location a ref such as 'url:https://host/path'"];
  } else if (!/^url:\S+$/.test(parsed.data.location)) {
    problems = [`location '${parsed.data.location.slice(0, 100)}' must be a ref such as 'url:https://host/path'`];
  } else {
    const target = parsed.data.location.slice('url:'.length);
    problems = await validate(parsed.data.entity, { type: 'url', target });
  }
  if (problems.length === 0) {
    res.status(200).end();
    return;
  }
  const errors = problems.map((message) => ({ name: 'InputError', message }));
  res.status(400).json({
    error: errors[0],
    request: { method: req.method, url: `${req.baseUrl}${req.path}` },
    response: { statusCode: 400 },
    errors,
  });
}
