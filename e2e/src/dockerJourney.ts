import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sh, shOk, startService } from './shell';
import { repoRoot, UserToolchain } from './toolchain';
import { cloneWorkingTree, copyBuildContext, readDockerfile } from './workspace';

const DOCKERFILE = 'apps/backend/Dockerfile';

/** The Node major of the Dockerfile's first base image (`FROM node:24-slim` -> 24). */
export function dockerfileNodeMajor(file: string): number | undefined {
  const from = readDockerfile(file)[0]?.[0]?.args ?? '';
  const match = /^node:(\d+)/.exec(from);
  return match ? Number(match[1]) : undefined;
}

/** Options of {@link dockerBuildStageJourney}. */
export interface DockerJourneyOptions {
  toolchain: UserToolchain;
  env: NodeJS.ProcessEnv;
  scratch: string;
  port: number;
  postgresDb: string;
}

/**
 * Builds and runs the image of apps/backend/Dockerfile. With a Docker engine it does so for real.
 * Without one (these machines) it runs the build stage's RUN steps in order as shell commands in
 * a copy of the build context (what .dockerignore leaves of a fresh clone), with the image's
 * absolute folders mapped into scratch folders; then the runtime stage's COPY, ENV, ENTRYPOINT and
 * HEALTHCHECK against the result. A step that fails in the image fails here.
 */
export async function dockerBuildStageJourney(options: DockerJourneyOptions): Promise<void> {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) {
    return dockerEngineJourney(options);
  }
  const { env, scratch } = options;
  const [buildStage, runtimeStage] = readDockerfile(path.join(repoRoot, DOCKERFILE));
  const source = cloneWorkingTree(path.join(scratch, 'docker-source'));
  const context = path.join(scratch, 'docker-context');
  copyBuildContext(source, context);
  expect(fs.existsSync(path.join(context, 'node_modules'))).toBe(false);
  expect(fs.existsSync(path.join(context, '.git'))).toBe(false);

  const roots = new Map<string, string>();
  const mapped = (p: string) => {
    for (const [from, to] of roots) {
      if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
    }
    return p;
  };
  const globalPrefix = path.join(scratch, 'docker-global');
  let stageEnv: NodeJS.ProcessEnv = {
    ...env,
    npm_config_prefix: globalPrefix,
    PATH: `${globalPrefix}/bin${path.delimiter}${env.PATH}`,
  };
  let cwd = context;
  for (const { keyword, args } of buildStage) {
    if (keyword === 'WORKDIR') {
      roots.set(args, context);
      cwd = context;
    } else if (keyword === 'COPY') {
      expect(args).toBe('. .');
    } else if (keyword === 'RUN') {
      await runStep(args, { cwd, env: stageEnv, roots, scratch });
    } else if (keyword === 'ENV') {
      stageEnv = { ...stageEnv, ...parseEnv(args) };
    }
  }

  const app = path.join(scratch, 'docker-app');
  let runtimeEnv: NodeJS.ProcessEnv = { ...env };
  let entrypoint: string[] = [];
  let healthcheck: string[] = [];
  for (const { keyword, args } of runtimeStage) {
    if (keyword === 'ENV') runtimeEnv = { ...runtimeEnv, ...parseEnv(args) };
    if (keyword === 'COPY') {
      const [, from, to] = /^--from=\S+ (\S+) (\S+)$/.exec(args) ?? [];
      expect(to).toBe('./');
      fs.cpSync(mapped(from.replace(/\/$/, '')), app, { recursive: true });
    }
    if (keyword === 'ENTRYPOINT') entrypoint = JSON.parse(args);
    if (keyword === 'HEALTHCHECK') healthcheck = JSON.parse(args.replace(/^.*?CMD /, ''));
  }
  expect(runtimeEnv.NODE_ENV).toBe('production');
  fs.writeFileSync(path.join(scratch, 'docker-site.yaml'), 'backend:\n  listen: { host: 127.0.0.1 }\n');
  const serverEnv = { ...runtimeEnv, ...databaseEnv(options) };
  const server = await startService(
    `exec ${shellWords([...entrypoint, '--config', path.join(scratch, 'docker-site.yaml')])}`,
    `http://127.0.0.1:${options.port}/.trellis/health/v1/readiness`,
    {
      cwd: app,
      env: serverEnv,
    },
  );
  try {
    expect((await sh(shellWords(healthcheck), { cwd: app, env: serverEnv })).code).toBe(0);
    expect(await server.stop('SIGTERM')).toBe(0);
  } finally {
    await server.stop();
  }
}

