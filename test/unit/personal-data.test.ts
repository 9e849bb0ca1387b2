import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  checkIdNumber,
  checkPhone,
  idNumberCheckChar,
  normaliseIdNumber,
  normaliseName,
  normalisePhone,
} from '../../src/modules/petitioner/identity';
import { BlindIndex, FieldCipher, parseKeyring } from '../../src/modules/petitioner/crypto';
import { maskAddress, maskIdNumber, maskName, maskPhone } from '../../src/modules/petitioner/masking';

// Valid numbers (check characters computed per GB 11643-1999).
const ID_X = '11010519491231002X';
const ID_DIGIT = '330106197903159461';
const ID_X2 = '33010619790315947X';

function expectFail(result: { ok: boolean; reason?: string }, reason: string | RegExp): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  if (typeof reason === 'string') expect(result.reason).toBe(reason);
  else expect(result.reason).toMatch(reason);
}

describe('identity: ID number', () => {
  it('normalises whitespace of every kind and lower-case x', () => {
    expect(normaliseIdNumber(' 1101 0519\t4912\n3100 2x ')).toBe(ID_X);
    expect(normaliseIdNumber('\u3000110105194912310\u200B02x\u3000')).toBe(ID_X);
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe(ID_X); // full-width
    expect(normaliseIdNumber('')).toBe('');
  });

  it('computes the check character', () => {
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(idNumberCheckChar('33010619790315946')).toBe('1');
  });

  it('accepts valid numbers and returns the normalised value', () => {
    expect(checkIdNumber(ID_X)).toEqual({ ok: true, value: ID_X });
    expect(checkIdNumber(ID_DIGIT)).toEqual({ ok: true, value: ID_DIGIT });
    expect(checkIdNumber(ID_X2)).toEqual({ ok: true, value: ID_X2 });
    expect(checkIdNumber('11010519491231002x')).toEqual({ ok: true, value: ID_X });
    expect(checkIdNumber(' 110105 19491231 002x\t')).toEqual({ ok: true, value: ID_X });
  });

  it('rejects empty input', () => {
    expectFail(checkIdNumber(''), '身份证号码不能为空');
    expectFail(checkIdNumber('  \t '), '身份证号码不能为空');
    expectFail(checkIdNumber(null), '身份证号码不能为空');
    expectFail(checkIdNumber(undefined), '身份证号码不能为空');
  });

  it('rejects wrong lengths, naming the length', () => {
    expectFail(checkIdNumber(ID_DIGIT.slice(0, 17)), '身份证号码应为18位（当前17位）');
    expectFail(checkIdNumber(ID_DIGIT + '1'), '身份证号码应为18位（当前19位）');
    expectFail(checkIdNumber('110105491231002'), '身份证号码应为18位（当前15位）');
  });

  it('rejects bad characters', () => {
    expectFail(checkIdNumber('1101051949123100XX'), /格式错误/);
    expectFail(checkIdNumber('11010519491231002Y'), /格式错误/);
    expectFail(checkIdNumber('11010519491231A02X'), /格式错误/);
  });

  it('rejects impossible, too early and future birth dates', () => {
    // 2023-02-30 does not exist (check character made valid so only the date is wrong)
    const feb30 = '11010120230230001';
    expectFail(checkIdNumber(feb30 + idNumberCheckChar(feb30)), '身份证号码中的出生日期无效');
    const feb29NonLeap = '11010120230229001';
    expectFail(checkIdNumber(feb29NonLeap + idNumberCheckChar(feb29NonLeap)), '身份证号码中的出生日期无效');
    const feb29Leap = '11010120000229001';
    expect(checkIdNumber(feb29Leap + idNumberCheckChar(feb29Leap)).ok).toBe(true);
    const month13 = '11010119901301001';
    expectFail(checkIdNumber(month13 + idNumberCheckChar(month13)), '身份证号码中的出生日期无效');
    const y1899 = '11010118991231001';
    expectFail(checkIdNumber(y1899 + idNumberCheckChar(y1899)), '身份证号码中的出生日期无效');
    const future = '11010120990101001';
    expectFail(checkIdNumber(future + idNumberCheckChar(future)), '身份证号码中的出生日期无效');
  });

  it('uses the China date for "not in the future"', () => {
    const first17 = '11010120240302001';
    const id = first17 + idNumberCheckChar(first17);
    // 2024-03-01T16:30Z is already 2024-03-02 00:30 in Beijing
    expect(checkIdNumber(id, new Date('2024-03-01T16:30:00Z')).ok).toBe(true);
    expectFail(checkIdNumber(id, new Date('2024-03-01T15:30:00Z')), '身份证号码中的出生日期无效');
  });

  it('rejects a wrong check character without revealing the expected one', () => {
    const wrong = ID_DIGIT.slice(0, 17) + '5';
    const r = checkIdNumber(wrong);
    expectFail(r, '身份证号码校验位错误');
    expectFail(checkIdNumber(ID_X.slice(0, 17) + '0'), '身份证号码校验位错误');
  });

  it('never echoes the number or its birth date in a reason', () => {
    const inputs = [
      ID_DIGIT.slice(0, 17) + '5',
      '11010120230230001' + idNumberCheckChar('11010120230230001'),
      ID_DIGIT.slice(0, 17),
      '1101051949123100XX',
    ];
    for (const input of inputs) {
      const r = checkIdNumber(input);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.reason).not.toContain(input.slice(6, 14));
      expect(r.reason).not.toMatch(/\d{6,}/);
    }
  });
});

