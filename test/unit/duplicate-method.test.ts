/**
 * Unit tests of the duplicate-check method (pure functions, no database), plus a small
 * held-out set written for this purpose: paraphrases in other words and related-but-new
 * matters that are NOT in the dev set (test/fixtures/dup-dev), so that the thresholds
 * are checked on text they were not tuned on. The case texts are copied from the dev
 * import (fictitious people and projects).
 */
import {
  compareContent,
  contentSimilarity,
  duplicateBlockers,
  DUPLICATE_MIN_CASE_EVENT_COVERAGE,
  DUPLICATE_MIN_SIMILARITY,
  DUPLICATE_MIN_TEXT_SIMILARITY,
  judge,
  matchReasons,
  matchScore,
  MAX_MATCHES,
  NON_DUPLICATE_SCORE_CAP,
  normaliseContent,
  parseNumeral,
  POSSIBLE_OTHER_PERSON_MIN_SIMILARITY,
  POSSIBLE_SAME_PERSON_MIN_SIMILARITY,
  profileContent,
  contentIndexText,
  type DuplicateCandidate,
  type DuplicateVerdict,
  type IdentityBy,
  type TerminatedCaseContent,
} from '../../src/modules/sharing/duplicate-method';

// --- terminated cases (facts and reasons + requests, acceptance, procedure dates) ---------
const CASES: Record<string, TerminatedCaseContent> = {
  'D-0001': {
    text: '本人于2019年6月购买杭州恒川置业有限公司开发的西湖区三墩镇锦澜府小区7幢1单元1202室，总价386万元。房屋于2021年12月交付，入住后卫生间和北阳台多次渗水，外墙瓷砖出现空鼓脱落。本人先后五次向物业和开发商报修，对方仅作局部打胶处理，2022年6月梅雨期间再次大面积渗漏，造成木地板起拱、定制衣柜霉变，损失约4.6万元。本人认为住建部门竣工验收把关不严，对开发商履行保修责任监管不力。\n要求住建部门责令开发商彻底维修渗漏部位，并督促其赔偿装修损失4.6万元。',
    acceptedAt: '2022-09-14',
    processDates: ['2022-10-11', '2022-12-10', '2023-02-08', '2024-02-23', '2024-03-05'],
    terminatedAt: '2024-02-23',
    decisionNumber: '浙信终字〔2024〕第46号',
  },
  'D-0004': {
    text: '本人居住的滨江区长河街道江南之星花园3幢与长河单元BJ0704地块商业综合体工地仅一路之隔。该项目施工单位浙江宏基建设集团有限公司自2022年10月起经常在晚上10点后进行混凝土浇筑和打桩作业，渣土车通宵进出，噪声最高达70多分贝。本人多次拨打12345投诉，工地停工一两天后又恢复夜间施工。家中有高三学生和高血压老人，休息严重受影响。本人认为主管部门监管不力，夜间施工审批过于随意。\n要求查处该工地违规夜间施工行为，停止22时后施工，并公开夜间施工审批情况。',
    acceptedAt: '2023-03-06',
    processDates: ['2023-04-25', '2023-06-03', '2023-08-01', '2024-02-23', '2024-03-05'],
    terminatedAt: '2024-02-23',
    decisionNumber: '浙信终字〔2024〕第48号',
  },
  'D-0013': {
    text: '2022年9月，本人在杭州车源汇汽车销售有限公司购买一辆2017年上牌的奥迪A4L二手车，成交价17.8万元，合同和车况表均标明行驶里程4.2万公里。2022年12月本人到4S店保养，查询维修记录显示该车2021年进店时里程已达13.6万公里，明显被调表。本人向市场监管部门投诉后，对方只愿退还5000元。本人认为商家构成欺诈，市场监管部门调解不成就终止处理，没有对商家进行处罚。\n要求查处车源汇公司的欺诈行为，责令其退车退款并按车价三倍赔偿。',
    acceptedAt: '2023-02-15',
    processDates: ['2023-04-11', '2023-06-10', '2024-04-11', '2024-04-14'],
    terminatedAt: '2024-04-11',
    decisionNumber: '浙信终字〔2024〕第71号',
  },
  'D-0021': {
    text: '本人1959年出生，患有糖尿病和腰椎病，无固定收入，自2017年起享受城市最低生活保障，每月领取低保金900余元。2022年3月民政部门核查时，以本人儿子名下有一辆价值14万元的小轿车为由，认定家庭财产超标，停发了本人的低保金。本人儿子早已成家，与本人分户居住十余年，从未给过赡养费，车辆是他跑业务用的。本人认为不应把已分户的儿子的财产算进本人家庭，取消低保不合理。\n要求恢复本人的最低生活保障待遇，补发停发期间的低保金。',
    acceptedAt: '2022-06-13',
    processDates: ['2022-08-09', '2022-09-30', '2022-11-10', '2024-05-12', '2024-05-19'],
    terminatedAt: '2024-05-12',
    decisionNumber: '浙信终字〔2024〕第78号',
  },
  'D-0028': {
    text: '本人在瓯海区潘桥街道温州鼎盛鞋业有限公司成型车间做流水线工人已有6年。2023年1月12日春节前，老板郑某突然失联，工厂停工，拖欠全厂近200名工人2022年10月至12月工资。本人被欠三个月工资共计2.37万元。人社部门启动欠薪应急周转金，只给每人垫付了一个月工资，本人领到7900元，其余1.58万元至今没有着落。本人认为人社部门处置不力，应查封工厂设备变卖抵偿工资。\n要求人社部门追回剩余工资1.58万元，依法追究老板拒不支付劳动报酬的责任。',
    acceptedAt: '2023-02-06',
    processDates: ['2023-03-31', '2023-05-25', '2023-07-12', '2024-02-08', '2024-02-15'],
    terminatedAt: '2024-02-08',
    decisionNumber: '浙信终字〔2024〕第26号',
  },
  'D-0033': {
    text: '本人原住房屋于2019年3月因潘桥街道南片区改造项目被征收，签订协议约定安置房丽湖花苑于2021年6月交付，过渡期内每月发放过渡费1800元。安置房至今未交付，而过渡费从2022年3月起被停发，理由是“协议约定过渡期最长36个月”。本人一家四口在外租房已三年多，每月房租2200元。本人认为安置房延期交付是政府原因造成的，停发过渡费不合理。\n要求恢复发放过渡费并按规定加倍支付逾期过渡费，明确安置房交付时间。',
    acceptedAt: '2022-07-04',
    processDates: ['2022-08-10', '2022-10-08', '2022-11-21', '2024-02-11', '2024-02-15'],
    terminatedAt: '2024-02-11',
    decisionNumber: '浙信终字〔2024〕第31号',
  },
  'D-0038': {
    text: '2019年3月，本村经济合作社组织村民将承包地统一流转给温州丰禾果蔬专业合作社种植大棚蔬菜，本人流转水田3.2亩，合同约定每亩每年流转费1100元，流转期10年。丰禾合作社2021年和2022年的流转费一直未付，本人被拖欠7040元。合作社负责人说大棚连年亏损，村里说钱是合作社欠的，村里不管。本人认为当初是村里牵头流转的，农业部门对流转项目缺乏监管，应当督促付款。\n要求督促丰禾合作社支付拖欠的2021年和2022年流转费7040元。',
    acceptedAt: '2022-10-10',
    processDates: ['2022-11-10', '2022-12-18', '2023-01-31', '2024-03-11', '2024-03-19'],
    terminatedAt: '2024-03-11',
    decisionNumber: '浙信终字〔2024〕第50号',
  },
};

