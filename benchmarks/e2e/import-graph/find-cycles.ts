/** A directed graph: each node and the nodes it points to. */
export type Graph = ReadonlyMap<string, ReadonlySet<string>>;

/** The nodes of a graph that import one another round, and one chain through them. */
export interface CycleOfNodes {
  /** Every node of the strongly connected component, sorted. */
  readonly members: readonly string[];
  /** A shortest chain from the first member back to itself: `[a, b, a]`. */
  readonly chain: readonly string[];
}

/**
 * One cycle per strongly connected component of more than one node, its chain starting and ending at the
 * component's first node in sort order. Edges from a node to itself are ignored.
 */
export function findCycles(graph: Graph): CycleOfNodes[] {
  return stronglyConnected(graph)
    .filter((component) => component.length > 1)
    .map((component) => {
      const members = [...component].sort();
      const start = members[0]!;
      return { members, chain: [...shortestPathBack(graph, start, new Set(members)), start] };
    })
    .sort((a, b) => a.members.join('\n').localeCompare(b.members.join('\n')));
}

/** Tarjan's algorithm, iteratively: the strongly connected components of the graph. */
function stronglyConnected(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const successors = (node: string) => [...(graph.get(node) ?? [])].filter((next) => next !== node);
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; next: string[] }[] = [];
    const visit = (node: string) => {
      index.set(node, index.size);
      low.set(node, index.get(node)!);
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: successors(node) });
    };
    visit(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const next = frame.next.shift();
      if (next !== undefined) {
        if (!index.has(next)) visit(next);
        else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** The shortest path from `start` back to itself inside `members` (breadth first), without the final `start`. */
function shortestPathBack(graph: Graph, start: string, members: ReadonlySet<string>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!members.has(next) || next === node) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return path;
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}