describe('identity: phone', () => {
  it('normalises to digits and strips the country code', () => {
    expect(normalisePhone('138 1234 5678')).toBe('13812345678');
    expect(normalisePhone('138-1234-5678')).toBe('13812345678');
    expect(normalisePhone('+86 138 1234 5678')).toBe('13812345678');
    expect(normalisePhone('+8613812345678')).toBe('13812345678');
    expect(normalisePhone('8613812345678')).toBe('13812345678');
    expect(normalisePhone('0086 13812345678')).toBe('13812345678');
    expect(normalisePhone('１３８１２３４５６７８')).toBe('13812345678');
    expect(normalisePhone('(0571) 8800-1234')).toBe('057188001234');
    expect(normalisePhone('+86 571 8800 1234')).toBe('057188001234');
    expect(normalisePhone('+86 10 1234 5678')).toBe('01012345678');
  });

  it('accepts mobiles and landlines', () => {
    expect(checkPhone('13812345678')).toEqual({ ok: true, value: '13812345678' });
    expect(checkPhone(' +86 199-1234-5678 ')).toEqual({ ok: true, value: '19912345678' });
    expect(checkPhone('0571-88001234')).toEqual({ ok: true, value: '057188001234' });
    expect(checkPhone('0571-8800123')).toEqual({ ok: true, value: '05718800123' });
    expect(checkPhone('010-12345678')).toEqual({ ok: true, value: '01012345678' });
    expect(checkPhone('(021)62345678')).toEqual({ ok: true, value: '02162345678' });
  });

  it('rejects invalid numbers with specific reasons', () => {
    expectFail(checkPhone(''), '电话号码不能为空');
    expectFail(checkPhone(null), '电话号码不能为空');
    expectFail(checkPhone('1381234567'), '手机号码应为11位（当前10位）');
    expectFail(checkPhone('138123456789'), '手机号码应为11位（当前12位）');
    expectFail(checkPhone('12812345678'), /号段无效/);
    expectFail(checkPhone('0571-880012'), /固定电话/);
    expectFail(checkPhone('010-1234567'), /固定电话/);
    expectFail(checkPhone('4008001234'), /格式错误/);
    expectFail(checkPhone('138abc12345678'), /无效字符/);
    expectFail(checkPhone('0571-88001234转801'), /无效字符/);
  });

  it('never echoes the number in a reason', () => {
    for (const input of ['1381234567', '12812345678', '0571-880012', '4008001234']) {
      const r = checkPhone(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).not.toMatch(/\d{4,}/);
    }
  });
});

