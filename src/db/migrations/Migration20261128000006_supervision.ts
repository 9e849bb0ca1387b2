import { Migration } from '@mikro-orm/migrations';

/**
 * Supervision (issue 6, DESIGN.md §2.4): inspections with findings and rectification orders,
 * staff accountability, public feedback about the follow-up work.
 *
 * The state of each record is guarded twice: the services refuse an out-of-order transition with
 * CONFLICT, and a check constraint refuses a row whose columns do not match its status. The
 * feedback submitter's name and phone are sealed in the application (`*_enc`, AES-256-GCM).
 * Accountability records are append-only (a trigger refuses UPDATE and DELETE).
 */
export class Migration20261128000006_supervision extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type inspection_status as enum ('IN_PROGRESS', 'CONCLUDED');`);
    this.addSql(`create table inspection (
      id serial primary key,
      title varchar(200) not null,
      scope_unit_id int not null references unit(id) on delete restrict,
      organizing_unit_id int not null references unit(id) on delete restrict,
      period_from date not null,
      period_to date not null,
      inspectors jsonb not null,
      status inspection_status not null default 'IN_PROGRESS',
      created_by_user_id text not null,
      created_by varchar(200) not null,
      created_at timestamptz not null default now(),
      conclusion text null,
      concluded_by varchar(200) null,
      concluded_by_user_id text null,
      concluded_at timestamptz null,
      version int not null default 1,
      constraint inspection_period check (period_from <= period_to),
      constraint inspection_inspectors check (jsonb_typeof(inspectors) = 'array' and jsonb_array_length(inspectors) between 1 and 20),
      constraint inspection_concluded check (
        (status = 'IN_PROGRESS' and concluded_at is null and conclusion is null)
        or (status = 'CONCLUDED' and concluded_at is not null and conclusion is not null))
    );`);
    this.addSql('create index inspection_scope_unit_id_index on inspection (scope_unit_id);');
    this.addSql('create index inspection_organizing_unit_id_index on inspection (organizing_unit_id);');

    this.addSql(
      `create type finding_target_kind as enum ('CASE', 'ARCHIVE', 'RETURN_VISIT', 'TRACKING_RECORD', 'ESCALATION_REPORT');`,
    );
    this.addSql(`create type finding_problem as enum ('OVERDUE_VISIT', 'INCOMPLETE_ARCHIVE', 'STALE_TRACKING',
      'ESCALATION_DELAY', 'INACCURATE_RECORD', 'OTHER');`);
    this.addSql(`create table inspection_finding (
      id serial primary key,
      inspection_id int not null references inspection(id) on delete restrict,
      target_kind finding_target_kind not null,
      target_id int not null,
      case_id int not null references petition_case(id) on delete restrict,
      unit_id int not null references unit(id) on delete restrict,
      problem finding_problem not null,
      description text not null,
      recorded_by_user_id text not null,
      recorded_by varchar(200) not null,
      recorded_at timestamptz not null default now()
    );`);
    this.addSql(
      'create index inspection_finding_inspection_id_index on inspection_finding (inspection_id, id);',
    );
    this.addSql('create index inspection_finding_case_id_index on inspection_finding (case_id);');
    this.addSql('create index inspection_finding_unit_id_index on inspection_finding (unit_id);');

    this.addSql(`create type rectification_status as enum ('ISSUED', 'COMPLETED', 'VERIFIED', 'REJECTED');`);
    this.addSql(`create table rectification_order (
      id serial primary key,
      finding_id int not null references inspection_finding(id) on delete restrict,
      inspection_id int not null references inspection(id) on delete restrict,
      responsible_unit_id int not null references unit(id) on delete restrict,
      requirement text not null,
      deadline date not null,
      status rectification_status not null default 'ISSUED',
      reissue_of_id int null unique references rectification_order(id) on delete restrict,
      issued_by_user_id text not null,
      issued_by varchar(200) not null,
      issued_at timestamptz not null,
      issued_on date not null,
      completion_report text null,
      completed_on date null,
      completed_by varchar(200) null,
      completed_by_user_id text null,
      completed_at timestamptz null,
      verification_opinion text null,
      verified_by varchar(200) null,
      verified_by_user_id text null,
      verified_at timestamptz null,
      version int not null default 1,
      constraint rectification_order_deadline check (deadline >= issued_on),
      constraint rectification_order_steps check (
        (status = 'ISSUED' and completed_at is null and verified_at is null)
        or (status = 'COMPLETED' and completed_at is not null and completion_report is not null
            and completed_on is not null and verified_at is null)
        or (status in ('VERIFIED', 'REJECTED') and completed_at is not null and verified_at is not null
            and verification_opinion is not null))
    );`);
    this.addSql('create index rectification_order_finding_id_index on rectification_order (finding_id, id);');
    this.addSql(
      'create index rectification_order_unit_index on rectification_order (responsible_unit_id, status, deadline);',
    );
    this.addSql(
      `create index rectification_order_overdue_index on rectification_order (deadline, id) where status = 'ISSUED';`,
    );

    this.addSql(
      `create type misconduct as enum ('PERFUNCTORY', 'BUCK_PASSING', 'FALSIFICATION', 'PERSONAL_DATA_LEAK');`,
    );
    this.addSql(`create type accountability_measure as enum ('CRITICISM_EDUCATION', 'WRITTEN_SELF_CRITICISM',
      'PUBLIC_CRITICISM', 'ADMONITION_TALK', 'DISCIPLINARY_SANCTION', 'TRANSFER_TO_JUDICIARY');`);
    this.addSql(`create table accountability_record (
      id serial primary key,
      finding_id int not null references inspection_finding(id) on delete restrict,
      staff_name varchar(200) not null,
      staff_user_id text null,
      staff_unit_id int not null references unit(id) on delete restrict,
      misconduct misconduct not null,
      measure accountability_measure not null,
      facts text not null,
      decided_on date not null,
      decision_ref varchar(100) null,
      recorded_by_user_id text not null,
      recorded_by varchar(200) not null,
      recorded_at timestamptz not null default now()
    );`);
    this.addSql('create index accountability_record_finding_id_index on accountability_record (finding_id);');
    this.addSql(
      'create index accountability_record_staff_unit_index on accountability_record (staff_unit_id, decided_on);',
    );
    this.addSql(`create function accountability_record_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '责任追究记录只能新增，不能修改或删除 (accountability_record is append-only: % refused)', tg_op
          using errcode = 'insufficient_privilege';
      end;
    $$;`);
    this.addSql(`create trigger accountability_record_append_only
      before update or delete on accountability_record
      for each row execute function accountability_record_refuse_change();`);

    this.addSql(`create type feedback_channel as enum ('PHONE', 'LETTER', 'VISIT', 'ONLINE', 'OTHER');`);
    this.addSql(`create type feedback_status as enum ('RECEIVED', 'ASSIGNED', 'ANSWERED', 'CLOSED');`);
    this.addSql(
      `create type feedback_satisfaction as enum ('SATISFIED', 'BASICALLY_SATISFIED', 'DISSATISFIED', 'UNKNOWN');`,
    );
    this.addSql(`create table public_feedback (
      id serial primary key,
      received_on date not null,
      channel feedback_channel not null,
      source_ref varchar(100) null,
      submitter_name_enc text null,
      submitter_phone_enc text null,
      content text not null,
      concerned_unit_id int not null references unit(id) on delete restrict,
      case_id int null references petition_case(id) on delete restrict,
      recording_unit_id int not null references unit(id) on delete restrict,
      recorded_by_user_id text not null,
      recorded_by varchar(200) not null,
      recorded_at timestamptz not null,
      status feedback_status not null default 'RECEIVED',
      assigned_unit_id int null references unit(id) on delete restrict,
      assigned_by varchar(200) null,
      assigned_by_user_id text null,
      assigned_at timestamptz null,
      assignment_note text null,
      answer text null,
      answered_by varchar(200) null,
      answered_by_user_id text null,
      answered_at timestamptz null,
      closing_note text null,
      satisfaction feedback_satisfaction null,
      closed_by varchar(200) null,
      closed_by_user_id text null,
      closed_at timestamptz null,
      version int not null default 1,
      constraint public_feedback_steps check (
        (status = 'RECEIVED' and assigned_at is null and answered_at is null and closed_at is null)
        or (status = 'ASSIGNED' and assigned_unit_id is not null and assigned_at is not null
            and answered_at is null and closed_at is null)
        or (status = 'ANSWERED' and assigned_at is not null and answer is not null and answered_at is not null
            and closed_at is null)
        or (status = 'CLOSED' and answered_at is not null and closed_at is not null))
    );`);
    this.addSql(
      'create index public_feedback_concerned_unit_index on public_feedback (concerned_unit_id, received_on);',
    );
    this.addSql(
      'create index public_feedback_assigned_unit_index on public_feedback (assigned_unit_id, status);',
    );
    this.addSql('create index public_feedback_recording_unit_index on public_feedback (recording_unit_id);');

    // Open escalations by age (inspection query): the follow-up table, read only, indexed here.
    this.addSql(
      `create index escalation_report_open_by_age on escalation_report (reported_at, id) where status <> 'RESOLVED';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists escalation_report_open_by_age;');
    this.addSql(
      'drop table if exists public_feedback, accountability_record, rectification_order, inspection_finding, inspection cascade;',
    );
    this.addSql('drop function if exists accountability_record_refuse_change();');
    this.addSql(
      'drop type if exists feedback_satisfaction, feedback_status, feedback_channel, accountability_measure, misconduct, rectification_status, finding_problem, finding_target_kind, inspection_status;',
    );
  }
}
