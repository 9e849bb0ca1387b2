import { Migration } from '@mikro-orm/migrations';

/**
 * The duplicate check's allowances move into `usage_window` (issue 12, the ID oracle): one counter
 * mechanism for requests, reveals and checks. `members` makes a window count distinct values
 * (the identities one user checked against one content, or in one day) instead of spends; it holds
 * keyed blind indexes only, at most `cap` of them. `usage_spend` spends several windows all or
 * nothing in one statement: it locks every row in the order given, and changes them only if each
 * has room, so a refusal leaves every window as it was and the locks last one statement.
 */
export class Migration20261203110001_dup_oracle extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table usage_window add column members text[];');
    this.addSql('drop table if exists duplicate_check_allowance;');
    this.addSql(`create function usage_spend(p_users text[], p_kinds text[], p_starts timestamptz[],
        p_amount int, p_caps int[], p_members text[])
      returns table (k text, n int) language plpgsql volatile as $$
      declare
        cnt int := cardinality(p_kinds);
        nexts int[] := array_fill(0, array[cnt]);
        adds boolean[] := array_fill(false, array[cnt]);
        w usage_window%rowtype;
        fresh boolean;
        v int;
      begin
        for i in 1..cnt loop
          insert into usage_window as u (user_id, kind, window_start, used, cap, members)
            values (p_users[i], p_kinds[i], p_starts[i], 0, p_caps[i], null)
            on conflict (user_id, kind) do nothing;
          select * into w from usage_window u where u.user_id = p_users[i] and u.kind = p_kinds[i] for update;
          fresh := p_starts[i] > w.window_start;
          if p_members[i] is null then
            v := case when fresh then p_amount else w.used + p_amount end;
          elsif fresh or not coalesce(p_members[i] = any(w.members), false) then
            v := case when fresh then 1 else w.used + 1 end;
            adds[i] := true;
          else
            v := w.used;
          end if;
          if v > p_caps[i] then
            -- refused: nothing changed (a row created just now holds 0)
            k := p_kinds[i]; n := -1; return next; return;
          end if;
          nexts[i] := v;
        end loop;
        for i in 1..cnt loop
          update usage_window u set
              members = case when p_members[i] is null then null
                when p_starts[i] > u.window_start then array[p_members[i]]
                when adds[i] then coalesce(u.members, '{}') || p_members[i]
                else u.members end,
              window_start = greatest(u.window_start, p_starts[i]),
              used = nexts[i], cap = p_caps[i]
            where u.user_id = p_users[i] and u.kind = p_kinds[i];
          k := p_kinds[i]; n := nexts[i]; return next;
        end loop;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists usage_spend(text[], text[], timestamptz[], int, text[], text[]);');
    this.addSql(`create table duplicate_check_allowance (
      user_id text primary key,
      hour_start timestamptz not null,
      hour_n int not null,
      day_start timestamptz not null,
      day_n int not null
    );`);
    this.addSql('alter table usage_window drop column if exists members;');
  }
}
