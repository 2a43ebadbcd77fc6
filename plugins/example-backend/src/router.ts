import { Config } from '@trellis/backend-plugin-api';
import express, { Router } from 'express';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  config: Config;
}

/** The example plugin's routes. The message is read per request, so a config reload shows. */
export function createRouter(options: RouterOptions): Router {
  const router = express.Router();
  router.get('/hello', (_req, res) => {
    res.json({ message: options.config.getString('example.message') });
  });
  return router;
}
