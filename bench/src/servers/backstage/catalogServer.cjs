// A Backstage backend of @backstage/backend-defaults with Backstage's own catalog plugin, the
// anchor of the catalog figure of yarn bench. The bench copies this file into its Backstage
// catalog install (outside the repository) and runs it there, so `require` finds Backstage's
// packages; configuration (catalog.locations, catalog.rules, the database, a static access
// token) is the app-config.yaml of the working directory. Processing runs with Backstage's
// defaults.
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.start().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
