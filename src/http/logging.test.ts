// Terminal logs: readable lines, one per request, successful reads quiet, query strings never shown.
import { Writable } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loggerOptions, prettyStream, resolveLogFormat, terminalRequestLog } from './logging.ts';

describe('resolveLogFormat', () => {
  it('is pretty on a terminal and JSON elsewhere unless asked', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('PRETTY', false)).toBe('pretty');
    expect(() => resolveLogFormat('xml', true)).toThrow(/auto, pretty, json/);
  });
});

describe('terminal request log', () => {
  it('writes one readable line per write or error, hides successful reads, never the query', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const app = Fastify({
      logger: { ...(loggerOptions('info') as object), stream: prettyStream(sink) },
      logController: new LogController({ disableRequestLogging: true }),
    });
    terminalRequestLog(app);
    app.get('/api/board', async () => ({ ok: true }));
    app.post('/api/persons', async (_req, reply) => reply.code(201).send({ id: 'p1' }));
    app.get('/api/missing', async (_req, reply) => reply.code(404).send({}));
    await app.inject({ method: 'GET', url: '/api/board?q=Zsecretname' });
    await app.inject({ method: 'POST', url: '/api/persons?q=Zsecretname', payload: { family: 'Zsecret' } });
    await app.inject({ method: 'GET', url: '/api/missing?q=Zsecretname' });
    await app.close();
    await new Promise((r) => setTimeout(r, 50));
    const lines = out.split('\n').filter(Boolean);
    expect(lines.some((l) => /POST \/api\/persons 201 \d+ ms/.test(l))).toBe(true);
    expect(lines.some((l) => /GET \/api\/missing 404 \d+ ms/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('/api/board'))).toBe(false);
    expect(out).not.toMatch(/Zsecret/);
    expect(lines.every((l) => !l.trimStart().startsWith('{'))).toBe(true);
  });
});
