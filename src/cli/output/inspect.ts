import { isDeepStrictEqual } from 'node:util';
import type {
  CallToolResult,
  ContentBlock,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { renderTable } from './table.js';

/** The first line of a description, so one tool stays one row. */
function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.trim() ?? '';
}

/** Only the hints a server stated: an absent hint has a default in the spec, not a value to print. */
function annotationWords(tool: Tool): string {
  const hints = tool.annotations ?? {};
  const words: string[] = [];
  if (hints.readOnlyHint === true) words.push('read-only');
  if (hints.destructiveHint === true) words.push('destructive');
  if (hints.idempotentHint === true) words.push('idempotent');
  if (hints.openWorldHint === true) words.push('open-world');
  return words.join(',');
}

/** `wide`: the whole description on one line; otherwise its first line. */
export function renderToolsTable(tools: readonly Tool[], options: { headers: boolean; wide: boolean }): string {
  const { headers, wide } = options;
  const rows = tools.map((tool) => [
    tool.name,
    tool.title ?? tool.annotations?.title ?? '',
    annotationWords(tool),
    wide ? (tool.description ?? '').trim().replace(/\s*\n\s*/g, ' ') : firstLine(tool.description),
  ]);
  return renderTable(['NAME', 'TITLE', 'ANNOTATIONS', 'DESCRIPTION'], rows, { headers });
}

export function renderResourcesTable(
  resources: readonly Resource[],
  templates: readonly ResourceTemplate[],
  headers: boolean,
): string {
  const rows = [
    ...resources.map((resource) => [
      resource.uri,
      resource.name,
      resource.mimeType ?? '',
      firstLine(resource.description),
    ]),
    ...templates.map((template) => [
      template.uriTemplate,
      `${template.name} (template)`,
      template.mimeType ?? '',
      firstLine(template.description),
    ]),
  ];
  return renderTable(['URI', 'NAME', 'MIME', 'DESCRIPTION'], rows, { headers });
}

export function renderPromptsTable(prompts: readonly Prompt[], headers: boolean): string {
  const rows = prompts.map((prompt) => [
    prompt.name,
    (prompt.arguments ?? []).map((arg) => `${arg.name}${arg.required ? '*' : ''}`).join(','),
    firstLine(prompt.description),
  ]);
  return renderTable(['NAME', 'ARGUMENTS', 'DESCRIPTION'], rows, { headers });
}

/** Bytes of base64 data, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Text as is; images, audio and resources summarised in one bracketed line each. */
export function renderContentBlock(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${size(base64Bytes(block.data))}]`;
    case 'resource_link':
      return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ''}${block.mimeType ? `, ${block.mimeType}` : ''}]`;
    case 'resource': {
      const { resource } = block;
      const mime = resource.mimeType ? `${resource.mimeType}, ` : '';
      const amount = 'text' in resource ? `${resource.text.length} chars` : size(base64Bytes(resource.blob));
      return `[resource ${resource.uri} (${mime}${amount})]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

function parsesTo(text: string, value: unknown): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
}

/**
 * A tool result for a person: each content block, then the structured output as indented JSON
 * unless a text block already holds that same JSON (servers send both, as the spec advises).
 */
export function renderToolResult(result: CallToolResult): string {
  const blocks = result.content ?? [];
  const parts = blocks.map(renderContentBlock);
  const structured = result.structuredContent;
  if (structured !== undefined && !blocks.some((block) => block.type === 'text' && parsesTo(block.text, structured))) {
    parts.push(JSON.stringify(structured, null, 2));
  }
  return parts.join('\n');
}

/** Each text content as is; binary contents summarised; several contents each under their URI. */
export function renderResourceContents(result: ReadResourceResult): string {
  const several = result.contents.length > 1;
  return result.contents
    .map((content) => {
      const body =
        'text' in content && typeof content.text === 'string'
          ? content.text
          : `[blob ${content.uri}${content.mimeType ? ` (${content.mimeType}, ` : ' ('}${size(base64Bytes(String((content as { blob?: unknown }).blob ?? '')))})]`;
      return several ? `--- ${content.uri}\n${body}` : body;
    })
    .join('\n');
}

export function renderPromptMessages(result: GetPromptResult): string {
  const head = result.description ? [`# ${result.description}`] : [];
  const messages = result.messages.map((message) => `[${message.role}]\n${renderContentBlock(message.content)}`);
  return [...head, ...messages].join('\n\n');
}
