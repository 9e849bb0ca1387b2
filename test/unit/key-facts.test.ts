/**
 * The key-fact normaliser of the duplicate check (src/modules/sharing/key-facts.ts): the forms
 * people use at a petition window read to the same value, and other values do not agree.
 */
import {
  compareKeyFacts,
  extractKeyFacts,
  factsAgree,
  parseNumeral,
  type FactKind,
  type KeyFact,
} from '../../src/modules/sharing/key-facts';

const facts = (text: string) => extractKeyFacts(text).facts;
const only = (text: string, kind?: FactKind): KeyFact => {
  const fs = facts(text).filter((f) => !kind || f.kind === kind);
  expect(fs).toHaveLength(1);
  return fs[0];
};
/** every fact of `a` of the kind agrees with one of `b` */
const agree = (a: string, b: string, kind: FactKind) => {
  const x = facts(a).filter((f) => f.kind === kind);
  const y = facts(b).filter((f) => f.kind === kind);
  return x.length > 0 && y.length > 0 && x.every((f) => y.some((g) => factsAgree(f, g)));
};

describe('numbers in Arabic and Chinese numerals', () => {
  it.each([
    ['一万二', 12000],
    ['十二万', 120000],
    ['1.2万', 12000],
    ['12000', 12000],
    ['两万三千六', 23600],
    ['四万两千八百', 42800],
    ['一百八十六', 186],
    ['七万三', 73000],
  ])('parseNumeral(%s) = %d', (s, v) => expect(parseNumeral(s)).toBe(v));

  it.each([
    ['一万二', '12000元'],
    ['十二万块', '120000元'],
    ['1.2万元', '12000元'],
    ['12000块', '1.2万元'],
    ['欠我两万多', '被拖欠23600元'],
    ['损失四万多', '损失约4.6万元'],
    ['花了186万', '总价186万元'],
    ['一共给了233100块', '合计23.31万元'],
    ['欠我四万两千八百一直不给', '拖欠工资42800元'],
  ])('%s is the amount in %s', (a, b) => expect(agree(a, b, 'amount')).toBe(true));

  it.each([
    ['一万二', '12500元'],
    ['十二万', '1.2万元'],
    ['两万多', '35000元'],
    ['损失4.6万元', '损失3.9万元'],
  ])('%s is not the amount in %s', (a, b) => expect(agree(a, b, 'amount')).toBe(false));

  it('reads 两万多 as 20 000 to 30 000 and 十来年 as about ten years', () => {
    expect(only('欠我两万多')).toMatchObject({ kind: 'amount', lo: 20000, hi: 30000, approx: true });
    const d = only('在厂里干了十来年');
    expect(d).toMatchObject({ kind: 'duration', unit: '年', approx: true });
    expect(d.lo).toBeLessThanOrEqual(10);
    expect(d.hi).toBeGreaterThanOrEqual(11);
    expect(agree('干了十来年', '连续工龄11年', 'duration')).toBe(true);
    expect(agree('干了十来年', '连续工龄25年', 'duration')).toBe(false);
  });

  it('reads an evening hour on the 24-hour clock', () => {
    expect(agree('晚上10点以后不许开工', '禁止22时后生产作业', 'duration')).toBe(true);
    expect(agree('早上10点', '22时', 'duration')).toBe(false);
  });

  it('does not read numerals inside words as figures', () => {
    expect(facts('一直没人管，统一流转，说一不二')).toEqual([]);
  });
});