function candidate(caseId: string, content: string, identityBy: IdentityBy | null): DuplicateCandidate {
  return { caseId, sameIdentity: identityBy !== null, identityBy, ...compareContent(content, CASES[caseId]) };
}

// --- held-out examples, written for these tests ------------------------------------------
type Kind = 'DUP' | 'DUP_NAME_PHONE' | 'RELATED_BUT_NEW' | 'NEW_MATTER' | 'OTHER_PERSON';
const ALLOWED: Record<Kind, DuplicateVerdict[]> = {
  DUP: ['DUPLICATE'],
  DUP_NAME_PHONE: ['DUPLICATE', 'POSSIBLE_DUPLICATE'],
  RELATED_BUT_NEW: ['NO_MATCH', 'POSSIBLE_DUPLICATE'],
  NEW_MATTER: ['NO_MATCH', 'POSSIBLE_DUPLICATE'],
  OTHER_PERSON: ['NO_MATCH', 'POSSIBLE_DUPLICATE'],
};
interface HeldOut {
  name: string;
  kind: Kind;
  caseId: string;
  identityBy: IdentityBy | null;
  content: string;
}
const HELD_OUT: HeldOut[] = [
  {
    name: 'retelling that cites the termination decision number',
    kind: 'DUP',
    caseId: 'D-0004',
    identityBy: 'ID_NUMBER',
    content:
      '本人家住长河街道江南之星花园3幢，马路对面是长河单元BJ0704地块商业综合体项目。从2022年10月开始，施工方宏基建设集团常常在夜里十点以后浇筑混凝土、打桩，渣土车整晚来回跑，噪声七十多分贝。打了很多次12345，工地停一两天又照样夜里干。家里有读高三的孩子和高血压的老人，没法休息。浙信终字〔2024〕第48号终结决定我不认可，主管部门监管不力、夜间施工审批随意，要求查处违规夜间施工，晚上22时以后停工，并公开审批情况。',
  },
  {
    name: 'colloquial retelling, amounts in Chinese numerals, no dates',
    kind: 'DUP',
    caseId: 'D-0028',
    identityBy: 'ID_NUMBER',
    content:
      '鼎盛鞋业成型车间我干了六年流水线，老板姓郑的过年前突然人找不到了，厂也停了，差不多两百个工人三个月工资没拿到，我被欠两万三千七。欠薪周转金只垫了一个月，我拿到七千九，剩下一万五千八一直没人管。人社局处置不力，应该把厂里设备封了卖掉还工资，要求把剩下的钱追回来，追究老板拒不支付劳动报酬的责任。',
  },
  {
    name: 'reordered retelling with a two-digit year and a Chinese month',
    kind: 'DUP',
    caseId: 'D-0033',
    identityBy: 'ID_NUMBER',
    content:
      '过渡费的事：22年3月起街道就不给我发过渡费了，说协议里过渡期最多36个月。可安置房丽湖花苑本来说好2021年六月交房，到现在也没交。我家的老房子是2019年3月潘桥南片区改造时征收的，当时约定过渡期每月1800元。一家四口在外面租房三年多了，房租每月2200。房子拖着不交是政府的原因，要求恢复过渡费、逾期的加倍发，给个准确的交房时间。',
  },
  {
    name: 'retelling in full-width digits',
    kind: 'DUP',
    caseId: 'D-0038',
    identityBy: 'ID_NUMBER',
    content:
      '我家的承包地是２０１９年３月由村经济合作社统一组织流转给丰禾果蔬专业合作社的，水田３.２亩，说好每亩每年１１００元，期限１０年。可是２０２１年、２０２２年的流转费丰禾一直拖着没给，一共欠我７０４０元。丰禾负责人说大棚年年亏，村里说是合作社欠的与村里无关。当初是村里牵头搞的流转，农业部门也没监管，请督促丰禾把这两年的流转费付清。',
  },
  {
    name: 'retelling that mentions the termination notice month',
    kind: 'DUP',
    caseId: 'D-0013',
    identityBy: 'ID_NUMBER',
    content:
      '2024年4月我收到了终结告知书，但我还是不服。2022年9月我在车源汇汽车销售公司花17.8万元买了辆2017年上牌的奥迪A4L二手车，合同和车况表写的里程是4.2万公里。同年12月去4S店保养，查到这车2021年进店时已经跑了13.6万公里，明显调表。投诉后商家只愿退5000元，市场监管部门调解不成就终止处理，也没有处罚商家。要求查处欺诈，退车退款并三倍赔偿。',
  },
  {
    name: 'says it was reported before, then retells the same matter',
    kind: 'DUP',
    caseId: 'D-0028',
    identityBy: 'ID_NUMBER',
    content:
      '这件事我之前反映过，到现在也没解决。我在潘桥鼎盛鞋业成型车间干了6年，2023年1月12日老板郑某跑了，工厂停工，欠了全厂快200人2022年10月到12月的工资，我被欠2.37万。周转金只垫了一个月7900元，剩下1.58万没着落。人社部门应该查封设备变卖抵工资，追究老板责任。',
  },
  {
    name: 'retelling with "反映过好几次" near the end',
    kind: 'DUP',
    caseId: 'D-0021',
    identityBy: 'ID_NUMBER',
    content:
      '我1959年出生，有糖尿病和腰椎病，没有收入，2017年开始领低保，每月九百多。2022年3月民政核查说我儿子有辆14万的车，把低保停了。儿子分户十几年了，从来不给赡养费，车是他跑业务的。这事我反映过好几次，民政一直说符合规定。我还是认为不应该把分户儿子的财产算进来，要求恢复低保，补发停发的钱。',
  },
  {
    name: 'short summary by name + phone',
    kind: 'DUP_NAME_PHONE',
    caseId: 'D-0013',
    identityBy: 'NAME_PHONE',
    content:
      '车源汇卖给我的二手奥迪A4L被调过表，合同写4.2万公里，4S店记录2021年就13.6万公里了，17.8万买的，商家只肯退5000。市场监管调解不成就结案，没处罚，要求查处欺诈，退车退款三倍赔偿。',
  },
  {
    name: 'same project, flat delivered, new charge; no date, new amounts',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0033',
    identityBy: 'ID_NUMBER',
    content:
      '丽湖花苑安置房和过渡费的事以前反映过。现在安置房已经交了，但是街道通知说我家要补交超面积房款8.6万元，超出的12平方米按市场价每平方7200元算，协议里写的是按成本价。不交钱就不给办不动产证。要求按协议约定的成本价结算超面积部分。',
  },
  {
    name: 'same factory, what happened to the machines; no dates, no figures',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0028',
    identityBy: 'ID_NUMBER',
    content:
      '鼎盛鞋业老板欠薪跑路的事我之前反映过。听说厂房被银行收走抵债了，厂里的机器设备也被老板亲戚偷偷拉走卖了，工人工资还是没着落。要求公安机关立案查设备的去向，人社部门依法主张用设备变卖的钱优先支付工人工资。',
  },
  {
    name: 'same site, night piling again after termination',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0004',
    identityBy: 'ID_NUMBER',
    content:
      '江南之星花园3幢对面BJ0704地块的工地，以前处理过夜间施工的问题。2024年6月开始工地又在夜里打桩，这次是地块二期，施工单位换成了另一家公司，晚上十一二点还有渣土车进出，噪声七十多分贝。打12345没用。要求查处夜间违规施工。',
  },
  {
    name: 'allowance applied for again, refused for a new reason',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0021',
    identityBy: 'ID_NUMBER',
    content:
      '我的低保2022年3月因为儿子名下有车被停了，这个事以前反映过。2024年8月儿子已经把车卖了，我重新申请低保，街道又说我儿子在市区有一套房子，还是算家庭财产超标，不批。儿子早就和我分户了，他的房子不该算我的。要求重新审核我的低保申请。',
  },
  {
    name: 'same car, engine failure found later',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0013',
    identityBy: 'ID_NUMBER',
    content:
      '车源汇汽车销售公司卖给我的那辆奥迪A4L二手车，调表的事以前投诉过。2024年10月这辆车在高速上发动机突然故障熄火，4S店检查说是发动机曾经泡过水、大修过，修理报价3.6万元。车源汇卖车时从没告诉过我这是泡水车。要求查处隐瞒泡水车事实的欺诈行为，由车源汇承担维修费用。',
  },
  {
    name: 'full recap of the old facts, then a new leak caused by the upstairs flat',
    kind: 'RELATED_BUT_NEW',
    caseId: 'D-0001',
    identityBy: 'ID_NUMBER',
    content:
      '我家锦澜府7幢1单元1202室，2019年6月花386万从恒川置业买的，2021年12月交房后卫生间、北阳台渗水，外墙瓷砖空鼓，2022年6月梅雨时大面积渗漏，损失4.6万，这些以前都反映过。现在开发商做完防水后，楼上1302室业主装修时把卫生间防水层凿破，又漏到我家，吊顶塌了，物业不管。要求住建部门督促楼上业主修复防水，赔偿损失。',
  },
  {
    name: 'known petitioner, unrelated purchase',
    kind: 'NEW_MATTER',
    caseId: 'D-0013',
    identityBy: 'ID_NUMBER',
    content:
      '2024年11月我在网上旗舰店买了一台滚筒洗衣机，3299元，送货上门安装后第三天就漏水，把楼下天花板泡了。商家说是安装师傅的问题，安装公司说是机器质量问题，互相推诿，楼下邻居要我赔2000元。要求市场监管部门督促商家退货并承担损失。',
  },
  {
    name: 'another villager, same land-rent arrears with own figures',
    kind: 'OTHER_PERSON',
    caseId: 'D-0038',
    identityBy: null,
    content:
      '2019年3月村经济合作社牵头把承包地统一流转给温州丰禾果蔬专业合作社种大棚，我家流转了水田2.8亩，每亩每年1100元，流转期10年。2021年、2022年的流转费丰禾一直没付，欠我6160元。负责人说大棚亏本，村里说是合作社欠的不管。当初是村里牵头的，农业部门没有监管，要求督促丰禾付钱。',
  },
];

