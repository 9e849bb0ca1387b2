/**
 * Generates a synthetic, valid import file (DESIGN.md §4 format) for benchmarks.
 *
 *   node -r @swc-node/register scripts/gen-import.ts [N=100000] [--out FILE] [--seed S]
 *
 * Everything is fictitious and deterministic for a given seed: a unit tree of 232 units
 * (code prefix GEN, disjoint from the demo and dup-dev codes), N cases of which about 80 % are
 * terminated, ID numbers that pass the GB 11643 check (about 15 % of cases come from a petitioner
 * seen before, so petitioner upserts are exercised), dates in order and in the past, unique
 * decision numbers (`测信终字〔YEAR〕第N号`), the approving agency the nearest one above the
 * handling unit. Without --out the file goes to the temporary directory; its path is printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { idNumberCheckChar } from '../src/modules/petitioner/identity';
import { prng, type Rng } from './prng';

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => day(Date.parse(`${d}T00:00:00Z`) + n * DAY);

interface GenUnit {
  code: string;
  name: string;
  unitKind: 'PETITION_AGENCY' | 'DEPARTMENT';
  parentCode: string | null;
  /** nearest PETITION_AGENCY strictly above */
  agency: string | null;
}

const CITIES = ['甲州', '乙州', '丙州', '丁州', '戊州', '己州', '庚州', '辛州', '壬州', '癸州', '子州'];
const DEPTS = ['住房和城乡建设局', '人力资源和社会保障局', '市场监督管理局', '交通运输局', '民政局'];
const COUNTY_DEPTS = ['住房和城乡建设局', '农业农村局', '人力资源和社会保障局', '民政局'];

export function unitTree(): GenUnit[] {
  const units: GenUnit[] = [
    { code: 'GEN', name: '测试省信访局', unitKind: 'PETITION_AGENCY', parentCode: null, agency: null },
  ];
  CITIES.forEach((city, ci) => {
    const c = `GEN-C${String(ci + 1).padStart(2, '0')}`;
    units.push({
      code: c,
      name: `${city}市信访局`,
      unitKind: 'PETITION_AGENCY',
      parentCode: 'GEN',
      agency: 'GEN',
    });
    DEPTS.forEach((d, di) =>
      units.push({
        code: `${c}-D${di + 1}`,
        name: `${city}市${d}`,
        unitKind: 'DEPARTMENT',
        parentCode: c,
        agency: c,
      }),
    );
    for (let x = 1; x <= 3; x++) {
      const k = `${c}-X${x}`;
      units.push({
        code: k,
        name: `${city}市第${x}区信访局`,
        unitKind: 'PETITION_AGENCY',
        parentCode: c,
        agency: c,
      });
      COUNTY_DEPTS.forEach((d, di) =>
        units.push({
          code: `${k}-D${di + 1}`,
          name: `${city}市第${x}区${d}`,
          unitKind: 'DEPARTMENT',
          parentCode: k,
          agency: k,
        }),
      );
    }
  });
  return units;
}

