import { createBackend } from '@trellis/backend-defaults';

// Runs this plugin alone on the default services, for fast iteration: `yarn start todo`.
const backend = createBackend();
backend.add(import('../src/index.js'));
backend.start().catch((error) => {
  console.error(error);
  process.exit(1);
});
