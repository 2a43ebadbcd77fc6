import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolvePackagePath } from './resolvePackagePath';

describe('resolvePackagePath', () => {
  it('finds a folder of a package named by its name', () => {
    expect(resolvePackagePath('@trellis/backend-plugin-api', 'src')).toBe(__dirname);
  });

  it('finds a folder of the package that holds a module given by its file URL', () => {
    // What a published plugin passes: import.meta.url, or its CommonJS build's file URL of
    // __filename, from a module several folders below its package.json.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-pkg-'));
    try {
      fs.writeFileSync(path.join(root, 'package.json'), '{"name":"@acme/plugin-x-backend"}');
      fs.mkdirSync(path.join(root, 'dist', 'database'), { recursive: true });
      const moduleFile = path.join(root, 'dist', 'database', 'Store.cjs.js');
      fs.writeFileSync(moduleFile, '');

      expect(resolvePackagePath(pathToFileURL(moduleFile).href, 'migrations')).toBe(path.join(root, 'migrations'));
      expect(resolvePackagePath(pathToFileURL(moduleFile).href)).toBe(root);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says so when no package holds the module', () => {
    expect(() => resolvePackagePath(pathToFileURL('/no-such-dir/x.js').href, 'migrations')).toThrow(
      /No package.json above/,
    );
  });
});
