/**
 * Generates a held-out-style duplicate-check set in the dup-dev format (test/fixtures/dup-dev:
 * import.jsonl + queries.jsonl), from other units, people and matters than dup-dev: 江苏省
 * (苏州, 南京), other companies, estates, villages, figures. Deterministic for a seed.
 *
 *   node -r @swc-node/register scripts/dup-gen.ts [--out DIR] [--seed S]
 *
 * Default DIR is test/fixtures/dup-gen, default seed 20261203 (the committed set).
 *
 * Sixty terminated matters of ten kinds, each told formally in the case; the queries retell
 * them the way people talk at a petition window (other words, colloquial numbers and units
 * — 两万多, 一万二, 186个平方, 一平方1850, 九几年, 十来年 —, a dropped province/city/district
 * prefix, the short company name, 7栋1202 for 7幢1单元1202室, the request first, sentences
 * reordered or left out), and hard negatives: the same petitioner's next matter about the
 * same property with new facts after termination, a neighbour with the same complaint and
 * his own figures, the same petitioner's unrelated new matter, unrelated people.
 */
import fs from 'node:fs';
import path from 'node:path';
import { prng, type Rng } from './prng';
import type { Person } from './gen-import';
import { idNumberCheckChar } from '../src/modules/petitioner/identity';

// ---------------------------------------------------------------------------------------
// Ways of saying things
// ---------------------------------------------------------------------------------------

/** How one text is told: FORMAL for the case file, random for a retelling. */
interface Style {
  colloq: boolean;
  dropPrefix: boolean;
  shortOrg: boolean;
  shortRoom: boolean;
  requestFirst: boolean;
  shorter: boolean;
  reorder: boolean;
}
const FORMAL: Style = {
  colloq: false,
  dropPrefix: false,
  shortOrg: false,
  shortRoom: false,
  requestFirst: false,
  shorter: false,
  reorder: false,
};
function retellStyle(rng: Rng): Style {
  return {
    colloq: rng.next() < 0.8,
    dropPrefix: rng.next() < 0.7,
    shortOrg: rng.next() < 0.7,
    shortRoom: rng.next() < 0.5,
    requestFirst: rng.next() < 0.35,
    shorter: rng.next() < 0.5,
    reorder: rng.next() < 0.5,
  };
}

const CN = '零一二三四五六七八九';
/** 186 → 一百八十六, 12 → 十二, 2000 → 两千 (below 10 000). */
function cnSmall(n: number): string {
  if (n < 10) return CN[n];
  if (n < 20) return `十${n % 10 ? CN[n % 10] : ''}`;
  const parts: string[] = [];
  const units: Array<[number, string]> = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let rest = n;
  let zero = false;
  for (const [u, name] of units) {
    const d = Math.floor(rest / u);
    rest %= u;
    if (d) {
      if (zero) parts.push('零');
      parts.push((d === 2 && u >= 1000 ? '两' : CN[d]) + name);
      zero = false;
    } else if (parts.length) zero = true;
  }
  if (rest) parts.push((zero ? '零' : '') + CN[rest]);
  return parts.join('');
}
/** Colloquial money: 12000 → 一万二, 120000 → 十二万, 23600 → 两万三千六 / 2.36万. */
function cnMoney(v: number): string {
  if (v < 10000) return cnSmall(v);
  const wan = Math.floor(v / 10000);
  const rest = v % 10000;
  const head = wan === 2 ? '两' : cnSmall(wan);
  if (!rest) return `${head}万`;
  if (rest % 1000 === 0) return `${head}万${CN[rest / 1000]}`;
  return `${head}万${cnSmall(rest)}`;
}

function money(v: number, s: Style, rng: Rng): string {
  if (!s.colloq) return v >= 10000 && v % 100 === 0 ? `${v / 10000}万元` : `${v}元`;
  const forms = [`${v}块`, `${v}元`, cnMoney(v) + (rng.next() < 0.5 ? '块' : '')];
  if (v >= 10000 && v % 100 === 0) forms.push(`${v / 10000}万`);
  if (v >= 20000 && v % 10000 >= 1000) {
    const wan = Math.floor(v / 10000);
    forms.push(`${wan === 2 ? '两' : cnSmall(wan)}万多`);
  }
  return rng.pick(forms);
}
function area(v: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `${v}平方米`;
  return rng.pick([`${v}个平方`, `${v}平米`, `${v}㎡`, `${cnSmall(v)}个平方`, `${v}平`]);
}
function unitPrice(v: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `每平方米${v}元`;
  return rng.pick([`一平方${v}`, `一平${v}块`, `${v}块一个平方`, `每平米${v}`]);
}
function ym(y: number, m: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `${y}年${m}月`;
  return rng.pick([`${y}年${m}月`, `${y % 100}年${m}月`, `${y}年${m}月份`, `${y}年${cnSmall(m)}月`]);
}
function ymd(y: number, m: number, d: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `${y}年${m}月${d}日`;
  return rng.pick([`${y}年${m}月${d}号`, `${y}年${m}月${d}日`, `${y % 100}年${m}月${d}号`]);
}
function year(y: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `${y}年`;
  if (y >= 1990 && y <= 1999 && rng.next() < 0.6) return '九几年';
  if (y >= 1980 && y <= 1989 && rng.next() < 0.6) return '八几年';
  return `${y}年`;
}
function years(n: number, s: Style, rng: Rng): string {
  if (!s.colloq) return `${n}年`;
  if (n >= 10 && n <= 12) return rng.pick(['十来年', '十多年', `${n}年`]);
  if (n > 12) return `${cnSmall(Math.floor(n / 10) * 10)}多年`;
  return `${cnSmall(n)}年`;
}
function count(n: number, s: Style, rng: Rng): string {
  return s.colloq ? rng.pick([`${cnSmall(n)}次`, `${n}次`, `${cnSmall(n)}回`]) : `${cnSmall(n)}次`;
}

interface Place {
  province: string;
  city: string;
  district: string;
  town: string;
}
function place(p: Place, s: Style, rng: Rng): string {
  if (!s.dropPrefix) return `${p.province}${p.city}${p.district}${p.town}`;
  return rng.pick([`${p.district}${p.town}`, p.town, '']);
}
interface Room {
  building: number;
  unit: number;
  room: number;
}
function room(r: Room, s: Style, rng: Rng): string {
  if (!s.shortRoom) return `${r.building}幢${r.unit}单元${r.room}室`;
  return rng.pick([`${r.building}栋${r.room}`, `${r.building}号楼${r.room}`, `${r.building}幢${r.room}室`]);
}
interface Org {
  city: string;
  stem: string;
  trade: string;
}
function org(o: Org, s: Style, rng: Rng): string {
  if (!s.shortOrg) return `${o.city}${o.stem}${o.trade}有限公司`;
  return rng.pick([`${o.stem}${o.trade}`, `${o.stem}公司`, `${o.stem}${o.trade}公司`]);
}

