// The command table: `earshot help` lists every command from it without loading any command module; each entry loads
// the command it names.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from './main.ts';

describe('the command table', () => {
  it('has one entry per file in commands/, named as the file', () => {
    const files = readdirSync(join(import.meta.dirname, 'commands'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    assert.deepEqual(COMMANDS.map((c) => c.name).sort(), files);
  });

  it('loads, for each entry, the command of that name with the summary `earshot help` prints', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, `the summary of ${entry.name}`);
    }
  });
});