const REGIONS = [
  '330102',
  '330105',
  '330106',
  '330108',
  '330302',
  '330303',
  '330304',
  '330402',
  '330502',
  '330602',
];
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强海燕德明国良晓梅美玉银香德彪';
const STREETS = [
  '文一路',
  '解放路',
  '中山路',
  '人民路',
  '建设路',
  '新华路',
  '学院路',
  '环城北路',
  '滨江大道',
  '沿河路',
];
const CATEGORIES = [
  'LAND_ACQUISITION_DEMOLITION',
  'LABOR_SOCIAL_SECURITY',
  'URBAN_CONSTRUCTION_HOUSING',
  'ENVIRONMENT',
  'HEALTHCARE',
  'EDUCATION',
  'RURAL_AGRICULTURE',
  'ENTERPRISE_RESTRUCTURING',
  'CIVIL_AFFAIRS',
  'MARKET_REGULATION',
  'TRANSPORT',
] as const;
const TOPICS = [
  [
    '房屋征收补偿',
    '评估机构仅按产权证面积计算补偿，加建部分只给予材料补助',
    '要求按合法面积重新评估并补足差价',
  ],
  [
    '拖欠工资',
    '公司停产后拖欠工人工资和经济补偿金，劳动监察部门未及时处理',
    '要求督促公司支付拖欠工资和经济补偿金',
  ],
  ['商品房质量', '房屋交付后外墙渗漏、地面开裂，开发商多次维修未果', '要求责令开发商彻底维修并赔偿损失'],
  ['噪声污染', '附近工地夜间施工噪声扰民，多次投诉后仍未停止', '要求依法查处夜间违规施工'],
  ['医疗纠纷', '在医院手术后出现并发症，医院拒绝承担责任', '要求组织医疗事故鉴定并依法赔偿'],
  ['土地流转费', '合作社连续多年拖欠土地流转费，负责人长期在外', '要求督促支付拖欠的流转费或收回土地'],
  ['养老保险', '企业改制时未为职工足额缴纳养老保险，退休待遇偏低', '要求补缴养老保险并重新核定待遇'],
  ['高龄津贴', '户口迁移后高龄津贴停发，两地互相推诿', '要求补发停发期间的津贴'],
  ['预付卡退费', '健身机构关门停业，预付卡余额无法退还', '要求督促经营者退还预付款'],
  ['道路损坏', '重型车辆长期碾压村道，路面坑槽严重并发生事故', '要求限制重型车辆通行并修复路面'],
] as const;