// ---------------------------------------------------------------------------------------
// Matters
// ---------------------------------------------------------------------------------------

interface Sentence {
  text: string;
  request?: boolean;
  /** may be left out of a shorter retelling */
  optional?: boolean;
}
interface Matter {
  kind: string;
  category: string;
  unitCode: string;
  title: string;
  /** the sentences of the matter told in a style */
  tell(s: Style, rng: Rng): Sentence[];
  /** the same person's next matter about the same property, with new facts after `after` */
  next(rng: Rng, after: { y: number; m: number }): string;
  /** a neighbour's version of the same complaint with his own figures */
  neighbour(rng: Rng): Matter;
}

const SU: Place[] = [
  { province: '江苏省', city: '苏州市', district: '吴中区', town: '木渎镇' },
  { province: '江苏省', city: '苏州市', district: '相城区', town: '黄埭镇' },
  { province: '江苏省', city: '苏州市', district: '姑苏区', town: '金阊街道' },
  { province: '江苏省', city: '南京市', district: '江宁区', town: '秣陵街道' },
  { province: '江苏省', city: '南京市', district: '浦口区', town: '桥林街道' },
  { province: '江苏省', city: '南京市', district: '栖霞区', town: '仙林街道' },
];
const STEMS = [
  '恒川',
  '万锦',
  '华茂',
  '瑞和',
  '金科隆',
  '德诚',
  '嘉禾源',
  '宏泰',
  '盛世达',
  '鑫源',
  '通和',
  '锦程',
  '同泰',
  '永昌',
  '天禾',
  '润达',
  '凯信',
  '博远',
  '佳兴',
  '荣盛源',
];
const ESTATES = [
  '金枫苑',
  '翡翠湾',
  '香樟园',
  '御景华府',
  '湖滨雅居',
  '枫林晚苑',
  '新城丽景',
  '玉兰花园',
  '春江名邸',
  '云栖府',
];
const VILLAGES = ['东山村', '横泾村', '藏书村', '新泾村', '长泾村', '石湖村', '凤凰村', '陆墓村'];
const HOSPITALS = ['吴中人民医院', '相城中医医院', '江宁第二人民医院', '浦口区中心医院', '栖霞区妇幼保健院'];
const SHOPS = ['悦动健身', '乐学英语', '美肌汇美容', '星海游泳馆', '童画美术', '聚力拳馆'];

/** Unit codes of the set (see units()). */
const UNIT_OF_KIND: Record<string, string> = {
  leak: 'JS-SZ-ZJ',
  demolition: 'JS-SZ-WZ-ZJ',
  wages: 'JS-SZ-RS',
  prepaid: 'JS-NJ-SCJG',
  pension: 'JS-NJ-RS',
  land: 'JS-SZ-WZ-NY',
  medical: 'JS-NJ-WJ',
  parking: 'JS-SZ-ZJ',
  noise: 'JS-NJ-HB',
  car: 'JS-NJ-SCJG',
};

function shift(y: number, m: number, months: number): { y: number; m: number } {
  const t = y * 12 + (m - 1) + months;
  return { y: Math.floor(t / 12), m: (t % 12) + 1 };
}

/** Draws without replacement from a pool; falls back to a numbered name when it runs out. */
function drawer<T>(rng: Rng, pool: readonly T[]) {
  const left = [...pool];
  return (): T => {
    if (!left.length) left.push(...pool);
    return left.splice(rng.int(0, left.length - 1), 1)[0];
  };
}

interface Pools {
  stem: () => string;
  estate: () => string;
  village: () => string;
  hospital: () => string;
  shop: () => string;
  place: () => Place;
}

function leak(
  rng: Rng,
  P: Pools,
  base?: { o: Org; estate: string; pl: Place; deliver: { y: number; m: number } },
) {
  const pl = base?.pl ?? P.place();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '置业' };
  const estate = base?.estate ?? P.estate();
  const r: Room = {
    building: rng.int(1, 18),
    unit: rng.int(1, 3),
    room: rng.int(2, 26) * 100 + rng.int(1, 4),
  };
  const buy = { y: rng.int(2017, 2020), m: rng.int(1, 12) };
  const deliver = base?.deliver ?? shift(buy.y, buy.m, rng.int(12, 30));
  const price = rng.int(180, 520);
  const sqm = rng.int(78, 160);
  const times = rng.int(3, 9);
  const loss = rng.int(12, 68) * 1000;
  const rainy = shift(deliver.y, deliver.m, rng.int(4, 10));
  const m: Matter = {
    kind: 'leak',
    category: 'URBAN_CONSTRUCTION_HOUSING',
    unitCode: UNIT_OF_KIND.leak,
    title: `反映${estate}商品房渗漏维修问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我${ym(buy.y, buy.m, s, g)}买了${org(o, s, g)}开发的${place(pl, s, g)}${estate}${room(r, s, g)}，${area(sqm, s, g)}，花了${price}万`
          : `本人于${ym(buy.y, buy.m, s, g)}购买${org(o, s, g)}开发的${place(pl, s, g)}${estate}小区${room(r, s, g)}商品房，建筑面积${area(sqm, s, g)}，总价${price}万元`,
      },
      {
        text: s.colloq
          ? `${ym(deliver.y, deliver.m, s, g)}交的房，住进去没多久卫生间和阳台就开始渗水，外墙也往里渗`
          : `房屋于${ym(deliver.y, deliver.m, s, g)}交付，入住后卫生间和阳台多处渗水，外墙墙面渗漏`,
      },
      {
        text: s.colloq
          ? `前后找物业和开发商报修了${count(times, s, g)}，每次都是随便打点胶`
          : `本人先后${count(times, s, g)}向物业和开发商报修，对方仅作局部打胶处理`,
        optional: true,
      },
      {
        text: s.colloq
          ? `${ym(rainy.y, rainy.m, s, g)}下大雨又漏得厉害，地板泡坏了，衣柜发霉，损失${money(loss, s, g)}`
          : `${ym(rainy.y, rainy.m, s, g)}雨季再次大面积渗漏，造成木地板起拱、衣柜霉变，损失${money(loss, s, g)}`,
      },
      {
        text: s.colloq
          ? '住建局验收的时候没把好关，开发商不修也不管'
          : '本人认为住建部门竣工验收把关不严，对开发商履行保修责任监管不力',
        optional: true,
      },
      {
        text: s.colloq
          ? `要求住建局让开发商彻底修好，赔我${money(loss, s, g)}`
          : `要求责令开发商彻底维修渗漏部位，并赔偿装修损失${money(loss, s, g)}`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const loss2 = g.int(8, 40) * 1000;
      const s = retellStyle(g);
      return (
        `我是${estate}${room(r, s, g)}的业主，以前渗水的事反映过。` +
        `${ym(when.y, when.m, s, g)}开发商维修时把楼顶防水层拆了一半就撤场了，之后厨房吊顶塌落，砸坏了冰箱和油烟机，` +
        `又花了${money(loss2, s, g)}。${org(o, s, g)}说过了保修期不管。要求督促开发商恢复屋面防水，赔偿这次的损失${money(loss2, s, g)}。`
      );
    },
    neighbour: (g) => leak(g, P, { o, estate, pl, deliver }),
  };
  return m;
}

