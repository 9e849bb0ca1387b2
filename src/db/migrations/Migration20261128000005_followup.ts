import { Migration } from '@mikro-orm/migrations';

/**
 * Follow-up after termination (issue 5, DESIGN.md §2.3): uploaded files, the termination archive
 * with versioned documents, return visits, dynamic tracking, escalation reports, idempotency keys,
 * and the link from a new matter to the terminated case it follows from.
 *
 * Officer-written text is stored sealed (`*_enc`, AES-256-GCM in the application); file contents
 * are sealed too (`stored_file.content`). Archive document versions are append-only: a trigger
 * refuses UPDATE and DELETE, so a correction can only add a version.
 */
export class Migration20261128000005_followup extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table petition_case add column related_case_id int null references petition_case(id) on delete restrict;`,
    );
    this.addSql(
      `create index petition_case_related_case_id_index on petition_case (related_case_id) where related_case_id is not null;`,
    );

    this.addSql(`create table stored_file (
      id serial primary key,
      sha256 char(64) not null check (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes int not null check (size_bytes > 0),
      content_type varchar(100) not null,
      name_enc text not null,
      key_id varchar(32) not null,
      content bytea not null,
      case_id int null references petition_case(id) on delete restrict,
      unit_id int not null references unit(id) on delete restrict,
      uploaded_by_user_id text not null,
      uploaded_by varchar(200) not null,
      uploaded_at timestamptz not null default now()
    );`);
    // The sealed bytes are already incompressible: store them out of line without trying to compress.
    this.addSql(`alter table stored_file alter column content set storage external;`);
    this.addSql('create index stored_file_case_id_index on stored_file (case_id);');
    this.addSql('create index stored_file_key_id_index on stored_file (key_id);');

    this.addSql(`create table termination_archive (
      id serial primary key,
      case_id int not null unique references petition_case(id) on delete restrict,
      created_at timestamptz not null default now()
    );`);

    this.addSql(`create type archive_item_kind as enum ('PETITIONER_INFO', 'ACCEPTANCE', 'HANDLING', 'REVIEW',
      'RE_REVIEW', 'APPLICATION', 'DECISION', 'NOTIFICATION', 'OTHER');`);
    this.addSql(`create table archive_document (
      id serial primary key,
      archive_id int not null references termination_archive(id) on delete restrict,
      case_id int not null references petition_case(id) on delete restrict,
      kind archive_item_kind not null,
      created_by varchar(200) not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index archive_document_archive_id_index on archive_document (archive_id, kind);');
    this.addSql('create index archive_document_case_id_index on archive_document (case_id);');

    this.addSql(`create table archive_document_version (
      id serial primary key,
      document_id int not null references archive_document(id) on delete restrict,
      case_id int not null references petition_case(id) on delete restrict,
      version int not null check (version >= 1),
      title varchar(200) not null,
      document_date date not null,
      issuing_unit varchar(200) not null,
      text_enc text null,
      file_id int null references stored_file(id) on delete restrict,
      reason_enc text null,
      created_by_user_id text not null,
      created_by varchar(200) not null,
      created_at timestamptz not null default now(),
      unique (document_id, version),
      constraint archive_document_version_content check (text_enc is not null or file_id is not null),
      constraint archive_document_version_reason check ((version = 1) = (reason_enc is null))
    );`);
    this.addSql('create index archive_document_version_file_id_index on archive_document_version (file_id);');
    this
      .addSql(`create function archive_document_version_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '档案材料版本只能新增，不能修改或删除 (archive_document_version is append-only: % refused)', tg_op
          using errcode = 'insufficient_privilege';
      end;
    $$;`);
    this.addSql(`create trigger archive_document_version_append_only
      before update or delete on archive_document_version
      for each row execute function archive_document_version_refuse_change();`);

    this.addSql(`create type visit_method as enum ('PHONE', 'HOME_VISIT', 'OFFICE_TALK');`);
    this.addSql(`create table return_visit (
      id serial primary key,
      case_id int not null references petition_case(id) on delete restrict,
      visited_at timestamptz not null,
      visited_on date not null,
      method visit_method not null,
      officer varchar(200) not null,
      notes_enc text not null,
      recorded_by_user_id text not null,
      recorded_by varchar(200) not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index return_visit_case_id_index on return_visit (case_id, visited_on);');

    this.addSql(`create type risk_level as enum ('LOW', 'MEDIUM', 'HIGH');`);
    this.addSql(`create table tracking_record (
      id serial primary key,
      case_id int not null references petition_case(id) on delete restrict,
      observed_on date not null,
      risk_level risk_level not null,
      notes_enc text not null,
      recorded_by_user_id text not null,
      recorded_by varchar(200) not null,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index tracking_record_case_id_index on tracking_record (case_id, observed_on);');

    this.addSql(`create type escalation_kind as enum ('NEW_DEMAND', 'LIKELY_NEW_ISSUE');`);
    this.addSql(`create type escalation_status as enum ('REPORTED', 'ACKNOWLEDGED', 'RESOLVED');`);
    this.addSql(`create type escalation_outcome as enum ('HANDLED', 'NEW_CASE_REGISTERED');`);
    this.addSql(`create table escalation_report (
      id serial primary key,
      case_id int not null references petition_case(id) on delete restrict,
      kind escalation_kind not null,
      status escalation_status not null default 'REPORTED',
      target_agency_id int not null references unit(id) on delete restrict,
      tracking_record_id int null references tracking_record(id) on delete restrict,
      discovered_on date not null,
      report_enc text not null,
      reported_by_user_id text not null,
      reported_by varchar(200) not null,
      reported_at timestamptz not null,
      acknowledged_at timestamptz null,
      acknowledged_by varchar(200) null,
      acknowledged_by_user_id text null,
      acknowledge_enc text null,
      resolved_at timestamptz null,
      resolved_by varchar(200) null,
      resolved_by_user_id text null,
      resolve_enc text null,
      outcome escalation_outcome null,
      new_case_id int null references petition_case(id) on delete restrict,
      version int not null default 1,
      constraint escalation_report_steps check (
        (status = 'REPORTED' and acknowledged_at is null and resolved_at is null)
        or (status = 'ACKNOWLEDGED' and acknowledged_at is not null and resolved_at is null)
        or (status = 'RESOLVED' and acknowledged_at is not null and resolved_at is not null and outcome is not null)),
      constraint escalation_report_new_case check ((outcome = 'NEW_CASE_REGISTERED') = (new_case_id is not null))
    );`);
    this.addSql('create index escalation_report_case_id_index on escalation_report (case_id);');
    this.addSql('create index escalation_report_inbox on escalation_report (target_agency_id, status, id);');

    // Safe retries: one row per (user, client key); see src/modules/followup/idempotency.ts.
    this.addSql(`create table idempotency_key (
      user_id text not null,
      key varchar(100) not null,
      operation varchar(100) not null,
      input_hash char(64) not null,
      result_type varchar(50) not null,
      result_id int null,
      created_at timestamptz not null default now(),
      primary key (user_id, key)
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop table if exists idempotency_key, escalation_report, tracking_record, return_visit, archive_document_version, archive_document, termination_archive, stored_file cascade;',
    );
    this.addSql('drop function if exists archive_document_version_refuse_change();');
    this.addSql(
      'drop type if exists escalation_outcome, escalation_status, escalation_kind, risk_level, visit_method, archive_item_kind;',
    );
    this.addSql('drop index if exists petition_case_related_case_id_index;');
    this.addSql('alter table petition_case drop column if exists related_case_id;');
  }
}
