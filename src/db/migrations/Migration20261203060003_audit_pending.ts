import { Migration } from '@mikro-orm/migrations';

/**
 * Audit entries written outside a transaction (the clear reads of a response, reveals, …) are
 * first staged here with one insert, without any lock, and then chained into audit_log in batches
 * by whichever writer holds the chain's advisory lock next (AuditService.chainPending): many
 * concurrent readers share one lock holding instead of queueing one by one. The writer returns
 * only once its entries are chained, so audit_log is complete whenever a request has answered;
 * an entry left here by a crash is chained by the next writer or by `npm run audit:verify`.
 */
export class Migration20261203060003_audit_pending extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table audit_pending (
      id bigserial primary key,
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
      details jsonb
    );`);
    this.addSql(
      `comment on table audit_pending is '待入链的审计记录（由下一次写入按顺序并入 audit_log 哈希链）';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists audit_pending;');
  }
}
