import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { Unit, UnitKind } from '../../modules/org/unit.entity';
import { UnitService } from '../../modules/org/unit.service';
import type { Actor } from '../../auth/actor';
import { AuditService } from '../../modules/audit/audit.service';

/** Demo unit tree; codes shared with shared/data/dup-dev so its import lands in the same tree. */
export const DEMO_UNITS: { code: string; name: string; kind: UnitKind; parentCode: string | null }[] = [
  { code: 'ZJ', name: '浙江省信访局', kind: UnitKind.PETITION_AGENCY, parentCode: null },
  { code: 'ZJ-HZ', name: '杭州市信访局', kind: UnitKind.PETITION_AGENCY, parentCode: 'ZJ' },
  { code: 'ZJ-HZ-ZJ', name: '杭州市住房和城乡建设局', kind: UnitKind.DEPARTMENT, parentCode: 'ZJ-HZ' },
  { code: 'ZJ-HZ-RS', name: '杭州市人力资源和社会保障局', kind: UnitKind.DEPARTMENT, parentCode: 'ZJ-HZ' },
  { code: 'ZJ-HZ-SCJG', name: '杭州市市场监督管理局', kind: UnitKind.DEPARTMENT, parentCode: 'ZJ-HZ' },
  { code: 'ZJ-WZ', name: '温州市信访局', kind: UnitKind.PETITION_AGENCY, parentCode: 'ZJ' },
  { code: 'ZJ-WZ-MZ', name: '温州市民政局', kind: UnitKind.DEPARTMENT, parentCode: 'ZJ-WZ' },
  { code: 'ZJ-WZ-OH', name: '温州市瓯海区信访局', kind: UnitKind.PETITION_AGENCY, parentCode: 'ZJ-WZ' },
  {
    code: 'ZJ-WZ-OH-ZJ',
    name: '温州市瓯海区住房和城乡建设局',
    kind: UnitKind.DEPARTMENT,
    parentCode: 'ZJ-WZ-OH',
  },
];

/** Who to be in the demo: `npm run token -- --role ROLE --unit CODE`. */
export const DEMO_USERS = [
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-ZJ', who: '杭州市住建局经办人员' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-HZ', who: '杭州市信访局审核人员' },
  { role: 'DEPARTMENT_STAFF', unit: 'ZJ-HZ-RS', who: '杭州市人社局工作人员' },
  { role: 'SUPERVISOR', unit: 'ZJ', who: '省信访局监督检查人员' },
  { role: 'ADMIN', unit: 'ZJ', who: '系统管理员' },
] as const;

const seedActor = (root: Unit | null): Actor => ({
  userId: 'system:seed',
  name: '演示数据',
  role: 'ADMIN',
  unitId: root?.id ?? 0,
  unitCode: root?.code ?? 'ZJ',
  unitKind: UnitKind.PETITION_AGENCY,
  unitPath: root?.path ?? '',
});

/** Loads the demo data; running it twice changes nothing (everything is keyed by code). */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    const units = new UnitService(em, new AuditService(em, () => new Date()));
    for (const u of DEMO_UNITS) {
      if (await units.byCode(u.code)) continue;
      await units.create(seedActor(await units.byCode('ZJ')), u);
    }
  }
}
