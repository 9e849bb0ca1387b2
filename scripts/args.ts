/** Command-line options of the scripts: each taken out of process.argv, so what is left is positional. */

/** The value after `name` (`--db NAME`), or undefined. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  process.argv.splice(i, 2);
  return v;
}

/** Whether the switch `name` (`--keep`) was given. */
export function flag(name: string): boolean {
  const i = process.argv.indexOf(name);
  if (i >= 0) process.argv.splice(i, 1);
  return i >= 0;
}
