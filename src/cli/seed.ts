import { runCli } from './bootstrap';
import { DemoSeeder, DEMO_USERS } from '../db/seeders/DemoSeeder';
import { createDeps } from '../services';

void runCli(async ({ config, orm }) => {
  await new DemoSeeder(createDeps(config)).run(orm.em.fork());
  console.log('演示数据已就绪 (demo data loaded; running it again changes nothing).');
  console.log('演示用户 (get a token with: npm run token -- --role ROLE --unit UNIT):');
  for (const u of DEMO_USERS)
    console.log(`  --role ${u.role.padEnd(16)} --unit ${u.unit.padEnd(12)} ${u.who}`);
});
