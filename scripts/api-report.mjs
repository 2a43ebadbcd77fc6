#!/usr/bin/env node
// API reports: every public name of the framework packages plugins import, with its type, in
// `<package>/report.api.md`. A change to the public API changes the report, so review sees it.
//
//   yarn api-report           rewrite the reports
//   yarn api-report --check   fail when a report is out of date (yarn lint runs this)
//
// API Extractor reads declaration files, so the package's sources are first compiled to .d.ts
// in a temporary folder with the repository's own TypeScript and compiler options.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const repoRoot = path.resolve(import.meta.dirname, '..');
const PACKAGES = ['libs/backend-plugin-api'];
const check = process.argv.includes('--check');

function emitDeclarations(outDir, entries) {
  const base = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, 'tsconfig.base.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const options = {
    ...base.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    rootDir: repoRoot,
    outDir,
    types: ['node'],
  };
  const program = ts.createProgram(entries, options);
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' };
    throw new Error(ts.formatDiagnostics(diagnostics, host));
  }
}

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-api-'));
let stale = 0;
try {
  emitDeclarations(
    outDir,
    PACKAGES.map((p) => path.join(repoRoot, p, 'src/index.ts')),
  );
  for (const pkg of PACKAGES) {
    const packageFolder = path.join(repoRoot, pkg);
    const config = ExtractorConfig.prepare({
      configObjectFullPath: path.join(packageFolder, 'api-extractor.json'),
      packageJsonFullPath: path.join(packageFolder, 'package.json'),
      configObject: {
        projectFolder: packageFolder,
        mainEntryPointFilePath: path.join(outDir, pkg, 'src/index.d.ts'),
        compiler: {
          overrideTsconfig: {
            compilerOptions: { skipLibCheck: true, types: ['node'], module: 'NodeNext', moduleResolution: 'NodeNext' },
            files: [path.join(outDir, pkg, 'src/index.d.ts')],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: 'report.api.md',
          reportFolder: packageFolder,
          reportTempFolder: path.join(outDir, 'reports', pkg),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            // Printed, not written into the report: the report names the temporary folder.
            default: { logLevel: 'warning', addToApiReportFile: false },
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
            'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      showVerboseMessages: false,
      messageCallback: (message) => {
        if (message.messageId === 'console-compiler-version-notice') message.handled = true;
      },
    });
    if (check && result.apiReportChanged) {
      stale += 1;
      console.error(`${pkg}/report.api.md is out of date: run yarn api-report and commit the change.`);
    } else if (result.errorCount > 0) {
      stale += 1;
      console.error(`API Extractor failed for ${pkg}.`);
    }
  }
} finally {
  if (!process.env.KEEP) fs.rmSync(outDir, { recursive: true, force: true });
  else console.log(outDir);
}
process.exitCode = stale > 0 ? 1 : 0;
