import { runCli, systemActor } from './bootstrap';
import { createDeps } from '../services';
import { PetitionerService } from '../modules/petitioner/petitioner.service';
import { AuditService } from '../modules/audit/audit.service';
import { resealFollowUp } from '../modules/followup/reseal';

/**
 * npm run keys:reencrypt — re-seals, under the newest key of PERSONAL_DATA_KEYS (the last one),
 * everything sealed with the older ones: the petitioners' personal data, then the follow-up
 * module's officer-written text and uploaded files (src/modules/followup/reseal.ts). Run after
 * adding a key; old keys can be removed once it has succeeded.
 *
 * Audit: the follow-up batches record their own entry inside each batch's transaction; the
 * petitioners' re-encryption records one entry, in its own transaction, once it has completed.
 * A failure stops the command (exit 1) without claiming what was not done; running it again
 * picks up where it stopped.
 */
void runCli(async ({ config, orm }) => {
  const deps = createDeps(config);
  const actor = systemActor('keys:reencrypt');
  const keyId = deps.cipher.currentKeyId;

  const moved = await new PetitionerService(orm.em.fork(), deps).reencryptAll();
  await new AuditService(orm.em.fork(), deps.now).record({
    actor,
    operation: 'petitioner.reencrypt',
    details: { rows: moved, keyId },
  });
  console.log(
    `已用当前密钥 ${keyId} 重新加密 ${moved} 名信访人的个人信息（各事项登记的信访人记录）(petitioner records: ${moved} rows)`,
  );

  const masked = await new PetitionerService(orm.em.fork(), deps).deriveMissingMasks();
  if (masked) console.log(`已补齐 ${masked} 条信访人记录的脱敏形式 (masked forms derived: ${masked} rows)`);

  const followUp = await resealFollowUp(orm.em.fork(), deps, undefined, { actor });
  for (const [table, rows] of Object.entries(followUp))
    console.log(`已用当前密钥 ${keyId} 重新加密后续管理记录 ${table}: ${rows} 行 (${table}: ${rows} rows)`);
});
