import { execute, extendSchema, parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { baseSchema } from '../src/graphql/schema';
import { permissions, ruleMap } from '../src/graphql/permissions';
import { errorCode } from '../src/graphql/format-error';

/** A schema with one more query field that no rule mentions, resolved to a secret. */
function schemaWithUnruledField(): GraphQLSchema {
  const extended = extendSchema(baseSchema(), parse('extend type Query { unruledSecret: String }'));
  extended.getQueryType()!.getFields().unruledSecret.resolve = () => 'secret';
  return applyMiddleware(extended, permissions);
}

describe('deny by default', () => {
  it('denies an operation that no rule opens', async () => {
    const actor = {
      userId: 'u',
      name: 'u',
      role: 'ADMIN',
      unitId: 1,
      unitCode: 'ZJ',
      unitKind: 'PETITION_AGENCY',
      unitPath: '1',
    };
    const r = await execute({
      schema: schemaWithUnruledField(),
      document: parse('{ unruledSecret }'),
      contextValue: { actor },
    });
    expect(r.data?.unruledSecret ?? null).toBeNull();
    // Executed without Apollo: the code the formatter would give the client.
    expect(errorCode(r.errors?.[0])).toBe('FORBIDDEN');
  });

  it('denies a new field on a type that carries personal data until a rule opens it', async () => {
    const extended = extendSchema(baseSchema(), parse('extend type Case { unruledNote: String }'));
    (extended.getType('Case') as any).getFields().unruledNote.resolve = () => 'officer text';
    extended.getQueryType()!.getFields().case.resolve = () => ({ id: 1 });
    const schema = applyMiddleware(extended, permissions);
    const actor = {
      userId: 'u',
      name: 'u',
      role: 'CASE_OFFICER',
      unitId: 1,
      unitCode: 'ZJ',
      unitKind: 'DEPARTMENT',
      unitPath: '1',
    };
    const r = await execute({
      schema,
      document: parse('{ case(id: "1") { unruledNote } }'),
      contextValue: { actor },
    });
    expect((r.data as any)?.case?.unruledNote ?? null).toBeNull();
    // Executed without Apollo: the code the formatter would give the client.
    expect(errorCode(r.errors?.[0])).toBe('FORBIDDEN');
  });

  it('has an explicit rule for every query and mutation', () => {
    const schema = baseSchema();
    const listed = (type: 'Query' | 'Mutation') => Object.keys(ruleMap[type]).sort();
    expect(listed('Query')).toEqual(Object.keys(schema.getQueryType()!.getFields()).sort());
    expect(listed('Mutation')).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
  });
});
