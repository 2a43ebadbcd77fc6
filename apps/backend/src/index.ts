import { createBackend } from '@trellis/backend-defaults';
import { runUntilSignal } from './runUntilSignal';

const backend = createBackend();

backend.add(import('@trellis/plugin-example-backend'));
backend.add(import('@trellis/plugin-todo-backend'));
backend.add(import('@trellis/plugin-catalog-backend'));
backend.add(import('@trellis/plugin-catalog-backend-module-openapi'));
backend.add(import('@trellis/plugin-permission-backend'));
backend.add(import('@trellis/plugin-permission-backend/example-policy'));

runUntilSignal(backend);