/** One RUN step: package installs from the OS are checked, not made; the rest run as written. */
async function runStep(
  command: string,
  { cwd, env, roots, scratch }: { cwd: string; env: NodeJS.ProcessEnv; roots: Map<string, string>; scratch: string },
) {
  const install = /apt-get install ([^&]*)/.exec(command);
  if (install) {
    // The CI machine is not the image: the packages are checked for, never installed here.
    const packages = install[1].split(/\s+/).filter((w) => w && !w.startsWith('-'));
    for (const pkg of packages) {
      expect({ pkg, installed: spawnSync('dpkg-query', ['-W', pkg], { stdio: 'ignore' }).status === 0 }).toEqual({
        pkg,
        installed: true,
      });
    }
    return;
  }
  // Absolute folders of the image (/out) become scratch folders, created on first use.
  const rewritten = command.replace(/(^|\s)(\/[A-Za-z0-9_./-]+)/g, (match, space, p) => {
    if (/^\/(usr|bin|etc|var|tmp|dev)\b/.test(p)) return match;
    const top = `/${p.split('/')[1]}`;
    if (!roots.has(top)) roots.set(top, path.join(scratch, `docker-root${top.replace(/\//g, '-')}`));
    return space + roots.get(top) + p.slice(top.length);
  });
  await shOk(rewritten, { cwd, env, timeoutMs: 20 * 60_000 });
}

function parseEnv(args: string): NodeJS.ProcessEnv {
  return Object.fromEntries(
    args
      .split(' ')
      .map((pair) => pair.split('='))
      .map(([k, ...v]) => [k, v.join('=')]),
  );
}

function databaseEnv({ port, postgresDb }: DockerJourneyOptions): NodeJS.ProcessEnv {
  return {
    PORT: String(port),
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: '5432',
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: postgresDb,
    REDIS_URL: 'redis://127.0.0.1:6379',
  };
}

function shellWords(words: string[]): string {
  return words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
}

/** With a Docker engine: docker build as docs/deploy.md says, then run the image on the host network. */
async function dockerEngineJourney(options: DockerJourneyOptions): Promise<void> {
  const source = cloneWorkingTree(path.join(options.scratch, 'docker-source'));
  const tag = `trellis-journey:${process.pid}`;
  await shOk(`docker build -f ${DOCKERFILE} -t ${tag} .`, { cwd: source, env: options.env, timeoutMs: 30 * 60_000 });
  const envFlags = Object.entries(databaseEnv(options))
    .map(([k, v]) => `-e ${k}=${v}`)
    .join(' ');
  const name = `trellis-journey-${process.pid}`;
  const server = await startService(
    `exec docker run --rm --name ${name} --network host ${envFlags} ${tag}`,
    `http://127.0.0.1:${options.port}/.trellis/health/v1/readiness`,
    {
      cwd: source,
      env: options.env,
    },
  );
  try {
    await shOk(`docker exec ${name} node healthcheck.js`, { cwd: source, env: options.env });
    await shOk(`docker stop ${name}`, { cwd: source, env: options.env });
    expect(await server.stop()).toBe(0);
  } finally {
    await server.stop();
    await sh(`docker rmi -f ${tag}`, { cwd: source, env: options.env });
  }
}