// -------------------------------------------------------------------------------------------

describe('normaliseContent / contentIndexText', () => {
  it('folds full-width to half-width, lower-cases, drops punctuation and whitespace', () => {
    expect(normaliseContent('ＡＢＣ１２３，你好　世界！\n Bj0704 ')).toBe('abc123你好世界bj0704');
    expect(normaliseContent('“过渡期最长36个月”。')).toBe('过渡期最长36个月');
    expect(normaliseContent('')).toBe('');
  });
  it('indexes the same normalised string', () => {
    expect(contentIndexText('拆迁补偿款，未足额发放！')).toBe(normaliseContent('拆迁补偿款未足额发放'));
  });
});

describe('facts extraction', () => {
  it.each([
    ['七万三', 73000],
    ['一百八', 180],
    ['2.37万', 23700],
    ['6万7', 67000],
    ['两万三千七', 23700],
    ['三百八十万', 3800000],
    ['十五', 15],
  ])('parseNumeral(%s) = %d', (s, v) => expect(parseNumeral(s)).toBe(v));

  it('reads dates, month ranges and colloquial years', () => {
    expect(profileContent('拖欠2022年10月至12月工资').dates).toEqual([
      { y: 2022, m: 10 },
      { y: 2022, m: 12 },
    ]);
    expect(profileContent('22年3月起停发').dates).toEqual([{ y: 2022, m: 3 }]);
    expect(profileContent('2021年六月交房').dates).toEqual([{ y: 2021, m: 6 }]);
    expect(profileContent('2023年1月12日春节前').dates).toEqual([{ y: 2023, m: 1, d: 12 }]);
  });

  it('reads amounts with units and approximations, not numerals inside words', () => {
    const p = profileContent('被欠2.37万元，损失五十多万，一直没人管，统一流转，38个平方');
    expect(p.facts).toMatchObject([
      { kind: 'amount', lo: 23700, hi: 23700, unit: '元', approx: false },
      { kind: 'amount', lo: 500000, unit: '元', approx: true },
      { kind: 'area', lo: 38, hi: 38, unit: '平方米', approx: false },
    ]);
    expect(p.facts[1].hi).toBeGreaterThanOrEqual(590000);
  });
});

