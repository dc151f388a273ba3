import type { IncomingMessage } from 'node:http';
import { SseParser } from '../sseParser.js';

/**
 * Hands each message of a POST's answer (one JSON body, or SSE events as they come) to `deliver`,
 * which says whether it was the answer awaited; resolves, once the response is over, with
 * whether one was. Never rejects: a cut connection is an answer that did not come.
 */
export function readAnswer(res: IncomingMessage, deliver: (data: string) => boolean): Promise<boolean> {
  const sse = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
  let answered = false;
  res.setEncoding('utf8');
  return new Promise((resolve) => {
    if (sse) {
      const parser = new SseParser((event) => {
        if (deliver(event.data)) answered = true;
      });
      res.on('data', (chunk: string) => parser.push(chunk));
    } else {
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if (text.trim() && deliver(text)) answered = true;
      });
    }
    res.on('error', () => undefined);
    res.on('close', () => resolve(answered));
  });
}
