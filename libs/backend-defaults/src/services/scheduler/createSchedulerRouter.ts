import { HttpAuthService, ServicePrincipal, UserPrincipal } from '@trellis/backend-plugin-api';
import { NotAllowedError } from '@trellis/errors';
import express, { NextFunction, Request, Response } from 'express';
import { DefaultSchedulerService } from './DefaultSchedulerService';

const PLUGIN_SUBJECT = /^plugin:/;

/** Options of {@link createSchedulerRouter}. */
export interface CreateSchedulerRouterOptions {
  scheduler: DefaultSchedulerService;
  httpAuth: HttpAuthService;
  /** Subjects and user entity refs from `backend.scheduler.operators`. */
  operators: ReadonlySet<string>;
}

/**
 * The operator endpoints under `/.trellis/scheduler/tasks`: list, trigger and cancel. Only
 * operators may call them: other plugins (service principals `plugin:<id>`) and the principals
 * named in `backend.scheduler.operators`; everyone else gets 403.
 */
export function createSchedulerRouter(options: CreateSchedulerRouterOptions): express.Router {
  const { scheduler } = options;
  const router = express.Router();
  router.use('/.trellis/scheduler', operatorsOnly(options));
  router.get('/.trellis/scheduler/tasks', async (_req, res) => {
    res.json({ tasks: await scheduler.describeTasks() });
  });
  router.post('/.trellis/scheduler/tasks/:id/trigger', async (req, res) => {
    await scheduler.triggerTask(req.params.id);
    res.json({ triggered: req.params.id });
  });
  router.post('/.trellis/scheduler/tasks/:id/cancel', async (req, res) => {
    await scheduler.cancelTask(req.params.id);
    res.json({ cancelled: req.params.id });
  });
  return router;
}

function operatorsOnly({ httpAuth, operators }: CreateSchedulerRouterOptions) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const { principal } = await httpAuth.credentials(req, { allow: ['user', 'service'] });
    if (!isOperator(principal, operators)) {
      throw new NotAllowedError(
        `The scheduler's operator endpoints are for operators only; ${describe(principal)} is not one. Call them as another plugin or with a token whose subject is listed in backend.scheduler.operators`,
      );
    }
    next();
  };
}

function isOperator(principal: UserPrincipal | ServicePrincipal, operators: ReadonlySet<string>): boolean {
  if (principal.type === 'user') {
    return operators.has(principal.userEntityRef);
  }
  return PLUGIN_SUBJECT.test(principal.subject) || operators.has(principal.subject);
}

function describe(principal: UserPrincipal | ServicePrincipal): string {
  return principal.type === 'user' ? `user '${principal.userEntityRef}'` : `service '${principal.subject}'`;
}
