// A promise made once and awaited by many test files (a probe, a migrated image) carries the asynchronous context of
// the file that made it: node:test files a test under the suite whose context declared it, so in a group of files
// sharing a process (scripts/run-tests.mjs) a file that awaited it at its top level had its later tests filed under
// the first file's suite. Each caller gets its own promise, made in its own context, settled as the shared one is.
export function inCallerContext<T>(shared: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    shared.then(resolve, reject);
  });
}
