// A node:test reporter for scripts/run-tests.mjs: for every test that ran inside a top-level suite, a line
// `<suite>\t<file that declared the test>\t<test>`. In a group of files sharing a process, each file is a top-level
// suite named by its path, and a test declared in one file's bundle but run under another's suite was misplaced by
// node:test (it files a test under the suite whose asynchronous context declared it, and a promise shared between
// files carries one file's context into another's): the runner reports it.
export default async function* placement(source) {
  let pending = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, name, file } = event.data;
    if (nesting > 0) pending.push({ name, file });
    else {
      for (const test of pending) yield `${name}\t${test.file ?? ''}\t${test.name}\n`;
      pending = [];
    }
  }
}
