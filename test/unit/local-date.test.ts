import 'reflect-metadata';
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
  type GraphQLType,
} from 'graphql';
import { baseSchema } from '../../src/graphql/schema';
import { LOCAL_DATE_MESSAGE, LocalDate, recordLiteralNames } from '../../src/graphql/scalars/local-date';
import { InputBoundsError } from '../../src/errors';

/**
 * Calendar days are the scalar LocalDate (graphql/scalars/local-date.ts): graphql-scalars'
 * LocalDate with the hub's Chinese refusal, its 1900–2999 bound, and the YYYY-MM-DD string as
 * the value services receive and answer.
 */
describe('LocalDate', () => {
  it('parses and serializes a day as the YYYY-MM-DD string itself', () => {
    expect(LocalDate.parseValue('2026-02-28')).toBe('2026-02-28');
    expect(LocalDate.serialize('1900-01-01')).toBe('1900-01-01');
    expect(LocalDate.parseLiteral({ kind: 'StringValue', value: '2999-12-31' } as never, undefined)).toBe(
      '2999-12-31',
    );
  });

  it('refuses what is no real day in 1900–2999, with the Chinese message as a field problem', () => {
    for (const bad of [
      '2026-02-30',
      '2026/01/01',
      '',
      '2026-1-5',
      '0000-01-01',
      '3000-01-01',
      20260105,
      null,
    ]) {
      let error: any;
      try {
        LocalDate.parseValue(bad);
      } catch (e) {
        error = e;
      }
      expect(error?.originalError).toBeInstanceOf(InputBoundsError);
      expect(error.originalError.fields).toEqual([{ field: '日期', message: LOCAL_DATE_MESSAGE }]);
    }
  });

  it('names a bad literal by its argument or input field once the document is recorded', () => {
    const doc = parse('{ terminatedCases(filter: { terminatedFrom: "2026-02-30" }) { totalCount } }');
    recordLiteralNames(doc);
    const errors = validate(baseSchema(), doc);
    expect(errors.map((e) => (e.originalError as InputBoundsError).fields)).toEqual([
      [{ field: 'filter.terminatedFrom', message: LOCAL_DATE_MESSAGE }],
    ]);
  });

  it('types every field and argument named like a calendar day as LocalDate, none as String', () => {
    const dayName = /(At|On|Date|Due|From|To|^from|^to|deadline|asOf|periodEnd|windowStart)$/;
    const strings: string[] = [];
    const days: string[] = [];
    for (const type of Object.values(baseSchema().getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!isObjectType(type) && !isInputObjectType(type) && !isInterfaceType(type)) continue;
      for (const f of Object.values(type.getFields())) {
        const positions: { name: string; at: string; type: GraphQLType }[] = [
          { name: f.name, at: `${type.name}.${f.name}`, type: f.type },
        ];
        for (const a of 'args' in f ? f.args : [])
          positions.push({ name: a.name, at: `${type.name}.${f.name}(${a.name})`, type: a.type });
        for (const p of positions) {
          const named = getNamedType(p.type).name;
          if (named === 'String' && dayName.test(p.name)) strings.push(p.at);
          if (named === 'LocalDate') days.push(p.at);
        }
      }
    }
    expect(strings).toEqual([]);
    expect(days.length).toBe(90);
  });
});
