/**
 * A PostgreSQL array literal for a `?::int[]` (or `?::text[]`) parameter: knex would expand a JS
 * array into a list of parameters. Only for numbers and for simple codes (no commas, quotes or
 * braces).
 */
export const arrayLiteral = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`;
