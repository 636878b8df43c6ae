/**
 * Connection edges whose cursor is signed only when a client reads it. A cursor costs an HMAC,
 * and most operations (a chat window opening with `last: 20`) select `node` and at most
 * `pageInfo.startCursor`: signing every edge up front would spend the HMAC on 20 edges for one
 * cursor read, or for none. Each cursor is still computed at most once per edge.
 */

/** One edge: `node` as given, `cursor` signed on first read. */
export class LazyEdge<Item, Node> {
  #cursor: string | undefined;
  readonly #item: Item;
  readonly #sign: (item: Item) => string;

  constructor(readonly node: Node, item: Item, sign: (item: Item) => string) {
    this.#item = item;
    this.#sign = sign;
  }

  get cursor(): string {
    return (this.#cursor ??= this.#sign(this.#item));
  }
}

/** A connection's page: the edges and `pageInfo`, whose start and end cursors are read lazily too. */
export interface LazyPage<Item, Node> {
  edges: LazyEdge<Item, Node>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
}

/**
 * Builds a page over `items` (in edge order).
 * @param toNode the edge's node (built at once: resolvers read it)
 * @param sign the item's opaque cursor (called at most once per edge, only when read)
 */
export function lazyPage<Item, Node>(
  items: readonly Item[],
  toNode: (item: Item) => Node,
  sign: (item: Item) => string,
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
): LazyPage<Item, Node> {
  const edges = items.map((item) => new LazyEdge(toNode(item), item, sign));
  return {
    edges,
    pageInfo: {
      hasNextPage: flags.hasNextPage,
      hasPreviousPage: flags.hasPreviousPage,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
