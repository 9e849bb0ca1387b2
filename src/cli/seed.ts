import { runCli } from './bootstrap';
import { DemoSeeder, DEMO_USERS } from '../db/seeders/DemoSeeder';

void runCli(async ({ orm }) => {
  await orm.getSeeder().seed(DemoSeeder);
  console.log('演示数据已就绪 (demo data loaded; running it again changes nothing).');
  console.log('演示用户 (get a token with: npm run token -- --role ROLE --unit UNIT):');
  for (const u of DEMO_USERS)
    console.log(`  --role ${u.role.padEnd(16)} --unit ${u.unit.padEnd(12)} ${u.who}`);
});
