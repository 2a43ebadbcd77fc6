import fs from 'node:fs';
import path from 'node:path';

/** Files of {@link writeCatalogEntities}, and how many entities of each kind they hold. */
export interface CatalogFiles {
  files: string[];
  total: number;
  components: number;
}

/** One team's file: a group, its users, systems, APIs and components (200 entities). */
const PER_TEAM = { users: 20, systems: 4, apis: 35, components: 140 };
const TEAMS = 50;
const LANGUAGES = ['java', 'go', 'python', 'typescript', 'kotlin'];

/**
 * Writes 10,000 valid catalog entities into `dir`, the same on every call: 50 files, one per team,
 * each holding 1 Group, 20 Users (memberOf the group), 4 Systems, 35 APIs and 140 Components,
 * all owned by the group; each API is part of a system, and each Component is part of a system,
 * provides one API of its team and consumes one of the next team's. Block YAML, as teams write
 * their catalog-info.yaml, separated by `---`.
 */
export function writeCatalogEntities(dir: string): CatalogFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let team = 0; team < TEAMS; team++) {
    const file = path.join(dir, `team-${pad(team)}.yaml`);
    fs.writeFileSync(file, teamDocuments(team).join('---\n'));
    files.push(file);
  }
  const perTeam = 1 + PER_TEAM.users + PER_TEAM.systems + PER_TEAM.apis + PER_TEAM.components;
  return { files, total: TEAMS * perTeam, components: TEAMS * PER_TEAM.components };
}

function teamDocuments(team: number): string[] {
  const t = pad(team);
  const group = `team-${t}`;
  const docs = [
    entity('Group', group, `Team ${t}`, [], ['type: team', `profile:\n    displayName: Team ${t}`, 'children: []']),
  ];
  for (let i = 0; i < PER_TEAM.users; i++) {
    docs.push(entity('User', `user-${t}-${pad(i)}`, undefined, [], [`memberOf: [${group}]`]));
  }
  for (let i = 0; i < PER_TEAM.systems; i++) {
    docs.push(entity('System', `system-${t}-${i}`, `System ${i} of team ${t}`, [], [`owner: ${group}`]));
  }
  for (let i = 0; i < PER_TEAM.apis; i++) {
    docs.push(
      entity(
        'API',
        api(team, i),
        `API ${i} of team ${t}`,
        ['rest'],
        [
          'type: openapi',
          'lifecycle: production',
          `owner: ${group}`,
          `system: system-${t}-${i % PER_TEAM.systems}`,
          `definition: |\n    openapi: 3.0.0\n    info:\n      title: ${api(team, i)}\n      version: 1.0.0\n    paths: {}`,
        ],
      ),
    );
  }
  for (let i = 0; i < PER_TEAM.components; i++) {
    const consumed = api((team + 1) % TEAMS, i % PER_TEAM.apis);
    docs.push(
      entity(
        'Component',
        `component-${t}-${pad(i)}`,
        `Component ${i} of team ${t}`,
        [LANGUAGES[i % 5]],
        [
          `type: ${i % 4 === 0 ? 'website' : 'service'}`,
          `lifecycle: ${i % 10 === 0 ? 'experimental' : 'production'}`,
          `owner: ${group}`,
          `system: system-${t}-${i % PER_TEAM.systems}`,
          `providesApis: [${api(team, i % PER_TEAM.apis)}]`,
          `consumesApis: [${consumed}]`,
        ],
      ),
    );
  }
  return docs;
}

function entity(kind: string, name: string, description: string | undefined, tags: string[], spec: string[]): string {
  const lines = ['apiVersion: backstage.io/v1alpha1', `kind: ${kind}`, 'metadata:', `  name: ${name}`];
  if (description) {
    lines.push(`  description: ${description}`);
  }
  if (tags.length > 0) {
    lines.push(`  tags: [${tags.join(', ')}]`);
  }
  lines.push('spec:', ...spec.map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}

function api(team: number, i: number): string {
  return `api-${pad(team)}-${pad(i)}`;
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}