/** A valid ID number (GB 11643) with a birth date between 1940 and 2000. */
function idNumber(rng: Rng, serial: number): string {
  const birth = day(Date.UTC(1940, 0, 1) + rng.int(0, 60 * 365) * DAY).replace(/-/g, '');
  const first17 = `${rng.pick(REGIONS)}${birth}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

/** A synthetic petitioner, every field filled. */
export interface Person {
  name: string;
  idNumber: string;
  phone: string;
  address: string;
}

function person(rng: Rng, serial: number): Person {
  const g = rng.int(1, 2);
  let given = '';
  for (let i = 0; i < g; i++) given += GIVEN[rng.int(0, GIVEN.length - 1)];
  return {
    name: SURNAMES[rng.int(0, SURNAMES.length - 1)] + given,
    idNumber: idNumber(rng, serial),
    phone: `1${rng.pick(['3', '5', '8'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`,
    address: `测试省${rng.pick(CITIES)}市${rng.pick(STREETS)}${rng.int(1, 399)}号${rng.int(1, 30)}幢${rng.int(101, 2802)}室`,
  };
}

function caseLine(
  rng: Rng,
  i: number,
  units: GenUnit[],
  people: Person[],
  decisionN: Map<number, number>,
  today: string,
) {
  const handling = rng.pick(units.filter((u) => u.unitKind === 'DEPARTMENT'));
  const again = people.length > 100 && rng.next() < 0.15;
  const p = again ? rng.pick(people) : person(rng, i);
  if (!again) people.push(p);
  const [topic, fact, request] = rng.pick(TOPICS);
  const year = rng.int(2012, 2023);
  const amount = rng.int(2, 900) / 10;
  const accepted = day(Date.UTC(2015, 0, 1) + rng.int(0, 9 * 365) * DAY);
  const facts =
    `本人于${year}年${rng.int(1, 12)}月起反映${topic}问题。${fact}，涉及金额约${amount}万元。` +
    `本人先后${rng.int(2, 9)}次向${handling.name}及相关单位反映，对方答复称已按规定处理，但实际问题没有解决。` +
    `本人认为有关部门履职不到位，对群众合理诉求推诿扯皮，相关处理意见认定事实不清，依据不足。` +
    `事件编号${String.fromCharCode(65 + rng.int(0, 25))}${rng.int(1000, 9999)}，请求上级部门依法核查。`;
  const terminated = rng.next() < 0.8;
  const handled = addDays(accepted, rng.int(10, 60));
  const reviewed = addDays(handled, rng.int(20, 60));
  const reReviewed = addDays(reviewed, rng.int(20, 60));
  const line: Record<string, unknown> = {
    kind: 'case',
    externalRef: `GEN-${String(i + 1).padStart(7, '0')}`,
    handlingUnitCode: handling.code,
    petitioner: p,
    category: rng.pick(CATEGORIES),
    title: `反映${topic}问题`,
    factsAndReasons: facts,
    requests: `${request}，金额约${amount}万元。`,
    acceptedAt: accepted,
    handledAt: null,
    handlingOpinion: null,
    reviewedAt: null,
    reviewOpinion: null,
    reReviewedAt: null,
    reReviewOpinion: null,
  };
  let stages: number; // 0 accepted, 1 handled, 2 reviewed, 3 re-reviewed
  if (terminated) stages = rng.next() < 0.7 ? 3 : rng.int(2, 3);
  else stages = rng.int(0, 3);
  if (stages >= 1)
    Object.assign(line, {
      handledAt: handled,
      handlingOpinion: `经查，你反映的${topic}问题已依规处理，答复如下：相关诉求依据不足，不予支持。`,
    });
  if (stages >= 2)
    Object.assign(line, {
      reviewedAt: reviewed,
      reviewOpinion: '经复查，原处理意见认定事实清楚、适用依据正确，予以维持。',
    });
  if (stages >= 3)
    Object.assign(line, {
      reReviewedAt: reReviewed,
      reReviewOpinion: '经复核，复查意见事实清楚、处理适当，予以维持。',
    });
  if (terminated) {
    const last = stages >= 3 ? reReviewed : reviewed;
    let approved = addDays(last, rng.int(35, 400));
    if (approved > today) approved = addDays(last, 35);
    let notified = addDays(approved, rng.int(0, 15));
    if (notified > today) notified = approved;
    if (approved > today) {
      // too recent for a termination: leave it open
      return line;
    }
    const y = Number(approved.slice(0, 4));
    const n = (decisionN.get(y) ?? 0) + 1;
    decisionN.set(y, n);
    line.termination = {
      condition: stages >= 3 && rng.next() < 0.85 ? 'REPEAT_AFTER_RE_REVIEW' : 'NO_NEW_REQUEST_IN_TIME',
      decisionNumber: `测信终字〔${y}〕第${n}号`,
      approvedAt: approved,
      approvingUnitCode: handling.agency,
      notifiedAt: notified,
    };
  }
  return line;
}

/** Writes the file; returns counts. */
export async function generateImportFile(n: number, out: string, seed = 20241128) {
  const rng = prng(seed);
  const units = unitTree();
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const stream = fs.createWriteStream(out, { encoding: 'utf8' });
  const write = async (s: string) => {
    if (!stream.write(s)) await once(stream, 'drain');
  };
  for (const u of units)
    await write(
      JSON.stringify({
        kind: 'unit',
        code: u.code,
        name: u.name,
        unitKind: u.unitKind,
        parentCode: u.parentCode,
      }) + '\n',
    );
  const people: Person[] = [];
  const decisionN = new Map<number, number>();
  let terminated = 0;
  for (let i = 0; i < n; i++) {
    const line = caseLine(rng, i, units, people, decisionN, today);
    if (line.termination) terminated++;
    await write(JSON.stringify(line) + '\n');
  }
  stream.end();
  await once(stream, 'finish');
  return { units: units.length, cases: n, terminated, petitioners: people.length, file: out };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const out = opt('--out');
  const seed = opt('--seed');
  const n = args[0] ? Number(args[0]) : 100_000;
  if (!Number.isInteger(n) || n < 0) {
    console.error(
      '用法 (usage): node -r @swc-node/register scripts/gen-import.ts [N] [--out FILE] [--seed S]',
    );
    process.exit(2);
  }
  const file = path.resolve(out ?? path.join(os.tmpdir(), `hub-import-${n}.jsonl`));
  const started = Date.now();
  void generateImportFile(n, file, seed ? Number(seed) : undefined).then((r) => {
    const mb = (fs.statSync(file).size / 1024 / 1024).toFixed(1);
    console.log(
      `${r.file}: ${r.units} units, ${r.cases} cases (${r.terminated} terminated), ~${r.petitioners} petitioners, ${mb} MB, ${Date.now() - started} ms`,
    );
  });
}
