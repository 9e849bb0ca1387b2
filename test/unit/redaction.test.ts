import fs from 'node:fs';
import path from 'node:path';
import { redactPersonalText } from '../../src/modules/petitioner/redaction';
import { addressParts } from '../../src/modules/petitioner/masking';

/** The dev set's D-0005 petitioner and the README's walkthrough petitioner. */
const SHEN = {
  name: '沈丽华',
  idNumber: '330102196212309387',
  phone: '13757108462',
  address: '浙江省杭州市上城区采荷街道芙蓉新村21幢1单元102室',
};
const YU = {
  name: '俞晓梅',
  idNumber: '330106197903159461',
  phone: '13867142593',
  address: '浙江省杭州市西湖区三墩镇锦澜府7幢1单元1202室',
};

const redact = (text: string, ...known: object[]) => redactPersonalText(text, known);

describe('redaction: the known person, in any spelling', () => {
  it('replaces the address without its province and city by the masked form', () => {
    expect(
      redact('本人住上城区采荷街道芙蓉新村21幢1单元102室。2022年7月，该单元住户申请加装电梯。', SHEN),
    ).toBe('本人住上城区****。2022年7月，该单元住户申请加装电梯。');
    expect(redact('住址：浙江省杭州市上城区采荷街道芙蓉新村21幢1单元102室', SHEN)).toBe(
      '住址：浙江省杭州市上城区****',
    );
    expect(redact('家住杭州上城采荷街道芙蓉新村21幢', SHEN)).toBe('家住杭州上城****');
  });

  it('finds the address with parts left out or spaced, and the estate alone', () => {
    expect(redact('购买恒川置业开发的锦澜府7幢1202室商品房，总价326万元', YU)).toBe(
      '购买恒川置业开发的****商品房，总价326万元',
    );
    expect(redact('芙蓉新村 21 幢 1 单元 102 室', SHEN)).toBe('****');
    expect(redact('反对芙蓉新村21幢1单元加装电梯审批问题', SHEN)).toBe('反对****加装电梯审批问题');
    expect(redact('芙蓉新村加装电梯', SHEN)).toBe('****加装电梯');
    // a street-level name alone is not an address: the street office keeps its name
    expect(redact('采荷街道办事处多次协调未果', SHEN)).toBe('采荷街道办事处多次协调未果');
  });

  it('replaces the ID number typed with spaces, dashes, full-width digits or a lower-case x', () => {
    const masked = '330106********9461';
    expect(redact('身份证330106197903159461', YU)).toBe(`身份证${masked}`);
    expect(redact('身份证 330106 19790315 9461 号', YU)).toBe(`身份证 ${masked} 号`);
    expect(redact('证号3301-0619-7903-1594-61', YU)).toBe(`证号${masked}`);
    expect(redact('证号３３０１０６１９７９０３１５９４６１', YU)).toBe(`证号${masked}`);
    expect(redact('老证号330106790315946', YU)).toBe(`老证号${masked}`);
    expect(redact('11010519491231002x', { idNumber: '11010519491231002X' })).toBe('110105********002X');
  });

  it('replaces the phone with dashes, spaces, brackets or +86', () => {
    expect(redact('电话138-6714-2593', YU)).toBe('电话138****2593');
    expect(redact('电话 138 6714 2593。', YU)).toBe('电话 138****2593。');
    expect(redact('+86 13867142593', YU)).toBe('+86 138****2593');
    expect(redact('座机(0571)87654321或87654321', { phone: '0571-87654321' })).toBe(
      '座机(0571******21或******21',
    );
  });

  it('replaces the name, spaced or the given name alone', () => {
    expect(redact('泄露 俞晓梅 信息', YU)).toBe('泄露 俞** 信息');
    expect(redact('信访人俞 晓 梅来访', YU)).toBe('信访人俞**来访');
    expect(redact('晓梅称生活困难', YU)).toBe('**称生活困难');
  });

  it('redacts the accountability facts of the issue', () => {
    expect(redact('泄露 俞晓梅 330106197903159461', YU)).toBe('泄露 俞** 330106********9461');
  });
});

describe('redaction: shapes, whoever they belong to', () => {
  it('masks ID-number-, phone- and house-number-shaped strings without knowing the person', () => {
    expect(redact('泄露 某人 330106197903159461')).toBe('泄露 某人 330106********9461');
    expect(redact('身份证号 110105 19491231 002x')).toBe('身份证号 110105********002X');
    expect(redact('联系电话13912345678，座机0571-88886666')).toBe('联系电话139****5678，座机0571******66');
    expect(redact('住文三路478号华星大厦')).toBe('住文三路****华星大厦');
    expect(redact('住和平新村3幢2单元501室')).toBe('住和平新村****');
    expect(redact('住3-2-501室')).toBe('住****');
    expect(redact('住5号楼302室')).toBe('住****');
    expect(redact('住前进村3组')).toBe('住前进村****');
  });

  it('keeps amounts, dates, company names, case and decision numbers', () => {
    const keep = [
      '总价326万元，要求赔偿损失2.6万元，另付1234567.89元',
      '2019年6月购买，2020年12月交付，2020-12-01报修，报修11次',
      '恒川置业与物业相互推诿，杭州恒川置业有限公司',
      '外部编号 D-0005，终结决定 浙信终字〔2026〕第12号',
      '（2021）浙0102民初1234号民事判决',
      '购买3室2厅商品房，面积89.5平方米',
      '上城区信访局，杭州市西湖区人民政府',
      '统一社会信用代码91330100MA2AXXXX1X',
    ];
    for (const text of keep) expect(redact(text, SHEN)).toBe(text);
  });

  it('leaves text without personal data alone and is null-safe on empty text', () => {
    expect(redact('', YU)).toBe('');
    expect(redact('开发商未按期维修', YU)).toBe('开发商未按期维修');
  });
});

describe('redaction: the development duplicate set', () => {
  const cases = fs
    .readFileSync(path.resolve(__dirname, '../fixtures/dup-dev/import.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind": "case"'))
    .map((l) => JSON.parse(l));
  const TEXTS = [
    'title',
    'factsAndReasons',
    'requests',
    'handlingOpinion',
    'reviewOpinion',
    'reReviewOpinion',
  ];

  it("leaves none of a petitioner's own values in its case's text", () => {
    let redacted = 0;
    for (const c of cases) {
      const p = c.petitioner;
      const detail = addressParts(p.address).detail;
      for (const f of TEXTS) {
        if (!c[f]) continue;
        const out = redactPersonalText(c[f], [p]);
        if (out !== c[f]) redacted++;
        for (const value of [p.name, p.idNumber, p.phone, detail, detail.replace(/\d+室$/, '')])
          expect({ ref: c.externalRef, f, leaked: out.includes(value) }).toEqual({
            ref: c.externalRef,
            f,
            leaked: false,
          });
      }
    }
    // the five cases of the issue whose facts carry the street address, and more (titles, opinions)
    expect(redacted).toBeGreaterThanOrEqual(5);
  });

  it('still finds the estate of D-0005 and D-0034 written without province and city', () => {
    const d5 = cases.find((c) => c.externalRef === 'D-0005');
    expect(redactPersonalText(d5.factsAndReasons, [d5.petitioner])).toMatch(/^本人住上城区\*{4}。2022年7月/);
    const d34 = cases.find((c) => c.externalRef === 'D-0034');
    expect(redactPersonalText(d34.factsAndReasons, [d34.petitioner])).toMatch(/^本人住瓯海区\*{4}。/);
  });
});