function demolition(
  rng: Rng,
  P: Pools,
  base?: { village: string; pl: Place; price: number; sign: { y: number; m: number } },
) {
  const pl = base?.pl ?? P.place();
  const village = base?.village ?? P.village();
  const sqm = rng.int(96, 260);
  const price = base?.price ?? rng.int(12, 32) * 50;
  const sign = base?.sign ?? { y: rng.int(2018, 2021), m: rng.int(1, 12) };
  const group = rng.int(1, 12);
  const built = rng.int(1982, 1999);
  const paid = sqm * price;
  const fee = rng.int(8, 20) * 100;
  const m: Matter = {
    kind: 'demolition',
    category: 'LAND_ACQUISITION_DEMOLITION',
    unitCode: UNIT_OF_KIND.demolition,
    title: `反映${village}集体土地房屋征收补偿问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我家在${place(pl, s, g)}${village}${group}组，老房子是${year(built, s, g)}自己盖的，${area(sqm, s, g)}`
          : `本人户籍在${place(pl, s, g)}${village}${cnSmall(group)}组，家中房屋建于${year(built, s, g)}，合法建筑面积${area(sqm, s, g)}`,
      },
      {
        text: s.colloq
          ? `${ym(sign.y, sign.m, s, g)}征收签的协议，只按${unitPrice(price, s, g)}算，一共给了${money(paid, s, g)}`
          : `${ym(sign.y, sign.m, s, g)}签订征收补偿协议，房屋按${unitPrice(price, s, g)}补偿，合计${money(paid, s, g)}`,
      },
      {
        text: s.colloq
          ? '隔壁镇同样的砖混房给得多得多，评估公司根本没进屋看过'
          : '同期相邻镇同类砖混结构房屋补偿标准明显高于本村，评估机构未入户勘察',
        optional: true,
      },
      {
        text: s.colloq
          ? `过渡费每个月${money(fee, s, g)}，也只发了一年就停了`
          : `临时安置费每月${money(fee, s, g)}，仅发放一年即停发`,
      },
      {
        text: s.colloq
          ? `要求重新评估，按同期市场价补足差价，把过渡费补发给我`
          : '要求重新委托评估机构评估，按同期市场价格补足差价，并补发临时安置费',
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      const flat = g.int(5, 22) * 100 + g.int(1, 4);
      return (
        `${village}征收的事以前反映过，补偿款已经领了。` +
        `${ym(when.y, when.m, s, g)}安置房交付，分给我的${g.int(2, 18)}幢${flat}室和协议上约定的户型不一样，` +
        `面积少了${area(g.int(6, 19), s, g)}，街道让我按${unitPrice(g.int(40, 90) * 100, s, g)}补差价。要求按协议交付约定户型，不应由我补差价。`
      );
    },
    neighbour: (g) => demolition(g, P, { village, pl, price, sign }),
  };
  return m;
}

function wages(rng: Rng, P: Pools, base?: { o: Org; project: string; from: { y: number; m: number } }) {
  const pl = P.place();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '建设工程' };
  const project = base?.project ?? `${P.estate()}二期`;
  const from = base?.from ?? { y: rng.int(2019, 2022), m: rng.int(1, 12) };
  const months = rng.int(4, 11);
  const to = shift(from.y, from.m, months - 1);
  const owed = rng.int(18, 75) * 1000 + rng.int(0, 9) * 100;
  const daily = rng.int(22, 45) * 10;
  const m: Matter = {
    kind: 'wages',
    category: 'LABOR_SOCIAL_SECURITY',
    unitCode: UNIT_OF_KIND.wages,
    title: `反映${project}项目拖欠农民工工资问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我从${ym(from.y, from.m, s, g)}到${ym(to.y, to.m, s, g)}在${org(o, s, g)}承包的${project}工地干木工，一天${money(daily, s, g)}`
          : `本人于${ym(from.y, from.m, s, g)}至${ym(to.y, to.m, s, g)}在${org(o, s, g)}承建的${project}项目从事木工，日工资${money(daily, s, g)}`,
      },
      {
        text: s.colloq
          ? `活干完了包工头说公司没给钱，欠我${money(owed, s, g)}一直不给`
          : `工程完工后，包工头以公司未结算工程款为由，拖欠本人工资${money(owed, s, g)}至今未付`,
      },
      {
        text: s.colloq
          ? '去找劳动监察好几趟，他们只会叫我去仲裁'
          : '本人多次向劳动保障监察机构投诉，对方仅告知通过劳动仲裁解决',
        optional: true,
      },
      {
        text: s.colloq
          ? '总包单位有责任先垫付，人社局不管就是不作为'
          : '本人认为总承包单位应对拖欠农民工工资承担清偿责任，人社部门未依法责令其先行清偿',
        optional: true,
      },
      {
        text: s.colloq
          ? `要求人社局叫总包公司把${money(owed, s, g)}工钱付了`
          : `要求人社部门责令总承包单位支付拖欠工资${money(owed, s, g)}`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const owed2 = g.int(9, 40) * 1000;
      const s = retellStyle(g);
      return (
        `以前在${project}欠薪的事反映过。${ym(when.y, when.m, s, g)}我又跟${org(o, s, g)}去干了${g.pick(['滨河路', '高铁站', '学校'])}的项目，` +
        `干了${g.int(2, 5)}个月又被拖欠${money(owed2, s, g)}，公司说资金链断了。要求人社局督促公司支付这次拖欠的${money(owed2, s, g)}工资。`
      );
    },
    neighbour: (g) => wages(g, P, { o, project, from }),
  };
  return m;
}

