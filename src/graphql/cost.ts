import { Extensions } from 'type-graphql';

/**
 * What a field adds to a query's cost (graphql/limits.ts), declared where the field is defined:
 *
 *     @Cost({ pageCap: PAGE_MAX })
 *     @Query(() => CaseConnection, …)
 *
 * A field that declares nothing costs 1, plus what is selected under it — times `first` (or
 * `last`) for a page, times DEFAULT_LIST_SIZE for any other list.
 */
export interface FieldCost {
  /**
   * The field's own cost, when more than 1: root fields that aggregate or scan rather than look
   * up (their work grows with the cases and audit entries of a subtree, not with what they return).
   */
  own?: number;
  /**
   * The field's work is the whole audit log: it costs the entire budget (GRAPHQL_MAX_COST), so a
   * request may carry it once and nothing beside it.
   */
  wholeBudget?: boolean;
  /** A paged field: its service's page cap; a larger `first` is counted as this many. */
  pageCap?: number;
  /** An unpaged list whose length something other than the caller bounds: the items assumed. */
  assumedSize?: number;
}

/** Declares a field's cost (`@Extensions({ cost })`, read back by `costOf`). */
export const Cost = (cost: FieldCost) => Extensions({ cost });

/** The cost a field declared, if any. */
export const costOf = (field: { extensions?: unknown }): FieldCost | undefined =>
  (field.extensions as { cost?: FieldCost } | null | undefined)?.cost;
