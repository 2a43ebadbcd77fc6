import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './toolchain';

/** A scratch folder removed by {@link removeScratch}. */
export function scratchDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `trellis-journey-${label}-`));
}

export function removeScratch(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * A fresh `git clone` of this repository's working tree into `dest`: the clone of HEAD, then the
 * tracked changes and new files not yet committed, so the journeys check what is on disk.
 */
export function cloneWorkingTree(dest: string): string {
  execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repoRoot, dest]);
  const changed = execFileSync('git', ['ls-files', '--modified', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
  })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of changed) {
    const from = path.join(repoRoot, file);
    const to = path.join(dest, file);
    if (fs.existsSync(from)) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    } else {
      fs.rmSync(to, { force: true });
    }
  }
  return dest;
}

/** What `docker build` sends as context: `dir`'s files less those .dockerignore excludes. */
export function copyBuildContext(dir: string, dest: string): void {
  const ignore = fs.existsSync(path.join(dir, '.dockerignore'))
    ? fs
        .readFileSync(path.join(dir, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const matchers = ignore.map(dockerignorePattern);
  fs.cpSync(dir, dest, {
    recursive: true,
    filter: (src) => {
      const relative = path.relative(dir, src).split(path.sep).join('/');
      return relative === '' || !matchers.some((m) => m.test(relative));
    },
  });
}

/** A .dockerignore line as a RegExp over context-relative paths (Go filepath.Match plus `**`). */
function dockerignorePattern(line: string): RegExp {
  if (line.startsWith('!')) {
    throw new Error(`.dockerignore exceptions ('${line}') are not understood by this check; extend copyBuildContext`);
  }
  const pattern = line.replace(/^\/+/, '').replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (pattern.startsWith('**/', i)) {
      source += '(.*/)?';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A matched folder takes everything under it.
  return new RegExp(`^${source}(/.*)?$`);
}

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** The stages of a Dockerfile, each a list of instructions starting with its FROM. */
export function readDockerfile(file: string): DockerInstruction[][] {
  const logical = fs
    .readFileSync(file, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: DockerInstruction[][] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}