describe('identity: name', () => {
  it('trims and collapses inner whitespace', () => {
    expect(normaliseName('  张三 ')).toBe('张三');
    expect(normaliseName('\u3000张三\t')).toBe('张三');
    expect(normaliseName(' John   \n Smith ')).toBe('John Smith');
  });

  it('unifies middle dots', () => {
    expect(normaliseName('阿沛 · 阿旺晋美')).toBe('阿沛·阿旺晋美');
    expect(normaliseName('阿沛•阿旺晋美')).toBe('阿沛·阿旺晋美');
    expect(normaliseName('阿沛．阿旺晋美')).toBe('阿沛·阿旺晋美');
  });
});

describe('FieldCipher', () => {
  const k1 = { id: 'k1', key: randomBytes(32) };
  const k2 = { id: 'k2', key: randomBytes(32) };

  it('round-trips, including empty and non-ASCII text, with a random IV', () => {
    const c = new FieldCipher({ keys: [k1], currentKeyId: 'k1' });
    for (const plain of ['张三', '', ID_X, '浙江省杭州市西湖区三墩镇锦澜府7幢1单元1202室', '😀']) {
      const sealed = c.encrypt(plain);
      expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
      expect(sealed).not.toContain(plain || '\u0000');
      expect(c.decrypt(sealed)).toBe(plain);
    }
    expect(c.encrypt('张三')).not.toBe(c.encrypt('张三'));
  });

  it('validates its configuration', () => {
    expect(() => new FieldCipher({ keys: [], currentKeyId: 'k1' })).toThrow(/at least one key/);
    expect(() => new FieldCipher({ keys: [{ id: 'k1', key: randomBytes(16) }], currentKeyId: 'k1' })).toThrow(
      /key "k1" must be 32 bytes \(got 16 bytes\)/,
    );
    expect(() => new FieldCipher({ keys: [k1], currentKeyId: 'k9' })).toThrow(/current key id "k9"/);
    expect(() => new FieldCipher({ keys: [k1, { ...k2, id: 'k1' }], currentKeyId: 'k1' })).toThrow(
      /duplicate key id "k1"/,
    );
    expect(
      () => new FieldCipher({ keys: [{ id: 'k.1', key: randomBytes(32) }], currentKeyId: 'k.1' }),
    ).toThrow(/invalid key id/);
  });

  it('detects tampering', () => {
    const c = new FieldCipher({ keys: [k1], currentKeyId: 'k1' });
    const sealed = c.encrypt('13812345678');
    const [v, id, iv, tag, ct] = sealed.split('.');
    const flip = (s: string): string => {
      const b = Buffer.from(s, 'base64url');
      b[0] ^= 1;
      return b.toString('base64url');
    };
    expect(() => c.decrypt([v, id, iv, tag, flip(ct)].join('.'))).toThrow(/authentication failed/);
    expect(() => c.decrypt([v, id, flip(iv), tag, ct].join('.'))).toThrow(/authentication failed/);
    expect(() => c.decrypt([v, id, iv, flip(tag), ct].join('.'))).toThrow(/authentication failed/);
    // truncated tag must not be accepted
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => c.decrypt([v, id, iv, shortTag, ct].join('.'))).toThrow(/malformed/);
    expect(() => c.decrypt('garbage')).toThrow(/malformed/);
    expect(() => c.decrypt(['v2', id, iv, tag, ct].join('.'))).toThrow(/unsupported/);
    expect(() => c.decrypt([v, id, iv + '!', tag, ct].join('.'))).toThrow(/malformed/);
  });

  it('error messages never contain plaintext or key material', () => {
    const c = new FieldCipher({ keys: [k1], currentKeyId: 'k1' });
    const sealed = c.encrypt('13812345678', 'petitioner.phone');
    let message = '';
    try {
      c.decrypt(sealed, 'petitioner.name');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/authentication failed/);
    expect(message).not.toContain('13812345678');
    expect(message).not.toContain(k1.key.toString('base64'));
    expect(message).not.toContain(sealed);
    expect(inspect(c)).not.toContain(k1.key.toString('hex').slice(0, 16));
    expect(JSON.stringify({ c })).not.toContain(k1.key.toString('base64'));
  });

  it('rotates keys: old ciphertexts still decrypt and are flagged for re-encryption', () => {
    const before = new FieldCipher({ keys: [k1], currentKeyId: 'k1' });
    const old = before.encrypt('张三', 'petitioner.name');
    expect(before.keyIdOf(old)).toBe('k1');
    expect(before.needsReencryption(old)).toBe(false);

    const after = new FieldCipher({ keys: [k1, k2], currentKeyId: 'k2' });
    expect(after.currentKeyId).toBe('k2');
    expect(after.decrypt(old, 'petitioner.name')).toBe('张三');
    expect(after.needsReencryption(old)).toBe(true);
    const fresh = after.reencrypt(old, 'petitioner.name');
    expect(after.keyIdOf(fresh)).toBe('k2');
    expect(after.needsReencryption(fresh)).toBe(false);
    expect(after.decrypt(fresh, 'petitioner.name')).toBe('张三');

    // a cipher that lost k1 reports the unknown key id
    const onlyK2 = new FieldCipher({ keys: [k2], currentKeyId: 'k2' });
    expect(() => onlyK2.decrypt(old, 'petitioner.name')).toThrow('FieldCipher: unknown key id "k1"');
    // same id, different key material → authentication failure
    const impostor = new FieldCipher({ keys: [{ id: 'k1', key: randomBytes(32) }], currentKeyId: 'k1' });
    expect(() => impostor.decrypt(old, 'petitioner.name')).toThrow(/authentication failed/);
  });

  it('binds ciphertexts to their field via AAD', () => {
    const c = new FieldCipher({ keys: [k1], currentKeyId: 'k1' });
    const sealed = c.encrypt(ID_X, 'petitioner.id_number');
    expect(c.decrypt(sealed, 'petitioner.id_number')).toBe(ID_X);
    expect(() => c.decrypt(sealed, 'petitioner.phone')).toThrow(/authentication failed/);
    expect(() => c.decrypt(sealed)).toThrow(/authentication failed/);
    const noAad = c.encrypt(ID_X);
    expect(() => c.decrypt(noAad, 'petitioner.id_number')).toThrow(/authentication failed/);
    // the key id in the header is authenticated too
    const c2 = new FieldCipher({ keys: [k1, { id: 'k1b', key: k1.key }], currentKeyId: 'k1' });
    const swapped = sealed.replace(/^v1\.k1\./, 'v1.k1b.');
    expect(() => c2.decrypt(swapped, 'petitioner.id_number')).toThrow(/authentication failed/);
  });

  it('does not keep a reference to the caller’s key buffers', () => {
    const key = randomBytes(32);
    const c = new FieldCipher({ keys: [{ id: 'k1', key }], currentKeyId: 'k1' });
    const sealed = c.encrypt('x');
    key.fill(0);
    expect(c.decrypt(sealed)).toBe('x');
  });
});

