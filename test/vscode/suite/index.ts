import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { figures } from './figures';

/**
 * Entry point the extension host loads (extensionTestsPath): runs the mocha test files next to this
 * bundle and settles with the outcome (VS Code / code-server then exits with 0 or 1).
 * Environment: KN_GREP (mocha --grep), KN_SKIP_LARGE=1 (no 50 MB test), KN_RESULTS (JSON summary file).
 */
export function run(): Promise<void> {
  const grep = process.env['KN_GREP'];
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: 60_000,
    ...(grep ? { grep } : {}),
  });
  mocha.addFile(join(__dirname, 'extension.test.js'));
  mocha.addFile(join(__dirname, 'trace.test.js'));
  mocha.addFile(join(__dirname, 'nftables.test.js'));
  if (process.env['KN_SKIP_LARGE'] !== '1') mocha.addFile(join(__dirname, 'large.test.js'));

  const results: { title: string; state: string; ms: number; error?: string }[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env['KN_RESULTS'];
      if (out) writeFileSync(out, `${JSON.stringify({ failures, tests: results, figures }, null, 2)}\n`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('test end', (test) => {
      results.push({
        title: test.fullTitle(),
        state: test.state ?? 'pending',
        ms: test.duration ?? 0,
        ...(test.err ? { error: test.err.message } : {}),
      });
    });
  });
}
