import { Migration } from '@mikro-orm/migrations';

/**
 * The append-only, hash-chained audit log (DESIGN.md §3 "Audit").
 *
 * `seq` is gapless: AuditService assigns previous+1 under an advisory lock. Each row's `hash`
 * is sha256(prev_hash + '\n' + canonical JSON of its columns), so an edited, deleted, inserted
 * or reordered row breaks the chain; `npm run audit:verify` walks it.
 *
 * The trigger refuses UPDATE, DELETE and TRUNCATE for everyone, including the table owner.
 * The owner (or a superuser) can still disable or drop the trigger: that is what the
 * verifier is for.
 */
export class Migration20261128000003_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table audit_log (
      seq bigint primary key,
      at timestamptz not null,
      user_id text,
      user_name text,
      role text,
      unit_code text,
      operation text not null,
      case_id bigint null,
      petitioner_id bigint null,
      fields text[],
      reason text null,
      details jsonb,
      prev_hash text not null,
      hash text not null,
      constraint audit_log_seq_positive check (seq > 0),
      constraint audit_log_prev_hash_hex check (prev_hash ~ '^[0-9a-f]{64}$'),
      constraint audit_log_hash_hex check (hash ~ '^[0-9a-f]{64}$')
    );`);
    this.addSql(
      `comment on table audit_log is '审计日志：只能追加，哈希链防篡改 (append-only, hash-chained)';`,
    );
    this.addSql('create index audit_log_case_id_index on audit_log (case_id);');
    this.addSql('create index audit_log_user_id_at_index on audit_log (user_id, at);');
    this.addSql('create index audit_log_operation_at_index on audit_log (operation, at);');
    this.addSql(`create function audit_log_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '审计日志只能追加，不能修改、删除或清空 (audit_log is append-only: % refused)', tg_op
          using errcode = 'insufficient_privilege';
      end;
    $$;`);
    this.addSql(`create trigger audit_log_append_only
      before update or delete or truncate on audit_log
      for each statement execute function audit_log_refuse_change();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_log;');
    this.addSql('drop function if exists audit_log_refuse_change();');
  }
}