describe('parseKeyring', () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it('parses entries; the last one is current', () => {
    const ring = parseKeyring(`k1:${a.toString('base64')}, k2:${b.toString('base64url')}`);
    expect(ring.currentKeyId).toBe('k2');
    expect(ring.keys.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(ring.keys[0].key.equals(a)).toBe(true);
    expect(ring.keys[1].key.equals(b)).toBe(true);
    const c = FieldCipher.fromSpec(`k1:${a.toString('base64')}`);
    expect(c.currentKeyId).toBe('k1');
  });

  it('reports problems clearly without echoing key material', () => {
    const a64 = a.toString('base64');
    expect(() => parseKeyring('')).toThrow(/empty/);
    expect(() => parseKeyring('   ')).toThrow(/empty/);
    expect(() => parseKeyring(`k1:${a64},,k2:${b.toString('base64')}`)).toThrow('Keyring: entry 2 is empty');
    expect(() => parseKeyring(a64)).toThrow(/entry 1 .*missing ":"/);
    expect(() => parseKeyring(`k1:`)).toThrow('Keyring: key "k1" is empty');
    expect(() => parseKeyring(`k1:not*base64!`)).toThrow('Keyring: key "k1" is not valid base64');
    expect(() => parseKeyring(`k1:${randomBytes(16).toString('base64')}`)).toThrow(
      'Keyring: key "k1" must decode to 32 bytes (got 16)',
    );
    expect(() => parseKeyring(`k1:${a64},k1:${b.toString('base64')}`)).toThrow(
      'Keyring: duplicate key id "k1"',
    );
    expect(() => parseKeyring(`k.1:${a64}`)).toThrow(/entry 1 has an invalid key id/);
    try {
      parseKeyring(`k1:${a64.slice(0, 20)}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(a64.slice(0, 20));
    }
  });
});

describe('BlindIndex', () => {
  const key = randomBytes(32);
  const bi = new BlindIndex(key);

  it('requires a key of at least 32 bytes', () => {
    expect(() => new BlindIndex(randomBytes(31))).toThrow(/at least 32 bytes \(got 31 bytes\)/);
    expect(() => new BlindIndex(randomBytes(64))).not.toThrow();
  });

  it('is stable across spellings of the same ID number', () => {
    const h = bi.idNumber(ID_X2);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(bi.idNumber('33010619790315947x ')).toBe(h);
    expect(bi.idNumber(' 330106 19790315 947X\t')).toBe(h);
    expect(bi.idNumber(ID_DIGIT)).not.toBe(h);
  });

  it('is stable across spellings of the same phone number', () => {
    const h = bi.phone('13812345678');
    expect(bi.phone('+86 138-1234-5678')).toBe(h);
    expect(bi.phone('138 1234 5678')).toBe(h);
    expect(bi.phone('13812345679')).not.toBe(h);
  });

  it('combines name and phone', () => {
    const h = bi.namePhone('张三', '13812345678');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(bi.namePhone(' 张三 ', '138-1234-5678')).toBe(h);
    expect(bi.namePhone('张四', '13812345678')).not.toBe(h);
    expect(bi.namePhone('张三', '13812345679')).not.toBe(h);
    expect(bi.namePhone('张三', null)).toBeNull();
    expect(bi.namePhone('', '13812345678')).toBeNull();
  });

  it('separates domains: the same normalised string hashes differently per field', () => {
    expect(bi.idNumber('13812345678')).not.toBe(bi.phone('13812345678'));
  });

  it('returns null for null/empty input', () => {
    expect(bi.idNumber(null)).toBeNull();
    expect(bi.idNumber(undefined)).toBeNull();
    expect(bi.idNumber('  ')).toBeNull();
    expect(bi.phone(null)).toBeNull();
    expect(bi.phone('')).toBeNull();
    expect(bi.phone('--')).toBeNull();
  });

  it('differs with a different key and is deterministic for the same key', () => {
    expect(new BlindIndex(randomBytes(32)).idNumber(ID_X2)).not.toBe(bi.idNumber(ID_X2));
    expect(new BlindIndex(Buffer.from(key)).idNumber(ID_X2)).toBe(bi.idNumber(ID_X2));
  });
});

describe('masking', () => {
  it('masks names', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName(' 李四 ')).toBe('李*');
    expect(maskName('张')).toBe('*');
    expect(maskName('𠮷田')).toBe('𠮷*'); // astral character counts as one
    expect(maskName('')).toBe('');
    expect(maskName(null)).toBeNull();
    expect(maskName(undefined)).toBeNull();
  });

  it('masks ID numbers', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110101********1234');
    expect(maskIdNumber('11010519491231002x')).toBe('110105********002X');
    expect(maskIdNumber(' 110105 19491231002X ')).toBe('110105********002X');
    expect(maskIdNumber('110105491231002')).toBe('110105******002');
    expect(maskIdNumber('12345')).toBe('*****');
    expect(maskIdNumber(null)).toBeNull();
  });

  it('masks phones', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
    expect(maskPhone('0571-88001234')).toBe('0571******34');
    expect(maskPhone('0571-8800123')).toBe('0571*****23');
    expect(maskPhone('010-12345678')).toBe('010******78');
    expect(maskPhone('123')).toBe('***');
    expect(maskPhone('4008001234')).toBe('********34');
    expect(maskPhone('abc')).toBe('****');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(null)).toBeNull();
  });

  it('masks addresses to the county level', () => {
    const cases: Array<[string, string]> = [
      ['浙江省杭州市西湖区三墩镇锦澜府7幢1单元1202室', '浙江省杭州市西湖区****'],
      ['浙江省 杭州市 西湖区 三墩镇', '浙江省杭州市西湖区****'],
      ['北京市朝阳区建国路88号', '北京市朝阳区****'],
      ['上海市浦东新区世纪大道100号', '上海市浦东新区****'],
      ['北京市市辖区东城区东华门街道', '北京市市辖区东城区****'],
      ['广东省广州市天河区天河路385号', '广东省广州市天河区****'],
      ['浙江省温州市鹿城区五马街道', '浙江省温州市鹿城区****'],
      ['浙江省金华市义乌市稠城街道', '浙江省金华市义乌市****'],
      ['山东省济南市市中区经四路', '山东省济南市市中区****'],
      ['湖南省常德市津市市襄阳街', '湖南省常德市津市市****'],
      ['湖北省荆州市沙市区中山路', '湖北省荆州市沙市区****'],
      ['河北省邢台市平乡县丰州镇', '河北省邢台市平乡县****'],
      ['湖北省恩施土家族苗族自治州恩施市舞阳坝街道', '湖北省恩施土家族苗族自治州恩施市****'],
      ['内蒙古自治区锡林郭勒盟锡林浩特市', '内蒙古自治区锡林郭勒盟锡林浩特市****'],
      ['内蒙古自治区乌兰察布市察哈尔右翼前旗土贵乌拉镇', '内蒙古自治区乌兰察布市察哈尔右翼前旗****'],
      ['西藏自治区阿里地区普兰县', '西藏自治区阿里地区普兰县****'],
      ['广西壮族自治区南宁市青秀区民族大道', '广西壮族自治区南宁市青秀区****'],
      ['新疆维吾尔自治区伊犁哈萨克自治州伊宁市', '新疆维吾尔自治区伊犁哈萨克自治州伊宁市****'],
      ['云南省普洱市宁洱哈尼族彝族自治县宁洱镇', '云南省普洱市宁洱哈尼族彝族自治县****'],
      // partial: county missing or below-county text that merely ends in 区/市
      ['广东省东莞市长安镇振安中路188号', '广东省东莞市****'],
      ['浙江省杭州市锦澜小区7幢', '浙江省杭州市****'],
      ['浙江省杭州市农贸市场5号', '浙江省杭州市****'],
      ['浙江省西湖区三墩镇', '浙江省西湖区****'],
      ['杭州市西湖区三墩镇', '杭州市西湖区****'],
      ['浙江省', '浙江省****'],
    ];
    for (const [input, expected] of cases) expect([input, maskAddress(input)]).toEqual([input, expected]);
  });

  it('falls back to at most the first 6 characters when the address cannot be parsed', () => {
    expect(maskAddress('锦澜府七幢一单元一二零二室')).toBe('锦澜府七幢一****');
    expect(maskAddress('锦澜府7幢1单元1202室')).toBe('锦澜府****'); // stops before the first digit
    expect(maskAddress('某某小区')).toBe('某某****'); // never more than half
    expect(maskAddress('')).toBe('');
    expect(maskAddress(null)).toBeNull();
  });
});
