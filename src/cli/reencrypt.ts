import { runCli, systemActor } from './bootstrap';
import { createDeps } from '../services';
import { PetitionerService } from '../modules/petitioner/petitioner.service';
import { AuditService } from '../modules/audit/audit.service';

/**
 * npm run keys:reencrypt — re-seals every petitioner row that is not under the newest key of
 * PERSONAL_DATA_KEYS (the last one). Run after adding a key; old keys can be removed afterwards.
 */
void runCli(async ({ config, orm }) => {
  const deps = createDeps(config);
  const em = orm.em.fork();
  const moved = await new PetitionerService(em, deps).reencryptAll();
  await new AuditService(em, deps.now).record({
    actor: systemActor('keys:reencrypt'),
    operation: 'petitioner.reencrypt',
    details: { rows: moved, keyId: deps.cipher.currentKeyId },
  });
  console.log(
    `已用当前密钥 ${deps.cipher.currentKeyId} 重新加密 ${moved} 名信访人的个人信息 (re-encrypted ${moved} rows)`,
  );
});
