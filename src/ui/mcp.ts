import { csrfToken } from './api.js';

/** One JSON-RPC request and its answer, as the "try a tool" pane shows them. */
export interface Exchange {
  request: unknown;
  response: unknown;
}

export interface ToolInfo {
  name: string;
  description?: string;
  inputSchema?: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  enum?: unknown[];
}

interface RpcAnswer {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
}

/**
 * A minimal MCP client over the gateway's Streamable HTTP endpoint, reached through the dashboard
 * (`/ui/mcp/...`, the session's cookie and CSRF token: on the remote listener a page has no bearer
 * token), so a tool is tried exactly as an MCP client would call it: initialize once, then
 * requests in the session.
 */
export class GatewayClient {
  private sessionId: string | undefined;
  /** The initialize in flight: requests made meanwhile (the page's panes ask at once) share its session. */
  private opening: Promise<Exchange[]> | undefined;
  private closed = false;
  private protocolVersion = '2025-06-18';
  private nextId = 1;

  private constructor(private readonly endpoint: string) {}

  /** A client of one server's endpoint, through the dashboard as the session's principal. */
  static forServer(name: string): GatewayClient {
    return new GatewayClient(`/ui/mcp/servers/${encodeURIComponent(name)}/mcp`);
  }

  /** Ends the gateway session (the page left): it would otherwise wait out the idle timeout. */
  close(): void {
    this.closed = true;
    this.end();
  }

  private end(): void {
    if (this.sessionId === undefined) return;
    const headers = {
      'mcp-session-id': this.sessionId,
      'mcp-protocol-version': this.protocolVersion,
      'x-mcpctl-csrf': csrfToken(),
    };
    this.sessionId = undefined;
    void fetch(this.endpoint, { method: 'DELETE', headers, keepalive: true }).catch(() => undefined);
  }

  /** Rejects when the gateway or the server answers with an error (refused, not running): not the same as no tools. */
  async listTools(): Promise<ToolInfo[]> {
    const { answer } = await this.request('tools/list', {});
    if (answer.error) throw new Error(answer.error.message);
    return ((answer.result as { tools?: ToolInfo[] } | undefined)?.tools ?? []) as ToolInfo[];
  }

  /** Resource URIs and prompt names (empty when the server offers none: its error answer counts as none). */
  async listOthers(): Promise<{ resources: string[]; prompts: string[] }> {
    const resources = await this.request('resources/list', {});
    const prompts = await this.request('prompts/list', {});
    return {
      resources: ((resources.answer.result as { resources?: Array<{ uri: string }> } | undefined)?.resources ?? []).map(
        (resource) => resource.uri,
      ),
      prompts: ((prompts.answer.result as { prompts?: Array<{ name: string }> } | undefined)?.prompts ?? []).map(
        (prompt) => prompt.name,
      ),
    };
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<{ answer: RpcAnswer; exchange: Exchange[] }> {
    return this.request('tools/call', { name, arguments: args });
  }

  private async request(method: string, params: unknown): Promise<{ answer: RpcAnswer; exchange: Exchange[] }> {
    const exchange: Exchange[] = [];
    if (this.sessionId === undefined) {
      const first = this.opening === undefined;
      this.opening ??= this.initialize().finally(() => {
        this.opening = undefined;
      });
      const steps = await this.opening;
      if (first) exchange.push(...steps);
      // Closed while it opened (the page left): the session it got is ended too, not left to idle out.
      if (this.closed) {
        this.end();
        throw new Error('the gateway client was closed');
      }
    }
    const message = { jsonrpc: '2.0', id: this.nextId++, method, params };
    const answer = await this.post(message);
    exchange.push({ request: message, response: answer });
    return { answer: answer ?? {}, exchange };
  }

  private async initialize(): Promise<Exchange[]> {
    const message = {
      jsonrpc: '2.0',
      id: this.nextId++,
      method: 'initialize',
      params: {
        protocolVersion: this.protocolVersion,
        capabilities: {},
        clientInfo: { name: 'mcpctl-dashboard', version: '1' },
      },
    };
    const answer = await this.post(message);
    const version = (answer?.result as { protocolVersion?: string } | undefined)?.protocolVersion;
    if (version) this.protocolVersion = version;
    const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
    await this.post(initialized);
    return [
      { request: message, response: answer },
      { request: initialized, response: null },
    ];
  }

  private async post(message: { id?: number; jsonrpc: string; method: string }): Promise<RpcAnswer | undefined> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': this.protocolVersion,
      'x-mcpctl-csrf': csrfToken(),
    };
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    const res = await fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify(message) });
    const session = res.headers.get('mcp-session-id');
    if (session) this.sessionId = session;
    if (res.status === 404 && this.sessionId !== undefined && message.id !== undefined) {
      // The session was killed or expired: the next request starts a new one.
      this.sessionId = undefined;
    }
    if (message.id === undefined) return undefined;
    const text = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      for (const block of text.split(/\r?\n\r?\n/)) {
        const data = block
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (!data) continue;
        const parsed = JSON.parse(data) as RpcAnswer;
        if (parsed.id === message.id) return parsed;
      }
      return { error: { code: -1, message: 'no answer in the event stream' } };
    }
    try {
      return JSON.parse(text) as RpcAnswer;
    } catch {
      return { error: { code: res.status, message: text || `HTTP ${res.status}` } };
    }
  }
}
