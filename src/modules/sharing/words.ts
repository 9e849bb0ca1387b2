/**
 * Words of a petition text and their weights, for the duplicate check's text similarity.
 *
 * Chinese has no spaces: `@node-rs/jieba` segments it (its dictionary ships in the package;
 * HMM on, so unlisted names such as 恒川 or 锦澜 come out as words). Each word weighs its
 * inverse document frequency from the IDF table that ships with the same package (jieba's,
 * from a large general corpus): rare words of a matter (渗漏 9.9, 过渡费, an estate's name)
 * weigh far more than the words every petition has (问题 4.0, 要求 4.6, 反映 5.4), and a few
 * petition-template words a general corpus does not know as common are weighted down here.
 *
 * Why a fixed table and not IDF over the terminated cases: it is the same in every hub
 * instance and at every moment, so an answer never depends on which instance answers or on
 * what was imported a second ago (DESIGN.md §6); it needs no statement per check and no
 * write on termination; and on the development and generated sets it did as well as IDF over
 * their own cases (scripts/dup-eval.ts --idf=corpus measures it).
 */
import { Jieba } from '@node-rs/jieba';
import { dict, idf as idfText } from '@node-rs/jieba/dict';

let jieba: Jieba | null = null;
/** One segmenter per process: loading the dictionary takes ~0.2 s, a cut ~10 µs. */
function segmenter(): Jieba {
  return (jieba ??= Jieba.withDict(dict));
}

let idfTable: Map<string, number> | null = null;
let medianIdf = 0;
const seen = new Map<string, number>();
function idfOf(word: string): number {
  if (!idfTable) {
    idfTable = new Map();
    const values: number[] = [];
    for (const line of Buffer.from(idfText).toString('utf8').split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp <= 0) continue;
      const v = Number(line.slice(sp + 1));
      idfTable.set(line.slice(0, sp), v);
      values.push(v);
    }
    values.sort((a, b) => a - b);
    medianIdf = values[Math.floor(values.length / 2)];
  }
  // the words petitions use are few: looked up once in the large table (slow: cache misses)
  let v = seen.get(word);
  if (v === undefined) {
    // an unlisted word (a name) is as rare as the median word, as jieba's own TF-IDF assumes
    v = idfTable.get(word) ?? medianIdf;
    if (seen.size >= 100_000) seen.clear();
    seen.set(word, v);
  }
  return v;
}

/**
 * Words every petition uses whatever its matter (the general corpus finds some of them
 * rare): weighted as the commonest words.
 */
const TEMPLATE = new Set(
  '本人 信访 信访人 反映 反映过 要求 诉求 请求 问题 情况 有关 相关 部门 单位 处理 解决 督促 责令 依法 依规 按照 规定 认为 至今 一直 多次 先后 没有 不予 答复 意见 事项 我们 我家 现在 以前 之前 已经 还是 就是 这个 那个 什么 怎么 当时 后来 结果 只是 根本 一个 也 都 又 就 还 说 给 让 把 被 对 向 找'.split(
    ' ',
  ),
);
const TEMPLATE_WEIGHT = 1;
const PLACE_FACTOR = 0.5;

/** Parts of speech that carry no matter: numerals, classifiers, particles, prepositions, pronouns … */
const FUNCTION_TAGS = /^(m|mq|q|x|w|u.*|p|c|r.*|y|e|o|zg|uj|ul|f|d)$/;

export interface WordTag {
  word: string;
  tag: string;
}

/** Segmented with parts of speech (HMM on). */
export function wordTags(text: string): WordTag[] {
  if (!text) return [];
  return segmenter().tag(text, true);
}

/** The content words of a text with their weights (each word once). */
export type TermVector = Map<string, number>;

export function termVector(text: string, weight: (word: string) => number = idfOf): TermVector {
  const out: TermVector = new Map();
  for (const { word, tag } of wordTags(text)) {
    if (FUNCTION_TAGS.test(tag) || !/[\u4e00-\u9fffa-z]/.test(word)) continue;
    if (word.length === 1 && !/^(n|v|a|ns|nr|nz)/.test(tag)) continue;
    // a place name says where, not what: unrelated matters of one town share 浦口区, 桥林街道
    out.set(word, TEMPLATE.has(word) ? TEMPLATE_WEIGHT : weight(word) * (tag === 'ns' ? PLACE_FACTOR : 1));
  }
  return out;
}

/** Cosine of two weighted word sets, in [0, 1]. */
export function termCosine(a: TermVector, b: TermVector): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, x] of a) {
    na += x * x;
    const y = b.get(w);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The package's IDF of a word (for the evaluator's comparison with corpus IDF). */
export const packageIdf = (word: string) => idfOf(word);

/**
 * Loads the dictionary and the IDF table now (~1 s, once per process) rather than in the first
 * duplicate check; for a server's start.
 */
export function warmUpWords(): void {
  segmenter();
  idfOf('要求');
}
