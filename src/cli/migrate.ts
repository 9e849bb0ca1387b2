import { runCli } from './bootstrap';
import { migrate } from '../db/orm';

void runCli(
  async ({ orm }) => {
    const applied = await migrate(orm);
    console.log(
      applied.length ? `已执行迁移 (applied): ${applied.join(', ')}` : '数据库已是最新 (up to date)',
    );
  },
  { migrate: false },
);
