import {
  CALL_TOOL_NAME,
  readCallToolArguments,
  runSearchTools,
  SEARCH_TOOLS_NAME,
  searchModeToolList,
} from './metaTools.js';
import { createToolSearchIndex, type SearchableTool, type ToolSearchIndex } from './toolSearch.js';
import type { ListedTool, ToolSearchMode } from './types.js';

/**
 * A profile's `--tools search`: tools/list shows `search_tools`, `call_tool` and the pinned tools;
 * `search_tools` ranks the profile's filtered tools with a full-text index (built on the first search,
 * brought up to date with the list it is given each time, so a member's list_changed is seen);
 * `call_tool` hands its target back to the aggregator, which routes it as a call of that name (and
 * refuses it when it is filtered, unknown or itself a meta-tool).
 */
export function toolSearchMode(pins: readonly string[]): ToolSearchMode {
  let index: Promise<ToolSearchIndex> | undefined;
  let indexed: readonly ListedTool[] | undefined;

  const indexOf = async (tools: readonly ListedTool[]): Promise<ToolSearchIndex> => {
    if (index === undefined) {
      index = createToolSearchIndex(tools as readonly SearchableTool[]);
      index.catch(() => {
        index = undefined; // a failed load of the library is tried again on the next search
      });
      indexed = tools;
    }
    const ready = await index;
    if (indexed !== tools) {
      ready.setTools(tools as readonly SearchableTool[]);
      indexed = tools;
    }
    return ready;
  };

  return {
    listed: (tools) => searchModeToolList(tools, pins) as ListedTool[],
    call(name, args, tools) {
      if (name === SEARCH_TOOLS_NAME) {
        return { result: indexOf(tools).then((ready) => ({ ...runSearchTools(ready, args) })) };
      }
      if (name !== CALL_TOOL_NAME) return undefined;
      const read = readCallToolArguments(args);
      if (!read.ok) return { result: Promise.resolve({ ...read.result }) };
      return { route: { name: read.target.name, arguments: read.target.arguments ?? {} } };
    },
  };
}
