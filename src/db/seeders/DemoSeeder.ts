import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { UnitKind } from '../../modules/org/unit.entity';
import { UnitService } from '../../modules/org/unit.service';
import type { Actor } from '../../auth/actor';
import type { Role } from '../../access/roles';
import { AuditService } from '../../modules/audit/audit.service';
import { PetitionCase } from '../../modules/case/case.entity';
import { Category, DeliveryMethod, StepKind, TerminationCondition } from '../../modules/case/case.enums';
import { createServices } from '../../services';
import type { Deps } from '../../shared/deps';
import { seedDemoHistory } from './DemoHistory';
import { demoActor, demoIdNumber } from './demo';
import { addDays, todayInChina } from '../../shared/dates';

/** Demo unit tree; codes shared with test/fixtures/dup-dev so its import lands in the same tree. */
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
/**
 * Creates the demo units that do not exist yet, through the real UnitService, as an administrator
 * of the whole tree (`who`, recorded as such in the audit log): the seeder, the tests and the
 * benchmarks load the tree this way.
 */
export async function createDemoUnits(
  em: EntityManager,
  who: { userId: string; name: string },
): Promise<void> {
  const units = new UnitService(em, new AuditService(em, () => new Date()));
  const root = await units.byCode('ZJ');
  const admin: Actor = {
    ...who,
    role: 'ADMIN',
    unitId: root?.id ?? 0,
    unitCode: 'ZJ',
    unitKind: UnitKind.PETITION_AGENCY,
    unitPath: root?.path ?? '',
  };
  for (const u of DEMO_UNITS) if (!(await units.byCode(u.code))) await units.create(admin, u);
}

export const DEMO_USERS: readonly { role: Role; unit: string; who: string }[] = [
  { role: 'CASE_OFFICER', unit: 'ZJ-HZ-ZJ', who: '杭州市住建局经办人员' },
  { role: 'AGENCY_REVIEWER', unit: 'ZJ-HZ', who: '杭州市信访局审核人员' },
  { role: 'DEPARTMENT_STAFF', unit: 'ZJ-HZ-RS', who: '杭州市人社局工作人员' },
  { role: 'SUPERVISOR', unit: 'ZJ', who: '省信访局监督检查人员' },
  { role: 'ADMIN', unit: 'ZJ', who: '系统管理员' },
];

/**
 * The demo cases, one at each stage; `stage` says how far the seeder walks it, `accepted` how many
 * days before the seed it was accepted (the later steps keep their distances from that day):
 * DEMO-01 is past its handling period, DEMO-02 within the period for a review request, DEMO-03
 * past the period for a re-review request (ready for a NO_NEW_REQUEST_IN_TIME application).
 */
const DEMO_CASES = [
  {
    ref: 'DEMO-01',
    stage: 'ACCEPTED',
    accepted: 75,
    name: '沈建平',
    birth: '19680523',
    title: '反映小区电梯长期故障无人维修',
  },
  {
    ref: 'DEMO-02',
    stage: 'HANDLED',
    accepted: 62,
    name: '陆美华',
    birth: '19750911',
    title: '反映物业擅自占用公共绿地建停车位',
  },
  {
    ref: 'DEMO-03',
    stage: 'REVIEWED',
    accepted: 132,
    name: '钱志强',
    birth: '19590302',
    title: '反映老旧小区加装电梯补贴未发放',
  },
  {
    ref: 'DEMO-04',
    stage: 'APPLIED',
    accepted: 300,
    name: '孙丽娟',
    birth: '19820117',
    title: '反映商品房延期交付违约金问题',
  },
  {
    ref: 'DEMO-05',
    stage: 'APPROVED',
    accepted: 300,
    name: '周海涛',
    birth: '19710728',
    title: '反映公租房资格被取消',
  },
  {
    ref: 'DEMO-06',
    stage: 'TERMINATED',
    accepted: 300,
    name: '吴秀英',
    birth: '19630415',
    title: '反映拆迁安置房面积缩水',
  },
] as const;