function prepaid(
  rng: Rng,
  P: Pools,
  base?: { shop: string; close: { y: number; m: number; d: number }; pl: Place },
) {
  const pl = base?.pl ?? P.place();
  const shop = base?.shop ?? P.shop();
  const close = base?.close ?? { y: rng.int(2021, 2023), m: rng.int(1, 12), d: rng.int(1, 28) };
  const paid = rng.int(30, 160) * 100;
  const lessons = rng.int(20, 60);
  const used = rng.int(2, Math.floor(lessons / 2));
  const buy = shift(close.y, close.m, -rng.int(2, 8));
  const refund = Math.round((paid * (lessons - used)) / lessons / 100) * 100;
  const m: Matter = {
    kind: 'prepaid',
    category: 'MARKET_REGULATION',
    unitCode: UNIT_OF_KIND.prepaid,
    title: `反映${shop}预付卡退费问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `${ym(buy.y, buy.m, s, g)}我在${place(pl, s, g)}的${shop}办了卡，交了${money(paid, s, g)}，买了${lessons}节课`
          : `本人于${ym(buy.y, buy.m, s, g)}在${place(pl, s, g)}${shop}门店办理预付卡，充值${money(paid, s, g)}，购买课程${lessons}节`,
      },
      {
        text: s.colloq
          ? `才上了${used}节，${ymd(close.y, close.m, close.d, s, g)}店突然关门，老板联系不上`
          : `仅上课${used}节，该店于${ymd(close.y, close.m, close.d, s, g)}突然停业，经营者失联`,
      },
      {
        text: s.colloq
          ? '办卡的时候说钱有银行监管，其实根本没有'
          : '办卡时经营者承诺预付资金由银行存管，实际并未存管，属于虚假宣传',
        optional: true,
      },
      {
        text: s.colloq
          ? `市场监管局只做了登记，退费的事没人管，剩下${money(refund, s, g)}`
          : `市场监管部门仅登记投诉，未督促退还剩余预付款${money(refund, s, g)}`,
      },
      {
        text: s.colloq
          ? `要求查处这家店，把剩下的${money(refund, s, g)}退给我`
          : `要求依法查处该经营者，督促退还剩余预付款${money(refund, s, g)}`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `${shop}关门退费的事我反映过。${ym(when.y, when.m, s, g)}原来的老板又换了个名字在${g.pick(['万达广场', '印象城', '龙湖天街'])}开了新店，` +
        `还在推销${money(g.int(20, 60) * 100, s, g)}的年卡，我去问他说老店的账不认。要求查处他换壳开店，督促先退老会员的钱。`
      );
    },
    neighbour: (g) => prepaid(g, P, { shop, close, pl }),
  };
  return m;
}

function pension(rng: Rng, P: Pools, base?: { o: Org; start: number }) {
  const pl = P.place();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '纺织' };
  const start = base?.start ?? rng.int(1990, 1998);
  const worked = rng.int(10, 12);
  const gap = rng.int(3, 6);
  const retire = { y: rng.int(2020, 2023), m: rng.int(1, 12) };
  const less = rng.int(12, 48) * 10;
  const m: Matter = {
    kind: 'pension',
    category: 'ENTERPRISE_RESTRUCTURING',
    unitCode: UNIT_OF_KIND.pension,
    title: `反映${o.stem}${o.trade}厂改制时养老保险欠缴问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我${year(start, s, g)}进的${o.stem}${o.trade}厂，在厂里干了${years(worked, s, g)}`
          : `本人于${year(start, s, g)}进入原${o.stem}${o.trade}厂工作，连续工龄${years(worked, s, g)}`,
      },
      {
        text: s.colloq
          ? `后来厂子改制成${org(o, s, g)}，改制前有${gap}年养老保险厂里根本没交`
          : `该厂改制为${org(o, s, g)}时，未为本人补缴改制前${gap}年的基本养老保险费`,
      },
      {
        text: s.colloq
          ? `${ym(retire.y, retire.m, s, g)}退休一算，养老金每个月少了${money(less, s, g)}`
          : `本人于${ym(retire.y, retire.m, s, g)}办理退休，因缴费年限不足，养老金每月少发${money(less, s, g)}`,
      },
      {
        text: s.colloq
          ? '改制方案是经过政府批的，社保部门应该负责'
          : '本人认为企业改制方案经政府批准，社保经办机构未核清欠费即办理改制，负有责任',
        optional: true,
      },
      {
        text: s.colloq
          ? `要求把那${gap}年补上，少发的养老金补给我`
          : `要求督促补缴${gap}年养老保险费，重新核定并补发养老金`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `${o.stem}${o.trade}厂改制欠缴养老保险的事以前反映过。${ym(when.y, when.m, s, g)}社保中心来函说我的视同缴费年限认定有误，` +
        `要追回多发的养老金${money(g.int(6, 30) * 1000, s, g)}，每月从养老金里扣${money(g.int(3, 9) * 100, s, g)}。要求停止扣款，重新认定视同缴费年限。`
      );
    },
    neighbour: (g) => pension(g, P, { o, start }),
  };
  return m;
}

function land(rng: Rng, P: Pools, base?: { village: string; pl: Place; coop: Org; since: number }) {
  const pl = base?.pl ?? P.place();
  const village = base?.village ?? P.village();
  const coop = base?.coop ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '农业发展' };
  const since = base?.since ?? rng.int(2015, 2019);
  const mu = rng.int(3, 12) + (rng.next() < 0.5 ? 0.5 : 0);
  const fee = rng.int(6, 12) * 100;
  const owedYears = rng.int(2, 4);
  const owed = Math.round(mu * fee * owedYears);
  const m: Matter = {
    kind: 'land',
    category: 'RURAL_AGRICULTURE',
    unitCode: UNIT_OF_KIND.land,
    title: `反映${village}土地流转费拖欠问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我家${mu}亩承包地${year(since, s, g)}流转给了${org(coop, s, g)}种苗木，说好一亩一年${money(fee, s, g)}`
          : `本人家庭承包的${place(pl, s, g)}${village}耕地${mu}亩，于${year(since, s, g)}流转给${org(coop, s, g)}种植苗木，约定流转费每亩每年${money(fee, s, g)}`,
      },
      {
        text: s.colloq
          ? `最近${owedYears}年一分钱没给，一共欠${money(owed, s, g)}`
          : `该公司已连续${owedYears}年未支付流转费，累计拖欠${money(owed, s, g)}`,
      },
      {
        text: s.colloq ? '地里苗木也没人管了，老板人找不到' : '目前地块苗木无人管护，公司负责人长期不在本地',
        optional: true,
      },
      {
        text: s.colloq
          ? '流转是村里牵头搞的，村里和镇里都推来推去'
          : '该流转由村经济合作社统一组织，村、镇两级相互推诿',
        optional: true,
      },
      {
        text: s.colloq
          ? `要求把欠的${money(owed, s, g)}给我，不给就把地还我`
          : `要求督促支付拖欠的流转费${money(owed, s, g)}，或解除流转合同、恢复耕地后交还本人`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `${village}流转费的事以前反映过，后来地退回来了。${ym(when.y, when.m, s, g)}我复耕时发现地里被倒了建筑垃圾，` +
        `挖出来的水泥块有好几车，清理要${money(g.int(8, 30) * 1000, s, g)}。要求查清是谁倒的，责令清运并恢复耕地。`
      );
    },
    neighbour: (g) => land(g, P, { village, pl, coop, since }),
  };
  return m;
}

function medical(rng: Rng, P: Pools, base?: { hospital: string }) {
  const hospital = base?.hospital ?? P.hospital();
  const op = { y: rng.int(2020, 2023), m: rng.int(1, 12), d: rng.int(1, 28) };
  const cost = rng.int(30, 150) * 1000;
  const days = rng.int(12, 40);
  const organ = rng.pick(['胆囊', '阑尾', '甲状腺结节', '膝关节半月板']);
  const m: Matter = {
    kind: 'medical',
    category: 'HEALTHCARE',
    unitCode: UNIT_OF_KIND.medical,
    title: `反映${hospital}手术并发症处理问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `${ymd(op.y, op.m, op.d, s, g)}我在${hospital}做${organ}手术，做完就发高烧，伤口感染`
          : `本人于${ymd(op.y, op.m, op.d, s, g)}在${hospital}接受${organ}手术，术后出现高热和切口感染`,
      },
      {
        text: s.colloq
          ? `又住了${days}天院，自己掏了${money(cost, s, g)}`
          : `因并发症再次住院${days}天，自付医疗费用${money(cost, s, g)}`,
      },
      {
        text: s.colloq
          ? '医院说是正常风险，病历还改过'
          : '医院称属于手术正常风险，且病历记录存在事后修改痕迹',
        optional: true,
      },
      {
        text: s.colloq
          ? '卫健委只让我去打官司，不给做鉴定'
          : '本人认为卫生健康部门未组织医疗事故技术鉴定，处理不当',
        optional: true,
      },
      {
        text: s.colloq
          ? `要求做医疗事故鉴定，医院赔我${money(cost, s, g)}`
          : `要求组织医疗事故技术鉴定，责令医院赔偿医疗费用${money(cost, s, g)}`,
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `之前${hospital}手术感染的事已经处理过了。${ym(when.y, when.m, s, g)}我去复查，发现腹腔里留了一块纱布，` +
        `又在别的医院做了二次手术，花了${money(g.int(20, 90) * 1000, s, g)}。要求调查${hospital}手术遗留异物的责任，赔偿二次手术费用。`
      );
    },
    neighbour: (g) => medical(g, P, { hospital }),
  };
  return m;
}

