import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './toolchain';

// docs/journeys.md lists every command the docs give a user and what runs it; this keeps the
// list complete, so a command added to the docs without a journey (or a reason) fails here.

const JOURNEYS = path.join(repoRoot, 'docs/journeys.md');
const INLINE = /`((?:yarn|npm|npx|docker|kubectl|corepack)(?: [^`]*)?)`/g;

/** The commands of a Markdown file: each line of its `sh` blocks, and inline commands elsewhere. */
function commandsOf(markdown: string): string[] {
  const commands: string[] = [];
  const prose = markdown.replace(/^```sh\n([\s\S]*?)^```$/gm, (_block, body: string) => {
    for (const line of body.replace(/\\\n\s*/g, '').split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command) commands.push(command);
    }
    return '';
  });
  for (const match of prose.replace(/^```[\s\S]*?^```$/gm, '').matchAll(INLINE)) {
    commands.push(match[1].trim());
  }
  return commands;
}

/** The table of docs/journeys.md: command -> what runs it. */
function journeyTable(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of fs.readFileSync(JOURNEYS, 'utf8').split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
    const command = /^`(.*)`$/.exec(cells[1] ?? '');
    if (command) rows.set(command[1], cells[3] ?? '');
  }
  return rows;
}

function documentedCommands(): Map<string, string[]> {
  const files = [
    'README.md',
    ...fs
      .readdirSync(path.join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md') && f !== 'journeys.md')
      .map((f) => `docs/${f}`),
  ];
  const found = new Map<string, string[]>();
  for (const file of files) {
    for (const command of commandsOf(fs.readFileSync(path.join(repoRoot, file), 'utf8'))) {
      found.set(command, [...(found.get(command) ?? []), file]);
    }
  }
  return found;
}

it('lists every command of README.md and docs/*.md in docs/journeys.md', () => {
  const table = journeyTable();
  const missing = [...documentedCommands()]
    .filter(([command]) => !table.has(command))
    .map(([command, files]) => `${command}   (${files.join(', ')})`);
  expect(missing).toEqual([]);
});

it('names only journeys that e2e/src/journeys.test.ts has', () => {
  const source = fs.readFileSync(path.join(__dirname, 'journeys.test.ts'), 'utf8');
  const titles = [
    ...source.matchAll(/\bit\)?\(\s*['`]([^'`]+)['`]/g),
    ...source.matchAll(/: it\.skip\)\(\s*['`]([^'`$]+)/g),
  ].map((m) => m[1]);
  const unknown = [...journeyTable().values()]
    .filter((runBy) => runBy.startsWith('journey: '))
    .map((runBy) => runBy.slice('journey: '.length).replace(/ \(.*\)$/, ''))
    .filter((title) => !titles.some((t) => t.startsWith(title)));
  expect(titles.length).toBeGreaterThan(5);
  expect(unknown).toEqual([]);
});

it('finds commands in sh blocks and inline, joining continued lines and dropping comments', () => {
  const markdown =
    'Run `yarn bench --quick` or `node x`.\n\n```sh\ncd app\nFOO=1 \\\n  node index.js   # starts it\n```\n\n```yaml\nx: `yarn no`\n```\n';
  expect(commandsOf(markdown)).toEqual(['cd app', 'FOO=1 node index.js', 'yarn bench --quick']);
});