describe('units and their colloquial forms', () => {
  it.each(['186平方米', '186平方', '186平米', '186㎡', '186个平方', '一百八十六个平方'])(
    '%s is 186 m²',
    (s) => expect(only(s)).toMatchObject({ kind: 'area', lo: 186, hi: 186, unit: '平方米' }),
  );
  it.each(['12000元', '12000块', '1.2万元', '一万二千块钱'])('%s is 12 000元', (s) =>
    expect(only(s)).toMatchObject({ kind: 'amount', lo: 12000, unit: '元' }),
  );
  it.each([
    '每平方米1850元',
    '1850元/平方米',
    '一平方1850',
    '1850块一个平方',
    '每平米1850',
    '一平1850块',
    '每平方米补偿1850元',
  ])('%s is a price of 1850 per m², not an area', (s) =>
    expect(only(s)).toMatchObject({ kind: 'unitPrice', lo: 1850, unit: '平方米' }),
  );
  it('a price per 亩 and per year', () => {
    expect(only('约定流转费每亩每年1100元')).toMatchObject({ kind: 'unitPrice', lo: 1100, unit: '亩' });
    expect(only('说好一亩一年一千一百块')).toMatchObject({ kind: 'unitPrice', lo: 1100, unit: '亩' });
  });
  it('two hundred and fifty-one square metres are not a price of 250', () => {
    expect(only('二百五十一个平方')).toMatchObject({ kind: 'area', lo: 251 });
  });
  it('1850元/平方米 and 1580元/平方米 conflict; another measure is another fact', () => {
    expect(agree('1850元/平方米', '一平方1580', 'unitPrice')).toBe(false);
    const c = compareKeyFacts(facts('1850元/平方米'), facts('每平方米1580元'));
    expect(c.conflict).toHaveLength(1);
    expect(c.agree).toHaveLength(0);
    // 6亩 is not 6平方米
    expect(factsAgree(only('6亩'), only('6平方米'))).toBe(false);
  });
});

describe('dates at year, month and day precision, and decades', () => {
  it.each([
    ['2019年6月', '2019年6月份'],
    ['19年6月', '2019年6月'],
    ['2019年六月', '2019-06'],
    ['2023年1月12日', '2023年1月12号'],
    ['2019年6月', '2019年'],
    ['我九几年进的厂', '本人于1996年进厂'],
    ['八几年盖的房子', '房屋建于1987年'],
  ])('%s agrees with %s', (a, b) => expect(agree(a, b, 'date')).toBe(true));

  it.each([
    ['2019年6月', '2019年7月'],
    ['2018年', '2019年'],
    ['2023年1月12日', '2023年1月13日'],
    ['九几年', '2003年'],
  ])('%s does not agree with %s (and conflicts)', (a, b) => {
    expect(agree(a, b, 'date')).toBe(false);
    expect(compareKeyFacts(facts(a), facts(b)).conflict).toHaveLength(1);
  });

  it('a month without a year takes the year written before it', () => {
    expect(facts('拖欠2022年10月至12月工资').map((f) => f.date)).toEqual([
      { y: 2022, m: 10 },
      { y: 2022, m: 12 },
    ]);
  });
});

describe('house numbers and building-unit-room', () => {
  it.each(['7幢1单元1202室', '7栋1202', '7号楼1202', '7幢1202室', '7栋1单元1202'])(
    '%s is building 7, room 1202',
    (s) => expect(only(s, 'room').room).toMatchObject({ building: 7, room: 1202 }),
  );
  it('agrees across forms, not with another room or building', () => {
    expect(agree('7栋1202', '7幢1单元1202室', 'room')).toBe(true);
    expect(agree('21幢1单元一楼102', '21幢1单元102室', 'room')).toBe(true);
    expect(agree('7栋1203', '7幢1单元1202室', 'room')).toBe(false);
    expect(agree('8栋1202', '7幢1单元1202室', 'room')).toBe(false);
    expect(agree('7幢2单元1202室', '7幢1单元1202室', 'room')).toBe(false);
  });
});

describe('company and place names with or without administrative prefix', () => {
  it.each([
    ['苏州恒川置业有限公司', '恒川置业公司'],
    ['江苏省苏州市恒川置业有限公司', '恒川公司'],
    ['南京同泰农业发展有限公司', '同泰农业发展公司'],
  ])('%s is %s', (a, b) => expect(agree(`买了${a}开发的`, `${b}不管`, 'organisation')).toBe(true));

  it.each([
    ['浙江省杭州市上城区采荷街道芙蓉新村', '上城区芙蓉新村'],
    ['浙江省杭州市上城区采荷街道芙蓉新村', '住在芙蓉新村'],
    ['江苏省苏州市吴中区木渎镇金枫苑小区', '金枫苑'],
  ])('%s is %s', (a, b) => expect(agree(a, b, 'place')).toBe(true));

  it('another company or estate does not agree', () => {
    expect(agree('苏州恒川置业有限公司', '万锦置业公司', 'organisation')).toBe(false);
    expect(agree('金枫苑小区', '翡翠湾小区', 'place')).toBe(false);
  });

  it('a name only one text has is neither agreement nor a new fact', () => {
    const c = compareKeyFacts(facts('恒川置业有限公司开发的金枫苑'), facts('2019年6月'));
    expect(c).toEqual({ agree: [], conflict: [], extra: [] });
  });
});
