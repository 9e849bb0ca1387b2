import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../shared/paging';

@ObjectType('PageInfo', { description: '分页信息' })
export class PageInfo {
  @Field({ description: '是否还有下一页' })
  hasNextPage!: boolean;
  @Field(() => String, { nullable: true, description: '本页最后一条的游标，传给 after 取下一页' })
  endCursor!: string | null;
}

/** A cursor-paginated list type `<Name>Connection { nodes, pageInfo, totalCount }`. */
export function Connection<T extends object>(name: string, node: ClassType<T>, description: string) {
  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [node], { description: '本页记录' })
    nodes!: T[];
    @Field(() => PageInfo)
    pageInfo!: PageInfo;
    @Field(() => Int, { description: '符合条件的记录总数' })
    totalCount!: number;
  }
  return ConnectionType;
}

export function toConnection<T>(page: Page<T>) {
  return {
    nodes: page.nodes,
    totalCount: page.totalCount,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  };
}