describe('contentSimilarity', () => {
  const a = CASES['D-0028'].text as string;
  const b = HELD_OUT[1].content;
  const c = HELD_OUT[14].content;

  it('is symmetric and within [0, 1]', () => {
    for (const [x, y] of [
      [a, b],
      [a, c],
      [b, c],
      [a, ''],
    ]) {
      const s = contentSimilarity(x, y);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
      expect(contentSimilarity(y, x)).toBe(s);
    }
  });
  it('is 1 for the same text in another format and 0 against nothing', () => {
    expect(
      contentSimilarity(
        a,
        a.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      ),
    ).toBe(1);
    expect(contentSimilarity(a, '')).toBe(0);
  });
  it('ranks a retelling far above an unrelated text', () => {
    expect(contentSimilarity(a, b)).toBeGreaterThan(DUPLICATE_MIN_SIMILARITY);
    expect(contentSimilarity(a, c)).toBeLessThan(0.15);
  });
});

describe('judge: verdict rules', () => {
  const same = HELD_OUT[1]; // retelling of D-0028
  const unrelated = HELD_OUT[14].content;

  it('identity by ID number + same content → DUPLICATE, the case is the top match', () => {
    const r = judge([candidate('D-0028', same.content, 'ID_NUMBER')]);
    expect(r.verdict).toBe('DUPLICATE');
    expect(r.matches[0]).toMatchObject({ caseId: 'D-0028', sameIdentity: true });
    expect(r.matches[0].score).toBeGreaterThan(NON_DUPLICATE_SCORE_CAP);
  });
  it('identity + unrelated content → not DUPLICATE', () => {
    const r = judge([candidate('D-0028', unrelated, 'ID_NUMBER')]);
    expect(r.verdict).toBe('NO_MATCH');
    // the petitioner's own terminated matter is still listed, with its low similarity
    expect(r.matches).toMatchObject([{ caseId: 'D-0028', sameIdentity: true }]);
    expect(r.matches[0].contentSimilarity).toBeLessThan(POSSIBLE_SAME_PERSON_MIN_SIMILARITY);
  });
  it('no identity + same content → at most POSSIBLE_DUPLICATE', () => {
    const r = judge([candidate('D-0028', same.content, null)]);
    expect(r.verdict).toBe('POSSIBLE_DUPLICATE');
    expect(r.matches[0].score).toBeLessThanOrEqual(NON_DUPLICATE_SCORE_CAP);
  });
  it('no identity + unrelated content → NO_MATCH', () => {
    expect(judge([candidate('D-0028', unrelated, null)])).toEqual({ verdict: 'NO_MATCH', matches: [] });
    expect(judge([])).toEqual({ verdict: 'NO_MATCH', matches: [] });
  });
  it('name + phone that contradicts a given ID number is not enough for DUPLICATE', () => {
    const c = { ...candidate('D-0028', same.content, 'NAME_PHONE'), idNumberConflict: true };
    expect(judge([c]).verdict).toBe('POSSIBLE_DUPLICATE');
  });
  it('a date after the case was filed blocks DUPLICATE even with identical wording', () => {
    const c = { ...candidate('D-0028', same.content, 'ID_NUMBER'), newerDates: 1 };
    expect(duplicateBlockers(c)).toContain('dates after the case was filed');
    expect(judge([c]).verdict).toBe('POSSIBLE_DUPLICATE');
  });
  it('a duplicate outranks a closer text of another person; matches are sorted and capped', () => {
    const other = candidate('D-0028', CASES['D-0028'].text as string, null); // verbatim copy
    const dup = { ...candidate('D-0028', same.content, 'ID_NUMBER'), caseId: 'D-X' };
    const many = Array.from({ length: 15 }, (_, i) => ({ ...other, caseId: `O-${i}` }));
    const r = judge([...many, dup]);
    expect(r.verdict).toBe('DUPLICATE');
    expect(r.matches[0].caseId).toBe('D-X');
    expect(r.matches).toHaveLength(MAX_MATCHES);
    const scores = r.matches.map((m) => m.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(matchScore(other)).toBeLessThan(matchScore(dup));
  });
  it('the verdict is taken before the cut: many own unrelated matters do not push out another person’s possible match', () => {
    const own = candidate('D-0028', unrelated, 'ID_NUMBER'); // listed, never POSSIBLE
    const mine = Array.from({ length: MAX_MATCHES + 2 }, (_, i) => ({ ...own, caseId: `P-${i}` }));
    // another person's related matter at the POSSIBLE level (a later date), scoring below every own matter
    const other = {
      ...candidate('D-0028', same.content, null),
      caseId: 'O-1',
      contentSimilarity: POSSIBLE_OTHER_PERSON_MIN_SIMILARITY + 0.01,
      newerDates: 1,
    };
    expect(matchScore(other)).toBeLessThan(matchScore(own));
    const r = judge([...mine, other]);
    expect(r.verdict).toBe('POSSIBLE_DUPLICATE');
    expect(r.matches).toHaveLength(MAX_MATCHES);
    expect(r.matches[MAX_MATCHES - 1].caseId).toBe('O-1');
  });
});

describe('held-out examples (not in the dev set)', () => {
  it.each(HELD_OUT.map((h) => [`${h.kind}: ${h.name}`, h] as const))('%s', (_, h) => {
    const c = candidate(h.caseId, h.content, h.identityBy);
    const { verdict } = judge([c]);
    expect(ALLOWED[h.kind]).toContain(verdict);
  });

  it('keeps a margin: retellings clear the DUPLICATE similarity by >= 0.05', () => {
    for (const h of HELD_OUT.filter((x) => x.kind === 'DUP')) {
      const c = candidate(h.caseId, h.content, h.identityBy);
      expect(c.contentSimilarity).toBeGreaterThanOrEqual(DUPLICATE_MIN_SIMILARITY + 0.05);
      expect(duplicateBlockers(c)).toEqual([]);
    }
  });

  it('a recap of the old facts plus a new event, without reference or new date, is stopped by its new exact figure', () => {
    // the hardest shape: only the new room number "1302室" shows that something new happened
    const c = candidate(
      'D-0001',
      '我家锦澜府7幢1单元1202室，2019年6月花386万从恒川置业买的，2021年12月交房后卫生间、北阳台渗水，外墙瓷砖空鼓，2022年6月梅雨时大面积渗漏，损失4.6万。现在开发商做完防水后，楼上1302室业主装修时把卫生间防水层凿破，又漏到我家，吊顶塌了，物业不管。要求住建部门督促楼上业主修复防水，赔偿损失。',
      'ID_NUMBER',
    );
    expect(duplicateBlockers(c)).toEqual(['conflicting facts', 'new exact facts']);
    expect(judge([c]).verdict).toBe('POSSIBLE_DUPLICATE');
  });

  it('keeps a margin: every related-but-new matter is stopped by at least two independent gates', () => {
    for (const h of HELD_OUT.filter((x) => x.kind === 'RELATED_BUT_NEW' || x.kind === 'NEW_MATTER')) {
      const c = candidate(h.caseId, h.content, h.identityBy);
      expect(duplicateBlockers(c).length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('DUPLICATE carried by the facts, when the wording is plain', () => {
  it('a colloquial retelling that states every key fact is DUPLICATE although its wording is far apart', () => {
    const c = candidate(
      'D-0001',
      '要求住建局让开发商修好漏水，赔我4.6万。我19年6月份买的恒川置业锦澜府7栋1202，花了386万，21年12月交的房，卫生间阳台老是渗水，墙砖也掉，报修了五回都是打点胶糊弄。22年6月梅雨又漏得厉害，地板拱起来了，衣柜全霉了，损失四万多。',
      'ID_NUMBER',
    );
    expect(c.textSimilarity).toBeLessThan(DUPLICATE_MIN_TEXT_SIMILARITY + 0.15);
    expect(c.conflictingFacts).toBe(0);
    expect(judge([c]).verdict).toBe('DUPLICATE');
    expect(judge([c]).matches[0].reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^一致的金额：/),
        expect.stringMatching(/^一致的日期：/),
      ]),
    );
  });

  it('a recap of the purchase followed by another complaint is not: the case’s damage and sum are not restated', () => {
    const c = candidate(
      'D-0001',
      '本人2019年6月买的恒川置业锦澜府7幢1202室，总价386万元，2021年12月交付。现在小区地下车库经常积水，电梯经常坏，物业费却年年涨，业主多次投诉物业不整改。要求住建部门督促物业整改，降低物业费。',
      'ID_NUMBER',
    );
    expect(c.sharedEventFacts).toBeGreaterThanOrEqual(3);
    expect(c.caseEventCoverage).toBeLessThan(DUPLICATE_MIN_CASE_EVENT_COVERAGE);
    expect(judge([c]).verdict).toBe('POSSIBLE_DUPLICATE');
  });

  it('reasons do not tell whether a guessed house number or place is in the case; the score still weighs them', () => {
    const text = (room: string) =>
      `本人2019年6月买的恒川置业锦澜府7幢${room}室，总价386万元，2021年12月交付后卫生间渗水，损失4.6万元，要求赔偿。`;
    const right = candidate('D-0001', text('1202'), 'ID_NUMBER');
    const wrong = candidate('D-0001', text('1502'), 'ID_NUMBER');
    expect(right.facts.agree.some((f) => f.kind === 'room')).toBe(true);
    expect(wrong.facts.conflict.some((f) => f.kind === 'room')).toBe(true);
    const shown = (c: DuplicateCandidate) => matchReasons(c).filter((s) => !s.startsWith('文字相似度'));
    expect(shown(right)).toEqual(shown(wrong));
    expect(matchReasons(right).join()).not.toMatch(/门牌房号|地名|编号/);
    expect(right.conflictingFacts).toBeLessThan(wrong.conflictingFacts);
  });

  it('another price per square metre conflicts, and says so', () => {
    const c = candidate(
      'D-0001',
      '本人2019年6月买的恒川置业锦澜府7幢1202室，一平方1580，2021年12月交付后渗漏，损失4.6万元，要求赔偿。',
      'ID_NUMBER',
    );
    // the case states no price per m²: an extra fact, not a conflict; a case that states one conflicts
    expect(c.newExactFacts).toBeGreaterThan(0);
    expect(judge([c]).verdict).not.toBe('DUPLICATE');
  });
});
