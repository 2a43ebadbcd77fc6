#!/usr/bin/env node
// `yarn new [template] [--flags]`: runs one of the Trellis generators, asking for the template
// when none is given.
import { spawnSync } from 'node:child_process';

const TEMPLATES = {
  'backend-plugin': 'A backend plugin (plugins/<id>-backend), added to apps/backend',
  'backend-module': 'A module extending a plugin through its extension point',
  'node-library': 'A node-library (libs/<id>-node): API client, service ref, extension point',
};

async function main() {
  let [template, ...rest] = process.argv.slice(2);
  if (template === '--help' || template === '-h') {
    console.log('Usage: yarn new [template] [--flags]\n');
    for (const [name, description] of Object.entries(TEMPLATES)) console.log(`  ${name.padEnd(16)} ${description}`);
    console.log(
      '\nExamples:\n  yarn new backend-plugin --id=billing [--database] [--nodeLibrary] [--skipInstall]\n  yarn new node-library --id=billing\n  yarn new backend-module --pluginId=billing --moduleId=shouting',
    );
    return 0;
  }
  if (!template || template.startsWith('-')) {
    if (template) rest = [template, ...rest];
    if (!process.stdin.isTTY) {
      console.error(`Name a template: ${Object.keys(TEMPLATES).join(', ')} (yarn new --help)`);
      return 2;
    }
    const { default: Enquirer } = await import('enquirer');
    const answer = await Enquirer.prompt({
      type: 'select',
      name: 'template',
      message: 'What do you want to create?',
      choices: Object.entries(TEMPLATES).map(([name, hint]) => ({ name, hint })),
    });
    template = answer.template;
  }
  if (!(template in TEMPLATES)) {
    console.error(`Unknown template '${template}'; use one of: ${Object.keys(TEMPLATES).join(', ')}`);
    return 2;
  }
  const run = spawnSync('nx', ['g', `@trellis/tools:${template}`, ...rest], {
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false' },
  });
  return run.status ?? 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.message ?? error);
    process.exit(1);
  },
);
