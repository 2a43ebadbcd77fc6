import fs from 'node:fs';

const START = '<!-- bench:results:start (written by yarn bench from bench/results/latest.md; do not edit) -->';
const END = '<!-- bench:results:end -->';

/** Replaces the results section of docs/performance.md (between its markers) with `markdown`. */
export function updatePerformanceDoc(docFile: string, markdown: string): void {
  const doc = fs.readFileSync(docFile, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`${docFile} has no results markers; add the lines\n${START}\n${END}`);
  }
  const updated = `${doc.slice(0, start + START.length)}\n\n${markdown.trim()}\n\n${doc.slice(end)}`;
  fs.writeFileSync(docFile, updated);
}
