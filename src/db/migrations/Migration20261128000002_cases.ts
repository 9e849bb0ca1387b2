import { Migration } from '@mikro-orm/migrations';

/** Petitioners (identity), cases with the petitioner's sealed data as registered, steps, termination. */
export class Migration20261128000002_cases extends Migration {
  override async up(): Promise<void> {
    // One row per person (by the ID number's blind index); the personal data is kept on each
    // case as registered there (petition_case.petitioner_*), sealed.
    this.addSql(`create table petitioner (
      id serial primary key,
      id_number_bidx varchar(64) not null unique,
      created_at timestamptz not null default now()
    );`);

    this.addSql(
      `create type case_status as enum ('IN_PROGRESS', 'TERMINATION_APPLIED', 'TERMINATION_APPROVED', 'TERMINATED');`,
    );
    this.addSql(`create table petition_case (
      id serial primary key,
      external_ref varchar(64) null unique,
      petitioner_id int not null references petitioner(id) on delete restrict,
      petitioner_name_enc text not null,
      petitioner_id_number_enc text not null,
      petitioner_phone_enc text null,
      petitioner_address_enc text null,
      petitioner_phone_bidx varchar(64) null,
      petitioner_name_phone_bidx varchar(64) null,
      petitioner_key_id varchar(32) not null,
      handling_unit_id int not null references unit(id) on delete restrict,
      category varchar(40) not null,
      title varchar(200) not null,
      facts_and_reasons text not null,
      requests text not null,
      status case_status not null default 'IN_PROGRESS',
      review_requested_at date null,
      re_review_requested_at date null,
      repeat_submitted_at date null,
      repeat_submission_note text null,
      good_reason text null,
      good_reason_at date null,
      handling_extended boolean not null default false,
      terminated_at date null,
      version int not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );`);
    this.addSql('create index petition_case_petitioner_id_index on petition_case (petitioner_id);');
    this.addSql(
      'create index petition_case_name_phone_bidx_index on petition_case (petitioner_name_phone_bidx);',
    );
    this.addSql('create index petition_case_phone_bidx_index on petition_case (petitioner_phone_bidx);');
    this.addSql('create index petition_case_key_id_index on petition_case (petitioner_key_id);');
    this.addSql('create index petition_case_handling_unit_id_index on petition_case (handling_unit_id);');
    this.addSql('create index petition_case_status_index on petition_case (status);');

    this.addSql(`create type case_step_kind as enum ('ACCEPTANCE', 'HANDLING', 'REVIEW', 'RE_REVIEW');`);
    this.addSql(`create table case_step (
      id serial primary key,
      case_id int not null references petition_case(id) on delete cascade,
      kind case_step_kind not null,
      opinion text not null,
      decided_at date not null,
      delivered_at date null,
      recorded_by varchar(200) not null,
      created_at timestamptz not null default now(),
      unique (case_id, kind)
    );`);

    this.addSql(
      `create type termination_condition as enum ('REPEAT_AFTER_RE_REVIEW', 'NO_NEW_REQUEST_IN_TIME');`,
    );
    this.addSql(`create type application_status as enum ('PENDING', 'APPROVED', 'RETURNED');`);
    this.addSql(`create table termination_application (
      id serial primary key,
      case_id int not null references petition_case(id) on delete cascade,
      condition termination_condition not null,
      statement text not null,
      status application_status not null default 'PENDING',
      applied_by varchar(200) not null,
      applied_at timestamptz not null,
      examining_unit_id int not null references unit(id) on delete restrict,
      examined_by varchar(200) null,
      examined_at timestamptz null,
      return_reasons text null,
      decision_number varchar(100) null,
      decided_at date null,
      notified_at date null,
      delivery_method varchar(20) null,
      notification_explanation text null,
      notified_by varchar(200) null,
      version int not null default 1,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index termination_application_case_id_index on termination_application (case_id);');
    // Numbers are issued per agency and year; two agencies may use the same wording.
    this.addSql(
      `create unique index termination_application_decision_number_unique on termination_application (examining_unit_id, decision_number) where decision_number is not null;`,
    );
    this.addSql(
      'create index termination_application_examining_index on termination_application (examining_unit_id, status);',
    );
    // At most one live (pending or approved-not-yet-notified) application per case.
    this.addSql(
      `create unique index termination_application_one_pending on termination_application (case_id) where status = 'PENDING';`,
    );

    // Gap-free decision numbers per agency and year: the counter row is locked by the approving
    // transaction, so a rolled-back approval gives its number back.
    this.addSql(`create table decision_number_counter (
      agency_unit_id int not null references unit(id) on delete restrict,
      year int not null,
      last_n int not null,
      primary key (agency_unit_id, year)
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop table if exists decision_number_counter, termination_application, case_step, petition_case, petitioner cascade;',
    );
    this.addSql(
      'drop type if exists application_status, termination_condition, case_step_kind, case_status;',
    );
  }
}
