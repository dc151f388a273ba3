import { loadEngine, termProcessor, textIndexOptions, toolTextWords } from '../../protocol/aggregate/toolSearch.js';

/**
 * Ranks registry entries for `mcpctl search` with the very index profiles' tool search uses
 * (MiniSearch's BM25+, the same words, stop words, stemming and field boosts: name, title,
 * description), so "relevant" means one thing in mcpctl. Loaded on first use.
 */
export interface RankedText {
  /** Unique among the documents ranked together. */
  id: string;
  name: string;
  title?: string;
  description?: string;
}

/** The ids of `documents` that match `query`, best first, with their scores. */
export async function rankByRelevance(
  documents: readonly RankedText[],
  query: string,
): Promise<{ id: string; score: number }[]> {
  const engine = await loadEngine();
  const index = new engine.MiniSearch<RankedText>(textIndexOptions(engine, 'id'));
  index.addAll(documents);
  return index.search(query).map((hit) => ({ id: String(hit.id), score: Math.round(hit.score * 1000) / 1000 }));
}

const keepWord = termProcessor((word) => word);

/**
 * The words of a query that a registry is asked for, one request each: the official registry's
 * `search` is a substring of the server name, so "read files" as one string would find nothing.
 */
export function queryWords(query: string, max = 5): string[] {
  const words = toolTextWords(query).filter((word) => word.length >= 2 && keepWord(word) !== null);
  return [...new Set(words)].slice(0, max);
}