/**
 * Loads the demo data: units; a year of follow-up history on cases terminated in the past
 * (DemoHistory.ts: visits, tracking, escalations, archives, an inspection with rectification and
 * accountability, public feedback); and cases at every stage of the procedure handled by
 * 杭州市住建局 and examined by 杭州市信访局. Running it twice changes nothing (units are keyed by
 * code, cases by their DEMO-nn reference, the history by its first case).
 */
export class DemoSeeder extends Seeder {
  constructor(private readonly deps?: Deps) {
    super();
  }

  async run(em: EntityManager): Promise<void> {
    await createDemoUnits(em, { userId: 'system:seed', name: '演示数据' });
    if (!this.deps) return;
    await seedDemoHistory(em, this.deps);
    await this.seedCases(em, this.deps);
  }

  private async seedCases(em: EntityManager, deps: Deps) {
    const s = createServices(em, deps);
    const officer = demoActor((await s.units.byCode('ZJ-HZ-ZJ'))!, 'CASE_OFFICER', '演示经办人员');
    const reviewer = demoActor((await s.units.byCode('ZJ-HZ'))!, 'AGENCY_REVIEWER', '演示审核人员');
    const today = todayInChina(deps.now());
    const order = ['ACCEPTED', 'HANDLED', 'REVIEWED', 'APPLIED', 'APPROVED', 'TERMINATED'];
    for (const [i, d] of DEMO_CASES.entries()) {
      if (await em.findOne(PetitionCase, { externalRef: d.ref })) continue;
      // n days before the seed on the timeline of a case accepted 300 days before it
      const day = (n: number) => addDays(today, 300 - n - d.accepted);
      const reached = (stage: string) => order.indexOf(d.stage) >= order.indexOf(stage);
      const c = await s.cases.register(officer, {
        petitioner: {
          name: d.name,
          idNumber: demoIdNumber(d.birth, i),
          phone: `1380571${String(1000 + i * 7).padStart(4, '0')}`,
          address: `浙江省杭州市西湖区文三路${100 + i}号${i + 1}幢${i + 2}01室`,
        },
        category: Category.URBAN_CONSTRUCTION_HOUSING,
        title: d.title,
        factsAndReasons: `信访人${d.title.replace('反映', '')}，多次向社区和有关部门反映，认为处理结果不公，提出诉求。`,
        requests: '要求有关部门依法依规处理并答复',
        acceptedAt: day(300),
        acceptanceOpinion: '属于本机关职责范围，予以受理',
        acceptanceDeliveredAt: day(298),
      });
      c.externalRef = d.ref;
      await em.flush();
      const step = (kind: StepKind, decided: number, delivered: number) =>
        s.cases.recordStep(officer, c.id, kind, {
          opinion: `${d.title}：经调查核实，依据有关规定作出答复意见。`,
          decidedAt: day(decided),
          deliveredAt: day(delivered),
        });
      if (!reached('HANDLED')) continue;
      await step(StepKind.HANDLING, 250, 248);
      if (!reached('REVIEWED')) continue;
      await s.cases.recordRequest(officer, c.id, StepKind.REVIEW, day(240));
      await step(StepKind.REVIEW, 215, 213);
      if (!reached('APPLIED')) continue;
      const app = await s.termination.apply(
        officer,
        c.id,
        TerminationCondition.NO_NEW_REQUEST_IN_TIME,
        '复查意见送达后三十日内信访人未提出复核请求，亦无正当理由，申请终结。',
      );
      if (!reached('APPROVED')) continue;
      await s.termination.approve(reviewer, app.id);
      if (!reached('TERMINATED')) continue;
      await s.termination.notify(officer, c.id, {
        notifiedAt: today,
        deliveryMethod: DeliveryMethod.IN_PERSON,
        explanation: '已当面送达信访事项终结告知书，并解释终结后不再受理同一事实和理由的信访。',
      });
    }
  }
}
