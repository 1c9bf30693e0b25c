/**
 * A trie over token sequences. Matching walks at most MAX_PHRASE_TOKENS tokens from each start
 * position and keeps at most MAX_ACTIVE partial matches, so the cost is linear in the number of
 * tokens whatever the input: there are no regular expressions and nothing a poster can make backtrack.
 */
import type { Token } from '../normalise/tokens.ts';

export const MAX_PHRASE_TOKENS = 8;
const MAX_ACTIVE = 8;
/** Pattern token that matches any number ("# roses"). */
export const NUMBER_SLOT = '#';

interface Node {
  next: Map<string, Node>;
  num?: Node;
  out: number[];
}

export interface PhraseHit {
  /** Index of the payload passed to `add`. */
  payload: number;
  /** Token range [first, last). */
  first: number;
  last: number;
  /** Transformations needed to read the tokens this way (intersection over equivalent readings). */
  flags: number;
}

const newNode = (): Node => ({ next: new Map(), out: [] });

export class PhraseTrie {
  private readonly root = newNode();
  private depth = 0;

  add(tokens: readonly string[], payload: number): void {
    if (tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS) throw new RangeError(`phrase must have 1..${MAX_PHRASE_TOKENS} tokens`);
    let node = this.root;
    for (const t of tokens) {
      if (t === NUMBER_SLOT) node = node.num ??= newNode();
      else {
        let child = node.next.get(t);
        if (!child) node.next.set(t, (child = newNode()));
        node = child;
      }
    }
    node.out.push(payload);
    this.depth = Math.max(this.depth, tokens.length);
  }

  match(tokens: readonly Token[], onHit: (hit: PhraseHit) => void): void {
    const nodes: Node[] = [];
    const flags: number[] = [];
    const nextNodes: Node[] = [];
    const nextFlags: number[] = [];
    for (let i = 0; i < tokens.length; i++) {
      nodes.length = 0;
      flags.length = 0;
      nodes.push(this.root);
      flags.push(0);
      for (let d = 0; d < this.depth && i + d < tokens.length && nodes.length > 0; d++) {
        const tok = tokens[i + d];
        nextNodes.length = 0;
        nextFlags.length = 0;
        const consider = (child: Node | undefined, f: number): void => {
          if (!child) return;
          const k = nextNodes.indexOf(child);
          if (k >= 0) nextFlags[k] &= f; // reachable both ways: only what both readings needed counts
          else if (nextNodes.length < MAX_ACTIVE) {
            nextNodes.push(child);
            nextFlags.push(f);
          }
        };
        for (let a = 0; a < nodes.length; a++) {
          const node = nodes[a];
          for (let k = 0; k < tok.forms.length; k++) consider(node.next.get(tok.forms[k]), flags[a] | tok.formFlags[k]);
          if (tok.numeric) consider(node.num, flags[a]);
        }
        nodes.length = 0;
        flags.length = 0;
        for (let a = 0; a < nextNodes.length; a++) {
          nodes.push(nextNodes[a]);
          flags.push(nextFlags[a]);
          for (const payload of nextNodes[a].out) onHit({ payload, first: i, last: i + d + 1, flags: nextFlags[a] });
        }
      }
    }
  }
}