function parking(rng: Rng, P: Pools, base?: { estate: string; o: Org; pl: Place }) {
  const pl = base?.pl ?? P.place();
  const estate = base?.estate ?? P.estate();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '物业管理' };
  const space = rng.int(1, 3) * 100 + rng.int(1, 99);
  const bought = { y: rng.int(2016, 2019), m: rng.int(1, 12) };
  const price = rng.int(8, 25) * 10000;
  const fee = rng.int(6, 15) * 10;
  const raised = { y: rng.int(2021, 2023), m: rng.int(1, 12) };
  const m: Matter = {
    kind: 'parking',
    category: 'URBAN_CONSTRUCTION_HOUSING',
    unitCode: UNIT_OF_KIND.parking,
    title: `反映${estate}车位管理费上涨问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我${ym(bought.y, bought.m, s, g)}花${money(price, s, g)}买了${place(pl, s, g)}${estate}地下车位B${space}号`
          : `本人于${ym(bought.y, bought.m, s, g)}以${money(price, s, g)}购买${place(pl, s, g)}${estate}小区地下车位B${space}号`,
      },
      {
        text: s.colloq
          ? `${ym(raised.y, raised.m, s, g)}起${org(o, s, g)}把车位管理费涨到一个月${money(fee, s, g)}，也没开业主大会`
          : `${ym(raised.y, raised.m, s, g)}起，${org(o, s, g)}未经业主大会同意，将车位管理费上调为每月${money(fee, s, g)}`,
      },
      {
        text: s.colloq
          ? '不交钱就不给刷卡进车库'
          : '对未按新标准缴费的业主，物业公司停止车辆识别，禁止车辆进入车库',
      },
      {
        text: s.colloq ? '住建局说这是合同纠纷，不归他们管' : '本人认为住建部门对物业服务收费监管缺位',
        optional: true,
      },
      {
        text: s.colloq
          ? '要求恢复原来的收费标准，先让我的车能进车库'
          : '要求责令物业公司恢复原收费标准，立即恢复车辆通行',
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `${estate}车位管理费的事以前反映过。${ym(when.y, when.m, s, g)}车库积水，我停在B${space}号的车被泡了，` +
        `修车花了${money(g.int(12, 60) * 1000, s, g)}，${org(o, s, g)}说排水泵坏了不是他们的责任。要求物业赔偿车辆损失。`
      );
    },
    neighbour: (g) => parking(g, P, { estate, o, pl }),
  };
  return m;
}

