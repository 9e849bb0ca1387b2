import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { ROLES, type Role } from '../access/roles';
import { signDevToken } from '../auth/tokens';

/**
 * npm run token -- --role ROLE --unit UNIT_CODE [--name NAME] [--user ID] [--expires 30m]
 * Prints a development bearer token signed with AUTH_DEV_SECRET, valid for --expires (default and
 * maximum: AUTH_MAX_TOKEN_LIFETIME, 12h unless configured). Refused in production.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      unit: { type: 'string' },
      name: { type: 'string' },
      user: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const problems: string[] = [];
  if (!values.role || !ROLES.includes(values.role as Role))
    problems.push(`--role 必须是 ${ROLES.join(' | ')} 之一`);
  if (!values.unit) problems.push('--unit 必须给出单位代码，如 ZJ-HZ-ZJ');
  if (problems.length) {
    console.error(
      `用法: npm run token -- --role ROLE --unit UNIT_CODE [--name NAME]\n  - ${problems.join('\n  - ')}`,
    );
    process.exit(2);
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(78);
  }
  if (config.env === 'production' || !config.auth.devSecret) {
    console.error('生产环境不签发开发令牌：请使用机构身份认证系统签发的令牌');
    process.exit(1);
  }
  try {
    const token = await signDevToken(
      config,
      { role: values.role as Role, unitCode: values.unit!, name: values.name, userId: values.user },
      values.expires,
    );
    process.stdout.write(token + '\n');
  } catch (e) {
    console.error(`--expires：${(e as Error).message}`);
    process.exit(2);
  }
}
void main();
