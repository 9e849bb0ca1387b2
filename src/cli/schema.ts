import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { printHubSchema } from '../graphql/schema';

/** `schema write` regenerates schema.graphql from the code; `schema check` fails when it is stale. */
const file = path.resolve('schema.graphql'); // npm scripts run from the repository root
const mode = process.argv[2] ?? 'check';
const printed = printHubSchema();
if (mode === 'write') {
  fs.writeFileSync(file, printed);
  console.log(`已写入 ${path.relative(process.cwd(), file)}`);
} else {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current !== printed) {
    console.error(
      'schema.graphql 已过期：代码中的 schema 与提交的文件不一致。请运行 npm run schema:write 并提交。',
    );
    process.exit(1);
  }
  console.log('schema.graphql 是最新的');
}