function noise(
  rng: Rng,
  P: Pools,
  base?: { o: Org; estate: string; pl: Place; since: { y: number; m: number } },
) {
  const pl = base?.pl ?? P.place();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '金属制品' };
  const estate = base?.estate ?? P.estate();
  const since = base?.since ?? { y: rng.int(2020, 2023), m: rng.int(1, 12) };
  const dist = rng.int(4, 15) * 10;
  const db = rng.int(58, 78);
  const building = rng.int(1, 20);
  const m: Matter = {
    kind: 'noise',
    category: 'ENVIRONMENT',
    unitCode: UNIT_OF_KIND.noise,
    title: `反映${o.stem}${o.trade}厂夜间噪声扰民问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `我住${place(pl, s, g)}${estate}${building}栋，离${org(o, s, g)}的车间就${dist}米`
          : `本人居住在${place(pl, s, g)}${estate}${building}幢，距${org(o, s, g)}生产车间约${dist}米`,
      },
      {
        text: s.colloq
          ? `${ym(since.y, since.m, s, g)}开始他们晚上也开冲床，半夜测过${db}分贝`
          : `自${ym(since.y, since.m, s, g)}起，该公司夜间持续进行冲压作业，夜间噪声实测达${db}分贝`,
      },
      {
        text: s.colloq
          ? '打了好多次12345，来看一下就走了'
          : '本人多次通过12345热线投诉，执法人员到场后未作处理',
        optional: true,
      },
      {
        text: s.colloq
          ? '家里老人孩子都睡不着，环保部门不作为'
          : '家中老人和学生长期无法正常休息，本人认为生态环境部门监管不力',
        optional: true,
      },
      {
        text: s.colloq
          ? '要求查处这个厂，晚上10点以后不许开工'
          : '要求依法查处该公司噪声超标行为，禁止22时后生产作业',
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `${org(o, s, g)}噪声的事以前反映过。${ym(when.y, when.m, s, g)}他们在厂区东侧新上了一条喷涂线，` +
        `白天晚上都有很重的油漆味，我家孩子查出过敏性鼻炎，看病花了${money(g.int(3, 12) * 1000, s, g)}。要求查处喷涂线废气排放，公开环评手续。`
      );
    },
    neighbour: (g) => noise(g, P, { o, estate, pl, since }),
  };
  return m;
}

function car(rng: Rng, P: Pools, base?: { o: Org; pl: Place }) {
  const pl = base?.pl ?? P.place();
  const o = base?.o ?? { city: pl.city.replace('市', ''), stem: P.stem(), trade: '汽车销售服务' };
  const bought = { y: rng.int(2021, 2023), m: rng.int(1, 12), d: rng.int(1, 28) };
  const price = rng.int(9, 32) * 10000 + rng.int(0, 9) * 1000;
  const km = rng.int(2, 9) * 10000;
  const realKm = km + rng.int(5, 15) * 10000;
  const model = rng.pick(['宝马3系', '奔驰C级', '凯迪拉克CT5', '沃尔沃S60', '雷克萨斯ES']);
  const m: Matter = {
    kind: 'car',
    category: 'MARKET_REGULATION',
    unitCode: UNIT_OF_KIND.car,
    title: `反映${o.stem}二手车调表问题`,
    tell: (s, g) => [
      {
        text: s.colloq
          ? `${ymd(bought.y, bought.m, bought.d, s, g)}我在${org(o, s, g)}买了辆二手${model}，${money(price, s, g)}，说只跑了${km}公里`
          : `本人于${ymd(bought.y, bought.m, bought.d, s, g)}在${org(o, s, g)}购买二手${model}一辆，成交价${money(price, s, g)}，合同标明行驶里程${km}公里`,
      },
      {
        text: s.colloq
          ? `后来去4S店一查，实际跑了${realKm}公里，表被调过`
          : `后经4S店查询维修记录，该车实际里程已达${realKm}公里，存在调表行为`,
      },
      {
        text: s.colloq
          ? `投诉以后商家只肯退${money(5000, s, g)}`
          : `本人投诉后，商家仅同意退还${money(5000, s, g)}`,
        optional: true,
      },
      {
        text: s.colloq
          ? '市场监管局调解不成就不管了，也没罚商家'
          : '本人认为商家构成欺诈，市场监管部门调解不成即终止处理，未作行政处罚',
        optional: true,
      },
      {
        text: s.colloq ? '要求查处欺诈，退车退款，三倍赔偿' : '要求查处商家欺诈行为，责令退车退款并三倍赔偿',
        request: true,
      },
    ],
    next: (g, after) => {
      const when = shift(after.y, after.m, g.int(2, 9));
      const s = retellStyle(g);
      return (
        `买二手${model}调表的事以前反映过，车已经退了。但${org(o, s, g)}到现在还有${money(g.int(8, 30) * 1000, s, g)}车款没退，` +
        `${ym(when.y, when.m, s, g)}约好的还款日又没兑现，还把门店搬走了。要求督促商家退还剩余车款。`
      );
    },
    neighbour: (g) => car(g, P, { o, pl }),
  };
  return m;
}

/** Matters of kinds no terminated case has: the unrelated queries and the open cases. */
function other(
  kind: string,
  category: string,
  unitCode: string,
  title: string,
  say: (s: Style, g: Rng) => string[],
) {
  return (): Matter => ({
    kind,
    category,
    unitCode,
    title,
    tell: (s, g) =>
      say(s, g).map((text, i, all) => ({ text, request: i === all.length - 1, optional: i === 1 })),
    next: () => '',
    neighbour() {
      return this;
    },
  });
}
function unrelatedKinds(rng: Rng, P: Pools): Array<() => Matter> {
  const pl = P.place();
  const school = rng.pick(['实验小学', '第二中学', '外国语学校']);
  const y = rng.int(2023, 2025);
  return [
    other('school', 'EDUCATION', 'JS-NJ-RS', `反映${school}入学划片问题`, (s, g) => [
      `${y}年孩子该上${school}，我们户口和房产都在${place(pl, s, g)}学区里`,
      s.colloq ? '教育局说房子是二手的要排后面' : '教育部门以房屋为二手房为由将孩子调剂至其他学校',
      `孩子每天要坐${g.int(40, 70)}分钟公交上学`,
      '要求按划片规定安排孩子就近入学',
    ]),
    other('allowance', 'CIVIL_AFFAIRS', 'JS-NJ-RS', '反映残疾人两项补贴停发问题', (s, g) => [
      `我儿子是${g.pick(['一级', '二级'])}肢体残疾，${ym(y, g.int(1, 12), s, g)}起护理补贴突然停了`,
      s.colloq ? '社区说系统里查到我家有车' : '社区称经比对家庭名下登记有机动车',
      `那辆车${g.int(2008, 2012)}年就报废了，每月${money(g.int(2, 6) * 100, s, g)}补贴没了`,
      '要求核实情况，恢复残疾人护理补贴并补发',
    ]),
    other('bus', 'TRANSPORT', 'JS-NJ-SCJG', '反映公交线路撤销问题', (s, g) => [
      `${place(pl, s, g)}的${g.int(30, 180)}路公交${ym(y, g.int(1, 12), s, g)}被撤了`,
      s.colloq ? '附近几个村的老人去镇上看病只能走路' : '周边村民出行就医极为不便',
      `最近的站点要走${g.int(2, 5)}公里`,
      '要求恢复该公交线路或增设站点',
    ]),
    other('elevator', 'URBAN_CONSTRUCTION_HOUSING', 'JS-SZ-ZJ', '反映老旧小区加装电梯问题', (s, g) => [
      `我住${place(pl, s, g)}老小区${g.int(1, 30)}号楼${g.int(4, 7)}楼，楼里${g.int(8, 12)}户有${g.int(7, 10)}户同意装电梯`,
      s.colloq ? '一楼的人不签字就卡住了' : '因一楼住户不同意，街道不予受理加装申请',
      `我今年${g.int(70, 86)}岁，腿脚不好下不了楼`,
      '要求街道按规定协调，推进加装电梯',
    ]),
    other('dog', 'CIVIL_AFFAIRS', 'JS-SZ-ZJ', '反映犬只扰民问题', (s, g) => [
      `楼下邻居在院子里养了${g.int(3, 6)}条大狗，天天半夜叫`,
      s.colloq ? '还咬伤过小区里的孩子' : '该犬只曾咬伤小区儿童',
      `打了${count(g.int(3, 9), s, g)}110，来了说不归他们管`,
      '要求依法查处违规养犬行为',
    ]),
  ];
}

const KINDS = [leak, demolition, wages, prepaid, pension, land, medical, parking, noise, car];

/** Joins sentences the way the style says: request first, two sentences swapped, some left out. */
function render(m: Matter, s: Style, rng: Rng): string {
  let xs = m.tell(s, rng);
  if (s.shorter) {
    const optional = xs.filter((x) => x.optional);
    const drop = new Set(optional.slice(0, Math.max(1, optional.length - (rng.next() < 0.5 ? 0 : 1))));
    xs = xs.filter((x) => !drop.has(x));
  }
  if (s.reorder && xs.length > 3) {
    const i = rng.int(1, xs.length - 3);
    [xs[i], xs[i + 1]] = [xs[i + 1], xs[i]];
  }
  if (s.requestFirst) xs = [...xs.filter((x) => x.request), ...xs.filter((x) => !x.request)];
  const sep = s.colloq ? (i: number) => (i % 2 ? '。' : '，') : () => '。';
  return xs.map((x, i) => x.text + (i === xs.length - 1 ? '。' : sep(i))).join('');
}

/** The case's facts and reasons and its requests, told formally. */
function caseText(m: Matter, rng: Rng) {
  const xs = m.tell(FORMAL, rng);
  return {
    factsAndReasons: xs
      .filter((x) => !x.request)
      .map((x) => `${x.text}。`)
      .join(''),
    requests: xs
      .filter((x) => x.request)
      .map((x) => `${x.text}。`)
      .join(''),
  };
}

/** Drops the clause that refers to the earlier petition, half of the time. */
function withoutReference(text: string, rng: Rng): string {
  if (rng.next() < 0.5) return text;
  return text.replace(/[^。，]*?(反映过|已经处理过了)[，。]/, '').replace(/^[，。]/, '');
}

// ---------------------------------------------------------------------------------------
// People, units, cases, queries
// ---------------------------------------------------------------------------------------

const REGIONS = ['320506', '320507', '320508', '320115', '320111', '320113'];
const SURNAMES = '陆顾沈钱蒋华邵缪浦过殷龚戴翁包严俞吴范祁惠盛储';
const GIVEN = '建新根娣亚芬国庆卫平金宝雪芳志刚桂珍晓东美华永林春燕德兴秀珍玉梅';

function person(rng: Rng, serial: number): Person {
  const y = rng.int(1948, 1995);
  const birth = `${y}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}`;
  const first17 = `${rng.pick(REGIONS)}${birth}${String(100 + serial).slice(-3)}`;
  const pl = rng.pick(SU);
  return {
    name: rng.pick([...SURNAMES]) + rng.pick([...GIVEN]) + (rng.next() < 0.6 ? rng.pick([...GIVEN]) : ''),
    idNumber: first17 + idNumberCheckChar(first17),
    phone: `1${rng.pick(['35', '39', '52', '58', '87', '89'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
    address: `${pl.province}${pl.city}${pl.district}${pl.town}${rng.pick(ESTATES)}${rng.int(1, 20)}幢${rng.int(101, 2602)}室`,
  };
}

function units() {
  const u = (code: string, name: string, unitKind: string, parentCode: string | null) => ({
    kind: 'unit',
    code,
    name,
    unitKind,
    parentCode,
  });
  return [
    u('JS', '江苏省信访局', 'PETITION_AGENCY', null),
    u('JS-SZ', '苏州市信访局', 'PETITION_AGENCY', 'JS'),
    u('JS-SZ-ZJ', '苏州市住房和城乡建设局', 'DEPARTMENT', 'JS-SZ'),
    u('JS-SZ-RS', '苏州市人力资源和社会保障局', 'DEPARTMENT', 'JS-SZ'),
    u('JS-SZ-WZ', '苏州市吴中区信访局', 'PETITION_AGENCY', 'JS-SZ'),
    u('JS-SZ-WZ-ZJ', '苏州市吴中区住房和城乡建设局', 'DEPARTMENT', 'JS-SZ-WZ'),
    u('JS-SZ-WZ-NY', '苏州市吴中区农业农村局', 'DEPARTMENT', 'JS-SZ-WZ'),
    u('JS-NJ', '南京市信访局', 'PETITION_AGENCY', 'JS'),
    u('JS-NJ-SCJG', '南京市市场监督管理局', 'DEPARTMENT', 'JS-NJ'),
    u('JS-NJ-RS', '南京市人力资源和社会保障局', 'DEPARTMENT', 'JS-NJ'),
    u('JS-NJ-WJ', '南京市卫生健康委员会', 'DEPARTMENT', 'JS-NJ'),
    u('JS-NJ-HB', '南京市生态环境局', 'DEPARTMENT', 'JS-NJ'),
  ];
}
const AGENCY_OF = (code: string) => code.split('-').slice(0, -1).join('-');

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plus = (d: string, n: number) => iso(Date.parse(`${d}T00:00:00Z`) + n * DAY);

export function generate(seed = 20261203) {
  const rng = prng(seed);
  const P: Pools = {
    stem: drawer(rng, STEMS),
    estate: drawer(rng, ESTATES),
    village: drawer(rng, VILLAGES),
    hospital: drawer(rng, HOSPITALS),
    shop: drawer(rng, SHOPS),
    place: drawer(rng, SU),
  };
  let serial = 0;
  const newPerson = () => person(rng, serial++);
  const decision = new Map<number, number>();

  // 60 terminated matters: six of each kind, in an order mixed by kind
  const matters: Matter[] = [];
  for (let i = 0; i < 6; i++) for (const k of KINDS) matters.push(k(rng, P));
  const lines: object[] = [...units()];
  const cases: Array<{ ref: string; m: Matter; p: Person; terminated: { y: number; m: number } }> = [];
  matters.forEach((m, i) => {
    const p = newPerson();
    const accepted = iso(Date.UTC(2023, 0, 2) + rng.int(0, 420) * DAY);
    const handled = plus(accepted, rng.int(20, 55));
    const reviewed = plus(handled, rng.int(25, 55));
    const full = rng.next() < 0.75;
    const reReviewed = full ? plus(reviewed, rng.int(25, 55)) : null;
    const approved = plus(reReviewed ?? reviewed, rng.int(40, 200));
    const notified = plus(approved, rng.int(1, 10));
    const y = Number(approved.slice(0, 4));
    const n = (decision.get(y) ?? 0) + 1;
    decision.set(y, n);
    const ref = `G-${String(i + 1).padStart(4, '0')}`;
    const text = caseText(m, rng);
    lines.push({
      kind: 'case',
      externalRef: ref,
      handlingUnitCode: m.unitCode,
      petitioner: p,
      category: m.category,
      title: m.title,
      ...text,
      acceptedAt: accepted,
      handledAt: handled,
      handlingOpinion: '经调查核实，你反映的问题已依法依规处理，相关诉求依据不足，不予支持。',
      reviewedAt: reviewed,
      reviewOpinion: '经复查，原处理意见认定事实清楚、适用依据正确，予以维持。',
      reReviewedAt: reReviewed,
      reReviewOpinion: reReviewed ? '经复核，复查意见事实清楚、处理适当，予以维持。' : null,
      termination: {
        condition: full ? 'REPEAT_AFTER_RE_REVIEW' : 'NO_NEW_REQUEST_IN_TIME',
        decisionNumber: `苏信终字〔${y}〕第${n}号`,
        approvedAt: approved,
        approvingUnitCode: AGENCY_OF(m.unitCode),
        notifiedAt: notified,
      },
    });
    cases.push({ ref, m, p, terminated: { y, m: Number(approved.slice(5, 7)) } });
  });

  // five open cases (never terminated): no query may be DUPLICATE because of them
  const open: Array<{ m: Matter; p: Person }> = [];
  for (let i = 0; i < 5; i++) {
    const m = rng.pick(unrelatedKinds(rng, P))();
    const p = newPerson();
    const accepted = iso(Date.UTC(2025, 6, 1) + rng.int(0, 300) * DAY);
    lines.push({
      kind: 'case',
      externalRef: `G-OPEN-${i + 1}`,
      handlingUnitCode: m.unitCode,
      petitioner: p,
      category: m.category,
      title: m.title,
      ...caseText(m, rng),
      acceptedAt: accepted,
      handledAt: i % 2 ? plus(accepted, 30) : null,
      handlingOpinion: i % 2 ? '经调查，相关诉求依据不足，不予支持。' : null,
    });
    open.push({ m, p });
  }

  const queries: object[] = [];
  let q = 0;
  const add = (
    label: string,
    input: { idNumber: string | null; name: string | null; phone: string | null; content: string },
    target: string | null,
    allowed: string[],
    note: string,
  ) =>
    queries.push({
      id: `GQ-${String(++q).padStart(3, '0')}`,
      label,
      input,
      targetExternalRef: target,
      allowedVerdicts: allowed,
      note,
    });
  const NEG = ['NO_MATCH', 'POSSIBLE_DUPLICATE'];
  const spacedId = (id: string, g: Rng) =>
    g.pick([id.toLowerCase(), `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, ` ${id}\t`, id]);

  cases.slice(0, 48).forEach((c, i) => {
    const s = retellStyle(rng);
    add(
      'DUP_ID',
      {
        idNumber: i % 5 === 0 ? spacedId(c.p.idNumber, rng) : c.p.idNumber,
        name: c.p.name,
        phone: i % 7 === 3 ? newPerson().phone : c.p.phone,
        content: render(c.m, s, rng),
      },
      c.ref,
      ['DUPLICATE'],
      `retelling of ${c.ref} (${c.m.kind}; ${Object.entries(s)
        .filter(([, v]) => v)
        .map(([k]) => k)
        .join(', ')})`,
    );
  });
  cases
    .slice(48, 60)
    .forEach((c) =>
      add(
        'DUP_NAME_PHONE',
        { idNumber: null, name: c.p.name, phone: c.p.phone, content: render(c.m, retellStyle(rng), rng) },
        c.ref,
        ['DUPLICATE', 'POSSIBLE_DUPLICATE'],
        `retelling of ${c.ref} (${c.m.kind}), identified by name + phone only`,
      ),
    );
  cases.slice(0, 24).forEach((c, i) => {
    const other = KINDS[(KINDS.findIndex((k) => k.name === c.m.kind) + 1 + (i % 9)) % KINDS.length](rng, P);
    const byNamePhone = i % 5 === 4;
    add(
      'NEW_MATTER',
      {
        idNumber: byNamePhone ? null : c.p.idNumber,
        name: c.p.name,
        phone: c.p.phone,
        content: render(other, retellStyle(rng), rng),
      },
      c.ref,
      NEG,
      `petitioner of ${c.ref} with an unrelated new ${other.kind} matter`,
    );
  });
  cases.slice(24, 40).forEach((c) =>
    add(
      'RELATED_BUT_NEW',
      {
        idNumber: c.p.idNumber,
        name: c.p.name,
        phone: c.p.phone,
        // half of them without the words "反映过 / 已经处理过了": the new facts alone must tell
        content: withoutReference(c.m.next(rng, c.terminated), rng),
      },
      c.ref,
      NEG,
      `petitioner of ${c.ref}: the same property or project, new facts after termination`,
    ),
  );
  cases.slice(40, 56).forEach((c) => {
    const p = newPerson();
    add(
      'OTHER_PERSON_SAME_FACTS',
      {
        idNumber: p.idNumber,
        name: p.name,
        phone: p.phone,
        content: render(c.m.neighbour(rng), retellStyle(rng), rng),
      },
      c.ref,
      NEG,
      `a neighbour of ${c.ref}'s petitioner with the same complaint and his own figures`,
    );
  });
  for (let i = 0; i < 24; i++) {
    const p = newPerson();
    const restateOpen = i < 2;
    const m = restateOpen ? open[i].m : unrelatedKinds(rng, P)[i % 5]();
    const who = restateOpen ? open[i].p : p;
    add(
      'UNRELATED',
      {
        idNumber: i % 3 === 2 ? null : who.idNumber,
        name: who.name,
        phone: who.phone,
        content: render(m, retellStyle(rng), rng),
      },
      null,
      ['NO_MATCH'],
      restateOpen
        ? `petitioner of open case G-OPEN-${i + 1} restating it`
        : `a new person, new ${m.kind} matter`,
    );
  }
  return { lines, queries };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = path.resolve(opt('--out') ?? 'test/fixtures/dup-gen');
  const seed = Number(opt('--seed') ?? 20261203);
  const { lines, queries } = generate(seed);
  fs.mkdirSync(out, { recursive: true });
  const jsonl = (xs: object[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
  fs.writeFileSync(path.join(out, 'import.jsonl'), jsonl(lines));
  fs.writeFileSync(path.join(out, 'queries.jsonl'), jsonl(queries));
  console.log(`dup-gen: seed ${seed}: ${lines.length} import lines, ${queries.length} queries → ${out}`);
}
